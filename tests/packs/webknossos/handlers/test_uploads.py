"""Uploads and createFromFiles (reference §9.4, §9.5, §10.3) through the HTTP API: round trips in every
version, merging files, dataset access, and hostile files (400/413, nothing stored, the server answers on)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from mockserver import archives
from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.auth import principal_for
from mockserver.packs.webknossos.nml import parse_nml
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.packs.webknossos.views.datasets import may_read_dataset
from mockserver.store import Store
from tests.packs.webknossos.handlers.test_downloads import content, fixture, kinds, known, skeleton_only, store_of


def upload(client: TestClient, headers: dict[str, str], files: list[tuple[str, bytes]], group: str = "false",
           version: str = "v5", **data: str) -> Any:
    parts = {f"part{i}_{name}": (name, blob) for i, (name, blob) in enumerate(files)}
    if not parts:  # httpx sends a form without files url-encoded; build the multipart body by hand
        body = (f'--b\r\nContent-Disposition: form-data; name="createGroupForEachFile"\r\n\r\n{group}\r\n'
                "--b--\r\n").encode()
        return client.post(f"/api/{version}/annotations/upload", content=body,
                           headers={**headers, "Content-Type": "multipart/form-data; boundary=b"})
    return client.post(f"/api/{version}/annotations/upload", headers=headers, files=parts,
                       data={"createGroupForEachFile": group, **data})


def uploaded(client: TestClient, response: Any) -> r.Annotation:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["annotation"]["typ"] == "Explorational"
    assert body["messages"] == [{"success": "Successfully uploaded file"}]
    record = store_of(client).get(r.Annotation, body["annotation"]["id"])
    assert record is not None
    return record


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()



# uploads ---------------------------------------------------------------------------------------------



GROUPS = [{"groupId": 3, "name": "outer", "children": [{"groupId": 7, "name": "inner", "children": []}]},
          {"groupId": 4, "name": "second", "children": []}]


def with_groups(store: Store, record: r.Annotation) -> dict[str, Any]:
    """Give ``record``'s skeleton nested groups, trees in them, comments and a branch point."""
    layer = next(layer for layer in record.layers if layer["typ"] == "Skeleton")
    tracing = store.get(r.Tracing, layer["tracingId"])
    assert tracing is not None
    skeleton = dict(tracing.content)
    trees = [dict(tree) for tree in skeleton["trees"]]
    for tree, group_id in zip(trees, [7, 4, None], strict=False):
        tree["groupId"] = group_id
    first_node = trees[0]["nodes"][0]["id"]
    skeleton.update(trees=trees, groups=GROUPS, comments=[*skeleton["comments"], {"node": first_node,
                                                                                    "content": 'say "hi" & <bye>'}],
                    branchPoints=[*skeleton["branchPoints"], {"node": first_node, "time": 12345}])
    store.update(tracing, content=skeleton)
    return skeleton


@pytest.mark.parametrize("version", list(ADAPTERS))
def test_download_upload_download_round_trip(app: MockApp, client: TestClient, auth: Any, version: str) -> None:
    store = store_of(client)
    record = skeleton_only(store, known(app, "user").id)
    with_groups(store, record)
    headers = auth("user")
    first = client.get(f"/api/{version}/annotations/Explorational/{record.id}/download", headers=headers)
    assert first.status_code == 200 and first.headers["content-type"] == "application/xml"
    copy = uploaded(client, upload(client, headers, [("round.nml", first.content)], version=version))
    assert copy.name == "round" and copy.dataset_id == record.dataset_id and kinds(copy) == {"Skeleton"}
    second = client.get(f"/api/{version}/annotations/{copy.id}/download", headers=headers)
    assert second.status_code == 200 and second.headers["content-disposition"] == 'attachment;filename="round.nml"'

    before, after = parse_nml(first.content, "first.nml"), parse_nml(second.content, "second.nml")
    assert before.skeleton is not None and after.skeleton is not None
    assert after.skeleton == before.skeleton  # trees, nodes, edges, comments, branch points, groups, boxes …
    assert after.skeleton["groups"] == GROUPS
    assert [t["groupId"] for t in after.skeleton["trees"]][:2] == [7, 4]
    assert after.skeleton["comments"][-1]["content"] == 'say "hi" & <bye>'
    assert {"node": after.skeleton["trees"][0]["nodes"][0]["id"], "time": 12345} in after.skeleton["branchPoints"]
    assert (after.dataset_name, after.organization, after.description, after.scale) == (
        before.dataset_name, before.organization, before.description, before.scale)
    assert after.meta["annotationId"] == copy.id and before.meta["annotationId"] == record.id


def test_a_fresh_explorational_does_not_round_trip_as_on_the_v5_server(client: TestClient, auth: Any) -> None:
    """A new explorational's skeleton has no tree: its download is a valid NML without ``<thing>``, user
    bounding box or volume, which the v5-era server refuses on upload (``AnnotationIOController.upload``,
    ``assertNonEmpty`` → ``nml.file.noFile``; reference §10.3). Servers from 2025 on accept it."""
    headers = auth("user")
    created = client.post("/api/v5/datasets/sample_organization/l4_sample/createExplorational", headers=headers,
                          json=[{"typ": "Skeleton"}]).json()
    download = client.get(f"/api/v5/annotations/Explorational/{created['id']}/download", headers=headers)
    assert download.status_code == 200 and download.content.startswith(b"<things>")
    assert not parse_nml(download.content, "fresh.nml").has_content
    before = records(store_of(client))
    response = upload(client, headers, [("fresh.nml", download.content)])
    assert assert_rejected(client, auth, response, before) == "No file or file with empty content uploaded"


def test_uploaded_fixture_keeps_its_content(client: TestClient, auth: Any) -> None:
    data = fixture("l4_sample_axon.nml")
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_axon.nml", data)]))
    assert record.name == "l4_sample_axon"
    assert record.description == "Axon traced from the soma"
    assert record.layers[0]["name"] == "Skeleton" and kinds(record) == {"Skeleton"}
    source = parse_nml(data, "l4_sample_axon.nml").skeleton
    back = parse_nml(client.get(f"/api/annotations/{record.id}/download", headers=auth("user")).content,
                     "back.nml").skeleton
    assert back == source

def test_multi_file_upload_with_a_group_per_file(client: TestClient, auth: Any) -> None:
    files = [("l4_sample_axon.nml", fixture("l4_sample_axon.nml")),
             ("l4_sample_groups.nml", fixture("l4_sample_groups.nml"))]
    record = uploaded(client, upload(client, auth("user"), files, group="true"))
    assert record.name == "" and record.description == ""
    skeleton = content(store_of(client), record)
    top = {group["name"] for group in skeleton["groups"]}
    assert top == {"l4_sample_axon.nml", "l4_sample_groups.nml"}
    assert len(skeleton["trees"]) == 5
    names = {tree["name"] for tree in skeleton["trees"]}
    assert names == {"axon 1", "dendrite A", "dendrite B", "spine 1", "unsorted"}
    axon_group = next(g for g in skeleton["groups"] if g["name"] == "l4_sample_axon.nml")
    axon_tree = next(t for t in skeleton["trees"] if t["name"] == "axon 1")
    assert axon_tree["groupId"] == axon_group["groupId"]
    groups_group = next(g for g in skeleton["groups"] if g["name"] == "l4_sample_groups.nml")
    assert [child["name"] for child in groups_group["children"]] == ["dendrites", "empty group"]
    node_ids = [n["id"] for t in skeleton["trees"] for n in t["nodes"]]
    assert len(node_ids) == len(set(node_ids))


def test_multi_file_upload_without_groups_prefixes_tree_names(client: TestClient, auth: Any) -> None:
    files = [("l4_sample_axon.nml", fixture("l4_sample_axon.nml")),
             ("l4_sample_task.nml", fixture("l4_sample_task.nml"))]
    record = uploaded(client, upload(client, auth("user"), files, group="false"))
    skeleton = content(store_of(client), record)
    assert sorted(t["name"] for t in skeleton["trees"]) == ["l4_sample_axon_axon 1", "l4_sample_task_seed"]
    assert any(box["name"] == "task bounding box" for box in skeleton["userBoundingBoxes"])


def test_single_file_group_wrapping_and_zip_uploads(client: TestClient, auth: Any) -> None:
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_axon.nml", fixture("l4_sample_axon.nml"))],
                                     group="true"))
    skeleton = content(store_of(client), record)
    assert [g["name"] for g in skeleton["groups"]] == ["l4_sample_axon.nml"]

    volume_zip = fixture("l4_sample_volume.zip")
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_volume.zip", volume_zip)]))
    assert record.name == "l4_sample_volume"
    assert [(layer["typ"], layer["name"]) for layer in record.layers] == [("Skeleton", "Skeleton"),
                                                                          ("Volume", "Volume")]
    volume = content(store_of(client), record, "Volume")
    assert volume["fallbackLayer"] == "segmentation" and volume["largestSegmentId"] == 2504698
    assert [s["id"] for s in volume["segments"]] == [2504698]
    download = client.get(f"/api/annotations/{record.id}/download", headers=auth("user"))
    assert download.headers["content-disposition"] == 'attachment;filename="l4_sample_volume.zip"'
    assert zipfile.ZipFile(io.BytesIO(download.content)).namelist() == ["l4_sample_volume.nml", "data_Volume.zip"]

    nested = zip_of([("outer/a.zip", zip_of([("a.nml", fixture("l4_sample_axon.nml"))])),
                     ("b.zip", zip_of([("b.nml", fixture("l4_sample_groups.nml"))]))])
    record = uploaded(client, upload(client, auth("user"), [("bundle.zip", nested)]))
    assert len(content(store_of(client), record)["trees"]) == 5


def test_dataset_name_override_and_dataset_access(app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    plain = known(app, "user")
    organization = store.one(r.Organization, "name = 'sample_organization'")
    assert organization is not None
    data = fixture("l4_sample_axon.nml")
    others = [d for d in store.select(r.Dataset, "organization_id = ? AND is_active = 1", (organization.id,))
              if d.name != "l4_sample"]
    record = uploaded(client, upload(client, auth("admin"), [("a.nml", data)], datasetName=others[0].name))
    assert record.dataset_id == others[0].id

    principal = principal_for(store, plain.id)
    hidden = [d for d in others if not may_read_dataset(store, d, principal)]
    assert hidden, "the seeded world has a dataset the plain user cannot read"
    before = store.count(r.Annotation)
    response = upload(client, auth("user"), [("a.nml", data)], datasetName=hidden[0].name)
    assert response.status_code == 403
    assert response.json() == {"messages": [
        {"error": f"Could not access dataset {hidden[0].name}. Does your team have access?"}]}
    assert store.count(r.Annotation) == before

    foreign = data.replace(b'organization="sample_organization"', b'organization="no_such_org"')
    response = upload(client, auth("user"), [("a.nml", foreign)])
    assert response.status_code == 404
    missing = data.replace(b'name="l4_sample"', b'name="no_such_dataset"')
    response = upload(client, auth("user"), [("a.nml", missing)])
    assert response.status_code == 403
    response = upload(client, auth("user"), [("a.nml", data), ("b.nml", missing)])
    assert response.status_code == 400
    assert response.json()["messages"][0]["error"] == "Cannot upload tracings that belong to different datasets at once"


# bad and hostile files -------------------------------------------------------------------------------

PARAMETERS = b'<parameters><experiment name="l4_sample" organization="sample_organization"/></parameters>'


def nml(trees: bytes) -> bytes:
    return b"<things>" + PARAMETERS + trees + b"</things>"


def zip_bomb() -> bytes:
    return zip_of([("bomb.nml", nml(b"<comments>" + b" " * (8 * 1024 * 1024) + b"</comments>"))])


def nested_zip(levels: int) -> bytes:
    data = zip_of([("deep.nml", fixture("l4_sample_axon.nml"))])
    for level in range(levels):
        data = zip_of([(f"level{level}.zip", data)])
    return data


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  b'<things><parameters><experiment name="&lol3;"/></parameters></things>')
DOCTYPE = "DOCTYPE is disallowed"
HOSTILE: dict[str, tuple[Callable[[], list[tuple[str, bytes]]], str]] = {
    "malformed-xml": (lambda: [("a.nml", b"definitely not xml")],
                      "Could not parse file: a.nml. Failed to parse NML 'a.nml'. Error in Line 1 (column 1): "
                      "Start tag expected"),
    "unclosed-xml": (lambda: [("a.nml", b"<things>" + PARAMETERS)],
                     "Could not parse file: a.nml. Failed to parse NML 'a.nml'. Error in Line 1"),
    "wrong-root-element": (lambda: [("p.nml", b"<html><body><p>hi</p></body></html>")],
                           "Could not parse file: p.nml. No parameters section found"),
    "no-parameters": (lambda: [("p.nml", b'<things><thing id="1"/></things>')],
                      "Could not parse file: p.nml. No parameters section found"),
    "missing-tree-id": (lambda: [("t.nml", nml(b'<thing name="x"/>'))],
                        "Could not parse file: t.nml. Invalid tree id "),
    "missing-coordinate": (lambda: [("c.nml", nml(b'<thing id="1"><nodes><node id="1" x="1" y="1"/></nodes>'
                                                  b"</thing>"))],
                           "Could not parse file: c.nml. Invalid node position for node id 1"),
    "edge-to-missing-node": (lambda: [("e.nml", nml(b'<thing id="1"><nodes><node id="1" x="1" y="1" z="1"/></nodes>'
                                                    b'<edges><edge source="1" target="9"/></edges></thing>'))],
                             "Could not parse file: e.nml. Some edges refer to non-existent nodes. treeId: 1, "
                             "nodeIds: 9"),
    "duplicate-node-ids": (lambda: [("d.nml", nml(b'<thing id="1"><nodes><node id="1" x="1" y="1" z="1"/>'
                                                  b'<node id="1" x="2" y="2" z="2"/></nodes></thing>'))],
                           "Could not parse file: d.nml. Duplicate nodeIds: 1"),
    "non-numeric-coordinates": (lambda: [("n.nml", nml(b'<thing id="1"><nodes><node id="1" x="one" y="1" z="1"/>'
                                                       b"</nodes></thing>"))],
                                "Could not parse file: n.nml. Invalid node position for node id 1"),
    "billion-laughs": (lambda: [("lol.nml", BILLION_LAUGHS)],
                       f"Could not parse file: lol.nml. Failed to parse NML 'lol.nml'. Error in Line 1 (column 22): "
                       f"{DOCTYPE}"),
    "external-dtd": (lambda: [("dtd.nml", b'<!DOCTYPE things SYSTEM "http://127.0.0.1:9/x.dtd">' + nml(b""))],
                     f"Could not parse file: dtd.nml. Failed to parse NML 'dtd.nml'. Error in Line 1 (column 1): "
                     f"{DOCTYPE}"),
    "internal-dtd": (lambda: [("dtd.nml", b"<!DOCTYPE things [<!ELEMENT things ANY>]>" + nml(b""))],
                     f"Could not parse file: dtd.nml. Failed to parse NML 'dtd.nml'. Error in Line 1 (column 1): "
                     f"{DOCTYPE}"),
    "zip-bomb": (lambda: [("bomb.zip", zip_bomb())],
                 "Could not parse file: bomb.zip. The ZIP file is too large when unpacked (an entry expands more "
                 "than 200 times)"),
    "zip-slip": (lambda: [("z.zip", zip_of([("ok.nml", fixture("l4_sample_axon.nml")),
                                             ("../../evil.nml", fixture("l4_sample_axon.nml"))]))],
                 "Could not parse file: z.zip. Invalid ZIP file: an entry has an absolute or parent-relative path"),
    "zip-slip-absolute": (lambda: [("z.zip", zip_of([("/etc/evil.nml", fixture("l4_sample_axon.nml"))]))],
                          "Could not parse file: z.zip. Invalid ZIP file: an entry has an absolute"),
    "nested-archives": (lambda: [("deep.zip", nested_zip(3))], "No file or file with empty content uploaded"),
    "non-zip-with-zip-name": (lambda: [("fake.zip", fixture("l4_sample_axon.nml"))],
                              "Could not parse file: fake.zip. Invalid ZIP file"),
    "broken-zip": (lambda: [("broken.zip", b"PK\x03\x04 this is no zip")],
                   "Could not parse file: broken.zip. Invalid ZIP file"),
    "empty-file": (lambda: [("empty.nml", b"")], "No file or file with empty content uploaded"),
    "no-file": (lambda: [], "No file or file with empty content uploaded"),
    "all-files-bad": (lambda: [("x.nml", nml(b'<thing id="1"/><thing id="1"/>')), ("y.nml", b"<")],
                      "Could not parse file: x.nml. Duplicate treeIds: 1"),
}


def records(store: Store) -> tuple[int, ...]:
    return tuple(store.count(kind) for kind in (r.Annotation, r.Tracing, r.Task))


def assert_rejected(client: TestClient, auth: Any, response: Any, before: tuple[int, ...], status: int = 400) -> str:
    """The error envelope, nothing stored, and the server still answers; returns the first error text."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    errors = [message["error"] for message in response.json()["messages"]]
    assert records(store_of(client)) == before
    assert client.get("/api/v5/user", headers=auth("user")).status_code == 200
    return errors[0]


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_hostile_and_broken_uploads_store_nothing(client: TestClient, auth: Any, case: str) -> None:
    files, expected = HOSTILE[case]
    before = records(store_of(client))
    response = upload(client, auth("user"), files())
    assert assert_rejected(client, auth, response, before).startswith(expected)


def test_xxe_never_reads_a_local_file(client: TestClient, auth: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MARKER-7d2e41")
    entity = b'<!DOCTYPE things [<!ENTITY xxe SYSTEM "' + secret.as_uri().encode() + b'">]>'
    payloads = [entity + b'<things><parameters><experiment name="&xxe;"/></parameters></things>',
                entity + nml(b'<thing id="1" name="x"><nodes><node id="1" x="1" y="1" z="1"/></nodes></thing>'
                             b"<comments><comment node=\"1\" content=\"x\">&xxe;</comment></comments>")]
    store = store_of(client)
    before = records(store)
    for payload in payloads:
        response = upload(client, auth("user"), [("xxe.nml", payload)])
        assert DOCTYPE in assert_rejected(client, auth, response, before)
        assert "MARKER" not in response.text
    stored = orjson.dumps([t.content for t in store.select(r.Tracing)] + [a.name for a in store.select(r.Annotation)])
    assert b"MARKER" not in stored


def test_zip_bomb_by_unpacked_size(client: TestClient, auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 64 * 1024)
    before = records(store_of(client))
    files = [("a.zip", zip_of([("a.nml", fixture("l4_sample_axon.nml"))])),
             ("many.zip", zip_of([(f"{i}.nml", fixture("l4_sample_axon.nml")) for i in range(40)]))]
    response = upload(client, auth("user"), files)
    error = assert_rejected(client, auth, response, before)
    assert error == ("Could not parse file: many.zip. The ZIP file is too large when unpacked (more than 65536 bytes "
                     "or 1000 entries)")


def test_upload_over_the_body_limit_is_413(app: MockApp, client: TestClient, auth: Any) -> None:
    limit = app.backend.settings.max_body_bytes
    before = records(store_of(client))
    response = upload(client, auth("user"), [("huge.nml", b" " * (limit + 1))])
    error = assert_rejected(client, auth, response, before, status=413)
    assert error == f"Request entity too large (limit {limit} bytes)"


def test_upload_needs_login_and_the_group_flag(client: TestClient, auth: Any) -> None:
    files = {"a.nml": ("a.nml", fixture("l4_sample_axon.nml"))}
    response = client.post("/api/annotations/upload", files=files, data={"createGroupForEachFile": "true"})
    assert response.status_code == 401
    response = client.post("/api/annotations/upload", headers=auth("user"), files=files)
    assert response.status_code == 400

# tasks from files -----------------------------------------------------------------------------------


def task_form(store: Store) -> tuple[dict[str, Any], r.Project]:
    task = store.one(r.Task, "task_type_id IN (SELECT id FROM task_types WHERE tracing_type = 'skeleton')")
    assert task is not None
    project = store.get(r.Project, task.project_id)
    assert project is not None
    return {"taskTypeId": task.task_type_id, "neededExperience": {"domain": "axon-tracing", "value": 2},
            "pendingInstances": 3, "projectName": project.name, "scriptId": None, "boundingBox": None}, project


def create_from_files(client: TestClient, headers: dict[str, str], form: dict[str, Any] | None,
                      files: list[tuple[str, bytes]]) -> Any:
    parts = {f"part{i}_{name}": (name, blob) for i, (name, blob) in enumerate(files)}
    data = {"formJSON": json.dumps(form)} if form is not None else {}
    return client.post("/api/tasks/createFromFiles", headers=headers, files=parts, data=data)


def test_create_tasks_from_files_makes_one_task_per_nml(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    form, project = task_form(store)
    bundle = zip_of([("inner_a.nml", fixture("l4_sample_axon.nml")), ("inner_b.nml", fixture("l4_sample_groups.nml")),
                     ("data_Volume.zip", b"ignored")])
    files = [("l4_sample_task.nml", fixture("l4_sample_task.nml")), ("bundle.zip", bundle),
             ("broken.nml", b"<things>"), ("notes.txt", b"not an nml")]
    before = store.count(r.Task)
    response = create_from_files(client, auth("admin"), form, files)
    assert response.status_code == 200, response.text
    items = response.json()["tasks"]
    assert [item["status"] for item in items] == [200, 200, 200, 400]
    assert items[3]["error"].startswith("Failed to parse NML 'broken.nml'.")
    assert store.count(r.Task) == before + 3
    created = [store.get(r.Task, item["success"]["id"]) for item in items[:3]]
    assert [t.creation_info for t in created if t] == ["l4_sample_task.nml", "inner_a.nml", "inner_b.nml"]
    first = created[0]
    assert first is not None
    assert first.bounding_box == {"topLeft": [3236, 3236, 1068], "width": 128, "height": 128, "depth": 64}
    assert first.edit_position == [3300, 3300, 1100] and first.edit_rotation == [0.0, 90.0, 0.0]
    assert first.project_id == project.id and first.total_instances == 3
    assert first.description == "Trace the axon within the box"
    base = store.get(r.Tracing, first.base_tracing_id) if first.base_tracing_id else None
    assert base is not None and base.content["trees"][0]["name"] == "seed"
    assert items[0]["success"]["creationInfo"] == "l4_sample_task.nml"


def test_create_tasks_from_files_request_errors(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    form, _ = task_form(store)
    nml_file = [("t.nml", fixture("l4_sample_task.nml"))]
    response = create_from_files(client, auth("admin"), form, [("notes.txt", b"x")])
    assert response.status_code == 400
    assert response.json()["messages"][0]["error"] == "Could not extract NML file"
    response = create_from_files(client, auth("admin"), {**form, "projectName": "no such project"}, nml_file)
    assert response.status_code == 404
    response = create_from_files(client, auth("admin"), {**form, "taskTypeId": "0" * 24}, nml_file)
    assert response.status_code == 404
    response = create_from_files(client, auth("admin"), None, nml_file)
    assert response.status_code == 400
    assert create_from_files(client, {}, form, nml_file).status_code == 401


def test_create_tasks_from_hostile_files(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    form, _ = task_form(store)
    before = records(store)
    response = create_from_files(client, auth("admin"), form, [("bomb.zip", zip_bomb())])
    assert assert_rejected(client, auth, response, before).startswith("Could not parse file: bomb.zip. The ZIP file")
    files = [("lol.nml", BILLION_LAUGHS), ("slip.zip", zip_of([("../t.nml", fixture("l4_sample_task.nml"))])),
             ("fake.zip", b"not a zip"), ("dup.nml", nml(b'<thing id="1"/><thing id="1"/>'))]
    response = create_from_files(client, auth("admin"), form, files)
    assert response.status_code == 200, response.text
    items = response.json()["tasks"]
    assert [item["status"] for item in items] == [400, 400, 400, 400]
    assert DOCTYPE in items[0]["error"]
    assert [item["error"] for item in items[1:]] == [  # in request order
        "Invalid ZIP file: an entry has an absolute or parent-relative path", "Invalid ZIP file",
        "Duplicate treeIds: 1"]
    assert records(store) == before
