"""``POST /annotations/_rpc`` as the frontend's ``jsonrpc.ts`` uses it: one call as a bare object, batches as
bare arrays with string ids ``"0"`` … ``"49"``, partial updates, ``write_shape``; the service's error rules."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.testclient import TestClient

from tests.packs.idah.conftest import BASE, Client

BOX = {"type": "idah-image:bounding-box", "points": [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2], [0.1, 0.2]]}


def call(index: int, method: str, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method, "params": params, "id": str(index)}


def open_entry(client: Client) -> dict[str, Any]:
    entry: dict[str, Any] = client.get("/entries", ("filter[status]", "in_progress")).json()["data"][0]
    return entry


def test_one_create_as_a_bare_object_with_a_client_made_uuid(as_role: Any) -> None:
    annotator = as_role("annotator")
    entry = open_entry(annotator)
    new_id = str(uuid.uuid4())
    reply = annotator.rpc(call(0, "create", id=new_id, entry_id=entry["id"], dimensions=BOX,
                               annotation={"category": "vehicles/car"}, metadata={}))
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert (body["jsonrpc"], body["id"], body["result"]["id"]) == ("2.0", "0", new_id)
    assert body["result"]["created_by_email"] == "annotator@acme.test"
    assert body["result"]["entry_id"] == entry["id"]
    assert body["result"]["dataset_id"] == entry["attributes"]["dataset_id"]
    shown = annotator.get(f"/annotations/{new_id}").json()["data"]
    assert shown["attributes"]["annotation"] == {"category": "vehicles/car"}
    touched = annotator.get(f"/entries/{entry['id']}").json()["data"]["attributes"]["updated_at"]
    assert touched >= entry["attributes"]["updated_at"]


def test_a_batch_with_string_ids_answers_in_order(as_role: Any) -> None:
    annotator = as_role("annotator")
    entry = open_entry(annotator)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [call(0, "create", id=first, entry_id=entry["id"], dimensions=BOX, annotation={"category": "a"},
                  metadata={}),
             call(1, "create", id=second, entry_id=entry["id"], dimensions=BOX, annotation={"category": "b"},
                  metadata={}),
             call(2, "update", id=first, entry_id=entry["id"], annotation={"category": "c"}),
             call(3, "write_shape", annotation_id=second, key="track", value={"frames": [1, 2]}),
             call(4, "delete", id=second, entry_id=entry["id"])]
    replies = annotator.rpc(batch).json()
    assert [r["id"] for r in replies] == ["0", "1", "2", "3", "4"] and all("result" in r for r in replies)
    assert replies[2]["result"]["annotation"] == {"category": "c"} and replies[2]["result"]["dimensions"] == BOX
    assert replies[3]["result"]["dimensions"]["track"] == {"frames": [1, 2]}
    assert annotator.get(f"/annotations/{second}").status_code == 404
    assert annotator.rpc(call(0, "show", id=first)).json()["result"]["annotation"] == {"category": "c"}


def test_write_shape_with_null_removes_the_sub_shape(as_role: Any) -> None:
    annotator = as_role("annotator")
    annotation = annotator.get("/annotations", ("filter[entry_id]", open_entry(annotator)["id"])).json()["data"][0]
    annotator.rpc(call(0, "write_shape", annotation_id=annotation["id"], key="mask", value=[1, 0, 1]))
    assert annotator.get(f"/annotations/{annotation['id']}").json()["data"]["attributes"]["dimensions"]["mask"] == \
        [1, 0, 1]
    cleared = annotator.rpc(call(1, "write_shape", annotation_id=annotation["id"], key="mask", value=None)).json()
    assert "mask" not in cleared["result"]["dimensions"]


def test_notifications_get_no_reply(as_role: Any) -> None:
    annotator = as_role("annotator")
    entry = open_entry(annotator)
    quiet = {"jsonrpc": "2.0", "method": "create",
             "params": {"entry_id": entry["id"], "dimensions": BOX, "annotation": {}}}
    response = annotator.rpc(quiet)
    assert (response.status_code, response.content) == (204, b"")
    mixed = annotator.rpc([quiet, call(7, "show", id="nope")]).json()
    assert [r["id"] for r in mixed] == ["7"]
    assert annotator.get("/annotations", ("filter[entry_id]", entry["id"]), ("count", "true")).json()["meta"][
        "count"] >= 2


def test_call_errors_come_inside_200_and_a_batch_stops_at_the_first(as_role: Any) -> None:
    annotator = as_role("annotator")
    entry = open_entry(annotator)
    made = str(uuid.uuid4())
    replies = annotator.rpc([
        call(0, "create", id=made, entry_id=entry["id"], dimensions=BOX, annotation={}),
        call(1, "create", entry_id=entry["id"], annotation={}),
        call(2, "create", entry_id=entry["id"], dimensions=BOX, annotation={}),
    ])
    assert replies.status_code == 200
    zero, one, two = replies.json()
    assert "result" in zero
    assert one["error"]["code"] == -32602 and one["error"]["data"]["source"] == "/dimensions"
    assert two["error"] == {"code": -32603, "message": "Batch execution cancelled due to previous error"}
    assert annotator.get(f"/annotations/{made}").status_code == 200  # calls before the failure stay done
    unknown = annotator.rpc(call(0, "explode")).json()
    assert unknown["error"] == {"code": -32601, "message": "Method not found"}


def test_a_completed_entry_takes_no_annotations(as_role: Any) -> None:
    owner = as_role("owner")
    done = owner.get("/entries", ("filter[status]", "completed")).json()["data"][0]
    reply = owner.rpc(call(0, "create", entry_id=done["id"], dimensions=BOX, annotation={})).json()
    assert reply["error"]["code"] == -32602
    assert reply["error"]["data"]["detail"] == "Cannot create annotations on a completed entry"


def test_fifty_calls_are_a_batch_fifty_one_are_400(as_role: Any) -> None:
    annotator = as_role("annotator")
    fifty = annotator.rpc([call(i, "show", id="nope") for i in range(50)])
    assert fifty.status_code == 200 and len(fifty.json()) == 50
    too_many = annotator.rpc([call(i, "show", id="nope") for i in range(51)])
    assert too_many.status_code == 400
    assert too_many.json() == {"jsonrpc": "2.0", "id": None, "error": {
        "code": -32600, "message": "Batch size limit exceeded", "data": {"batch_limit": 50}}}


def test_auth_failures_and_unreadable_requests(http: TestClient, as_role: Any) -> None:
    anonymous = Client(http, None).rpc(call(0, "show", id="x"))
    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == -32001
    headers = {**as_role("annotator").headers, "Content-Type": "application/json"}
    garbled = http.post(f"{BASE}/annotations/_rpc", content=b'[{"jsonrpc": "2.0",', headers=headers)
    assert garbled.status_code == 400 and garbled.json()["error"]["code"] == -32700
    no_method = http.post(f"{BASE}/annotations/_rpc", content=b'{"jsonrpc": "2.0", "id": "0"}', headers=headers)
    assert no_method.status_code == 400 and no_method.json()["error"]["code"] == -32600


def test_odd_requests_are_answered_in_json_rpc_terms(http: TestClient, as_role: Any) -> None:
    annotator = as_role("annotator")
    huge = annotator.rpc({"jsonrpc": "2.0", "method": "show", "params": {"id": "x"}, "id": 2**70})
    assert huge.status_code == 200 and huge.json()["id"] == 2**70
    entry = open_entry(annotator)["id"]
    too_big = annotator.rpc(call(0, "create", entry_id=entry, dimensions={"x": 2**70}, annotation={})).json()
    assert too_big["error"]["code"] == -32602
    empty = http.post(f"{BASE}/annotations/_rpc", headers=annotator.headers)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == -32600
    assert empty.headers["content-type"] == "application/json"
