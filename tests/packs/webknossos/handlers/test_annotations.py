from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.world.skeletons import skeleton_stats
from mockserver.store import Store

TS = "timestamp=1700000000000"


def known(app: MockApp, role: str) -> Any:
    return next(u for u in app.backend.world.known_users if u.role == role)


def store_of(app: MockApp) -> Store:
    return app.backend.store


def annotation(app: MockApp, where: str, params: tuple[Any, ...] = ()) -> r.Annotation:
    found = store_of(app).one(r.Annotation, where, params)
    assert found is not None, f"no seeded annotation with {where} {params}"
    return found


def own_explorational(app: MockApp, role: str) -> r.Annotation:
    return annotation(app, "user_id = ? AND typ = 'Explorational' AND state = 'Active'", (known(app, role).id,))


def own_task_annotation(app: MockApp, role: str, state: str) -> r.Annotation:
    return annotation(app, "user_id = ? AND typ = 'Task' AND state = ?", (known(app, role).id, state))


def task_status(client: TestClient, auth: Any, task_id: str) -> dict[str, int]:
    store = client.app.backend.store  # type: ignore[attr-defined]
    task = store.get(r.Task, task_id)
    active = store.count(r.Annotation, "task_id = ? AND state IN ('Active', 'Initializing')", (task_id,))
    status = {"pending": task.pending_instances, "active": active,
              "finished": task.total_instances - active - task.pending_instances}
    response = client.get(f"/api/v5/tasks/{task_id}", headers=auth("admin"))
    if response.status_code == 200:  # the tasks routes are written by another helper
        assert response.json()["status"] == status
    return status


def skeleton_content(app: MockApp, layers: list[dict[str, Any]]) -> dict[str, Any]:
    layer = next(layer for layer in layers if layer["typ"] == "Skeleton")
    tracing = store_of(app).get(r.Tracing, layer["tracingId"])
    assert tracing is not None
    return tracing.content


def errors(response: Any) -> list[str]:
    return [m.get("error") or m.get("chain", "") for m in response.json()["messages"]]


# info ------------------------------------------------------------------------------------------------


def test_v5_info_has_annotation_layers(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    body = client.get(f"/api/v5/annotations/Explorational/{record.id}/info?{TS}", headers=auth("user")).json()
    assert body["id"] == record.id and body["typ"] == "Explorational" and body["task"] is None
    assert body["annotationLayers"] == record.layers
    assert body["visibility"] == record.visibility and "tracing" not in body
    assert body["owner"]["id"] == known(app, "user").id
    assert body["restrictions"] == {"allowAccess": True, "allowUpdate": True, "allowFinish": True,
                                    "allowDownload": True}


def test_info_typ_is_not_checked_against_the_annotation(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    body = client.get(f"/api/v5/annotations/Task/{record.id}/info?{TS}", headers=auth("user")).json()
    assert body["typ"] == "Explorational"


def test_legacy_info_shapes(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    skeleton = next(layer["tracingId"] for layer in record.layers if layer["typ"] == "Skeleton")
    v4 = client.get(f"/api/v4/annotations/Explorational/{record.id}/info?{TS}", headers=auth("user")).json()
    assert "annotationLayers" not in v4 and v4["tracing"]["skeleton"] == skeleton
    assert v4["visibility"] == record.visibility
    v1 = client.get(f"/api/v1/annotations/Explorational/{record.id}/info", headers=auth("user")).json()
    assert "visibility" not in v1 and v1["isPublic"] is (record.visibility == "Public")
    assert v1["tracing"]["skeleton"] == skeleton


def test_typeless_info_is_latest_shape_in_every_version(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    body = client.get(f"/api/v1/annotations/{record.id}/info?{TS}", headers=auth("user")).json()
    assert body["annotationLayers"] == record.layers and body["visibility"] == record.visibility


def test_timestamp_is_required_since_v3(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    for version in ("v3", "v4", "v5"):
        response = client.get(f"/api/{version}/annotations/Explorational/{record.id}/info", headers=auth("user"))
        assert response.status_code == 400, version
    response = client.get(f"/api/v2/annotations/Explorational/{record.id}/info", headers=auth("user"))
    assert response.status_code == 200 and response.json()["tracing"]["skeleton"]


def test_legacy_info_rejects_two_volume_layers(client: TestClient, app: MockApp, auth: Any) -> None:
    dataset = store_of(app).one(r.Dataset, "name = 'l4_sample'")
    assert dataset is not None
    created = client.post("/api/v5/datasets/sample_organization/l4_sample/createExplorational", headers=auth("user"),
                          json=[{"typ": "Volume"}, {"typ": "Volume"}]).json()
    response = client.get(f"/api/v4/annotations/Explorational/{created['id']}/info?{TS}", headers=auth("user"))
    assert response.status_code == 400
    assert "more than one volume layer" in errors(response)[0]
    assert client.get(f"/api/v5/annotations/Explorational/{created['id']}/info?{TS}",
                      headers=auth("user")).status_code == 200


def test_private_annotation_of_another_user_is_not_found(client: TestClient, app: MockApp, auth: Any) -> None:
    me = known(app, "user")
    organization = store_of(app).get(r.User, me.id).organization_id  # type: ignore[union-attr]
    record = annotation(app, "visibility = 'Private' AND user_id != ? AND user_id IN "
                        "(SELECT id FROM users WHERE organization_id = ? AND is_admin = 0)", (me.id, organization))
    response = client.get(f"/api/v5/annotations/Explorational/{record.id}/info?{TS}", headers=auth("user"))
    assert response.status_code == 404 and errors(response) == ["Annotation could not be found"]
    assert client.get(f"/api/v5/annotations/Explorational/{record.id}/info?{TS}",
                      headers=auth("admin")).status_code == 200


def test_anonymous_info(client: TestClient, app: MockApp) -> None:
    internal = annotation(app, "visibility = 'Internal' AND typ = 'Explorational' AND state != 'Cancelled'")
    response = client.get(f"/api/v5/annotations/Explorational/{internal.id}/info?{TS}")
    assert response.status_code == 404
    assert errors(response) == [
        "Annotation could not be found. If the annotation is not public, you need to log in to see it."]
    public = annotation(app, "visibility = 'Public' AND state != 'Cancelled'")
    body = client.get(f"/api/v5/annotations/Explorational/{public.id}/info?{TS}").json()
    assert body["id"] == public.id and body["restrictions"]["allowUpdate"] is False
    assert client.get(f"/api/v2/annotations/Explorational/{public.id}/info").status_code == 200
    assert client.get(f"/api/v4/annotations/Explorational/{public.id}/info?{TS}").status_code == 401


def test_invalid_and_unknown_ids(client: TestClient, auth: Any) -> None:
    response = client.get(f"/api/v5/annotations/Explorational/xyz/info?{TS}", headers=auth("user"))
    assert response.status_code == 404
    assert response.json()["messages"][0] == {"error": "Annotation could not be found"}
    assert response.json()["messages"][1]["chain"].endswith("The passed resource id ‘xyz’ is invalid")
    response = client.get(f"/api/v5/annotations/{'0' * 24}/info?{TS}", headers=auth("user"))
    assert response.status_code == 404


def test_cancelled_annotation_cannot_be_viewed(client: TestClient, app: MockApp, auth: Any) -> None:
    record = annotation(app, "state = 'Cancelled'")
    response = client.get(f"/api/v5/annotations/Task/{record.id}/info?{TS}", headers=auth("admin"))
    assert response.status_code == 400
    assert errors(response) == ["This annotation is marked as cancelled and cannot be viewed"]


# finish ----------------------------------------------------------------------------------------------


def test_finishing_a_task_annotation_moves_the_instance_to_finished(client: TestClient, app: MockApp,
                                                                     auth: Any) -> None:
    record = own_task_annotation(app, "user", "Active")
    assert record.task_id is not None
    before = task_status(client, auth, record.task_id)
    response = client.patch(f"/api/v5/annotations/Task/{record.id}/finish?{TS}", headers=auth("user"))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "Finished" and body["messages"] == [{"success": "Task is finished"}]
    assert body["task"]["status"]["active"] == before["active"] - 1
    after = task_status(client, auth, record.task_id)
    assert after == {**before, "active": before["active"] - 1, "finished": before["finished"] + 1}
    assert body["modified"] > record.modified
    # finishing again succeeds silently
    again = client.patch(f"/api/v5/annotations/Task/{record.id}/finish?{TS}", headers=auth("user"))
    assert again.status_code == 200 and again.json()["modified"] == body["modified"]


def test_finish_explorational_in_legacy_versions(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    body = client.patch(f"/api/v1/annotations/Explorational/{record.id}/finish", headers=auth("user")).json()
    assert body["state"] == "Finished" and body["messages"] == [{"success": "Annotation is archived"}]
    assert "isPublic" in body and "visibility" not in body and "tracing" in body


def test_finish_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    other = annotation(app, "typ = 'Explorational' AND state = 'Active' AND visibility = 'Internal' AND user_id "
                       "NOT IN (?, ?, ?)", tuple(known(app, role).id for role in ("admin", "manager", "user")))
    response = client.patch(f"/api/v5/annotations/Explorational/{other.id}/finish?{TS}", headers=auth("user"))
    assert response.status_code == 400 and errors(response)[0] == "Finishing the annotation failed"
    cancelled = annotation(app, "state = 'Cancelled'")
    response = client.patch(f"/api/v5/annotations/Task/{cancelled.id}/finish?{TS}", headers=auth("admin"))
    assert response.status_code == 400
    assert errors(response)[1].endswith("The annotation is not active and cannot be finished")
    assert client.patch(f"/api/v5/annotations/Task/{other.id}/finish", headers=auth("user")).status_code == 400
    assert client.patch(f"/api/v5/annotations/Task/{other.id}/finish?{TS}").status_code == 401


def test_finish_many_is_all_or_nothing(client: TestClient, app: MockApp, auth: Any) -> None:
    mine = own_explorational(app, "user")
    task_annotation = own_task_annotation(app, "user", "Active")
    cancelled = annotation(app, "state = 'Cancelled'")
    response = client.patch(f"/api/v5/annotations/Explorational/finish?{TS}", headers=auth("admin"),
                            json={"annotations": [mine.id, cancelled.id]})
    assert response.status_code == 400
    assert store_of(app).get(r.Annotation, mine.id).state == "Active"  # type: ignore[union-attr]
    response = client.patch(f"/api/v5/annotations/Explorational/finish?{TS}", headers=auth("user"),
                            json={"annotations": [mine.id, task_annotation.id]})
    assert response.json() == {"messages": [{"success": "All annotations are archived"}]}
    for annotation_id in (mine.id, task_annotation.id):
        assert store_of(app).get(r.Annotation, annotation_id).state == "Finished"  # type: ignore[union-attr]


# reopen ----------------------------------------------------------------------------------------------


def test_owner_reopens_within_the_window(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    client.patch(f"/api/v5/annotations/Explorational/{record.id}/finish?{TS}", headers=auth("user"))
    response = client.patch(f"/api/v5/annotations/Explorational/{record.id}/reopen", headers=auth("user"))
    assert response.status_code == 200
    assert response.json()["state"] == "Active"
    assert response.json()["messages"] == [{"success": "Annotation was reopened"}]
    v4 = client.patch(f"/api/v4/annotations/Explorational/{record.id}/reopen", headers=auth("user"))
    assert v4.status_code == 400 and errors(v4)[1].endswith("The requested annotation is not finished.")


def test_owner_cannot_reopen_too_late_but_manager_can(client: TestClient, app: MockApp, auth: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    record = own_task_annotation(app, "user", "Finished")
    monkeypatch.setattr(app.backend, "clock", lambda: record.modified + 41_000)
    response = client.patch(f"/api/v5/annotations/Task/{record.id}/reopen", headers=auth("user"))
    assert response.status_code == 400 and errors(response)[0] == "Failed to reopen the annotation."
    assert "finished for too long" in errors(response)[1]
    monkeypatch.setattr(app.backend, "clock", lambda: record.modified + 39_000)
    assert client.patch(f"/api/v5/annotations/Task/{record.id}/reopen", headers=auth("user")).status_code == 200
    client.patch(f"/api/v5/annotations/Task/{record.id}/finish?{TS}", headers=auth("user"))
    monkeypatch.setattr(app.backend, "clock", lambda: record.modified + 10 * 86_400_000)
    body = client.patch(f"/api/v5/annotations/Task/{record.id}/reopen", headers=auth("manager")).json()
    assert body["state"] == "Active" and body["modified"] == record.modified + 10 * 86_400_000


# reset -----------------------------------------------------------------------------------------------


def test_manager_resets_a_task_annotation(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_task_annotation(app, "user", "Active")
    assert skeleton_stats(skeleton_content(app, record.layers))["nodeCount"] > 0
    response = client.put(f"/api/v5/annotations/Task/{record.id}/reset", headers=auth("manager"))
    assert response.status_code == 200
    body = response.json()
    assert body["messages"] == [{"success": "Annotation was successfully reset"}]
    assert body["stats"] == {"treeCount": 0, "nodeCount": 0, "edgeCount": 0, "branchPointCount": 0}
    assert [layer["tracingId"] for layer in body["annotationLayers"]] != [layer["tracingId"] for layer in record.layers]
    task = store_of(app).get(r.Task, record.task_id)
    assert skeleton_content(app, body["annotationLayers"])["editPosition"] == task.edit_position  # type: ignore[union-attr]


def test_reset_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_task_annotation(app, "user", "Active")
    response = client.put(f"/api/v5/annotations/Task/{record.id}/reset", headers=auth("user"))
    assert response.status_code == 404 and errors(response) == ["Couldn't find the requested resource."]
    explorational = own_explorational(app, "user")
    response = client.put(f"/api/v5/annotations/Explorational/{explorational.id}/reset", headers=auth("admin"))
    assert response.status_code == 400
    assert store_of(app).get(r.Annotation, record.id) == record


# cancel ----------------------------------------------------------------------------------------------


def test_cancel_returns_the_instance_to_the_task(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_task_annotation(app, "user", "Active")
    assert record.task_id is not None
    before = task_status(client, auth, record.task_id)
    response = client.delete(f"/api/v4/annotations/Task/{record.id}", headers=auth("manager"))
    assert response.json() == {"messages": [{"success": "Task is finished"}]}
    after = task_status(client, auth, record.task_id)
    assert after == {**before, "pending": before["pending"] + 1, "active": before["active"] - 1}
    assert store_of(app).get(r.Annotation, record.id).state == "Cancelled"  # type: ignore[union-attr]


def test_cancel_explorational_changes_nothing(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    response = client.delete(f"/api/v5/annotations/Explorational/{record.id}", headers=auth("admin"))
    assert response.json() == {"messages": [{"success": "Annotation is archived"}]}
    assert store_of(app).get(r.Annotation, record.id) == record


def test_cancel_needs_manager_rights(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_task_annotation(app, "user", "Active")
    response = client.delete(f"/api/v5/annotations/Task/{record.id}", headers=auth("user"))
    assert response.status_code == 404 and errors(response) == ["Couldn't find the requested resource."]
    assert store_of(app).get(r.Annotation, record.id) == record


# edit ------------------------------------------------------------------------------------------------


def test_edit_changes_metadata(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    team = store_of(app).scalars("SELECT team_id FROM memberships WHERE user_id = ?", (record.user_id,))[0]
    store_of(app).insert(r.AnnotationTeam(record.id, team))
    body = {"name": "axon 17", "description": "checked", "visibility": "Public", "tags": ["axon", "done"],
            "viewConfiguration": {"layers": {}}}
    response = client.patch(f"/api/v5/annotations/Explorational/{record.id}/edit", headers=auth("user"), json=body)
    assert response.json() == {"messages": [{"success": "Successfully updated annotation"}]}
    info = client.get(f"/api/v5/annotations/{record.id}/info?{TS}", headers=auth("user")).json()
    assert (info["name"], info["description"], info["visibility"]) == ("axon 17", "checked", "Public")
    assert info["tags"][:2] == ["axon", "done"] and info["viewConfiguration"] == {"layers": {}}
    assert [t["id"] for t in info["teams"]] == [team] and info["modified"] > record.modified
    client.patch(f"/api/v5/annotations/Explorational/{record.id}/edit", headers=auth("user"),
                 json={"visibility": "Private"})
    info = client.get(f"/api/v5/annotations/{record.id}/info?{TS}", headers=auth("user")).json()
    assert info["visibility"] == "Private" and info["teams"] == [] and info["name"] == "axon 17"


def test_v1_edit_maps_is_public(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "user")
    client.patch(f"/api/v1/annotations/Explorational/{record.id}/edit", headers=auth("user"), json={"isPublic": True})
    assert store_of(app).get(r.Annotation, record.id).visibility == "Public"  # type: ignore[union-attr]
    client.patch(f"/api/v1/annotations/Explorational/{record.id}/edit", headers=auth("user"), json={"isPublic": False})
    assert store_of(app).get(r.Annotation, record.id).visibility == "Internal"  # type: ignore[union-attr]


def test_edit_by_non_owner_is_forbidden(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_explorational(app, "manager")
    response = client.patch(f"/api/v5/annotations/Explorational/{record.id}/edit", headers=auth("user"),
                            json={"name": "mine now"})
    assert response.status_code == 403
    assert store_of(app).get(r.Annotation, record.id) == record


# duplicate and merge ---------------------------------------------------------------------------------


def test_duplicate_copies_the_layers_to_the_requester(client: TestClient, app: MockApp, auth: Any) -> None:
    record = own_task_annotation(app, "user", "Finished")
    response = client.post(f"/api/v5/annotations/Task/{record.id}/duplicate", headers=auth("manager"))
    assert response.status_code == 200
    body = response.json()
    assert body["typ"] == "Explorational" and body["state"] == "Active" and body["task"] is None
    assert body["owner"]["id"] == known(app, "manager").id and body["id"] != record.id
    assert "messages" not in body
    assert [layer["typ"] for layer in body["annotationLayers"]] == [layer["typ"] for layer in record.layers]
    assert {layer["tracingId"] for layer in body["annotationLayers"]}.isdisjoint(
        layer["tracingId"] for layer in record.layers)
    assert skeleton_content(app, body["annotationLayers"]) == skeleton_content(app, record.layers)
    v4 = client.post(f"/api/v4/annotations/Task/{record.id}/duplicate", headers=auth("manager")).json()
    assert "tracing" in v4 and "annotationLayers" not in v4


def test_duplicate_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    assert client.post(f"/api/v5/annotations/Task/{'0' * 24}/duplicate", headers=auth("user")).status_code == 404
    record = own_explorational(app, "user")
    assert client.post(f"/api/v5/annotations/Task/{record.id}/duplicate").status_code == 401


def test_merge_has_the_union_of_trees(client: TestClient, app: MockApp, auth: Any) -> None:
    store = store_of(app)
    first = own_explorational(app, "user")
    second = annotation(app, "dataset_id = ? AND id != ? AND state != 'Cancelled' AND layers LIKE '%Skeleton%'",
                        (first.dataset_id, first.id))
    contents = [skeleton_content(app, first.layers), skeleton_content(app, second.layers)]
    response = client.post(f"/api/v5/annotations/Explorational/{first.id}/merge/Task/{second.id}",
                           headers=auth("admin"))
    assert response.status_code == 200
    body = response.json()
    assert body["messages"] == [{"success": "Merging successfully done"}]
    assert body["typ"] == "Explorational" and body["owner"]["id"] == known(app, "admin").id
    assert body["dataSetName"] == store.get(r.Dataset, second.dataset_id).name  # type: ignore[union-attr]
    merged = skeleton_content(app, body["annotationLayers"])
    assert body["stats"]["treeCount"] == sum(len(c["trees"]) for c in contents)
    assert body["stats"]["nodeCount"] == sum(skeleton_stats(c)["nodeCount"] for c in contents)
    assert [t["name"] for t in merged["trees"]] == [t["name"] for t in contents[1]["trees"] + contents[0]["trees"]]
    assert merged["trees"][: len(contents[1]["trees"])] == contents[1]["trees"]  # the later one keeps its ids
    node_ids = [n["id"] for t in merged["trees"] for n in t["nodes"]]
    assert len(set(node_ids)) == len(node_ids)
    assert store.get(r.Annotation, body["id"]) is not None


def test_merge_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    first = own_explorational(app, "user")
    response = client.post(f"/api/v5/annotations/Explorational/{first.id}/merge/Explorational/{'0' * 24}",
                           headers=auth("user"))
    assert response.status_code == 404
    other = annotation(app, "dataset_id != ? AND state = 'Active' AND user_id = ?", (first.dataset_id, first.user_id))
    response = client.post(f"/api/v5/annotations/Explorational/{first.id}/merge/Explorational/{other.id}",
                           headers=auth("user"))
    assert response.status_code == 400 and errors(response)[0] == "Merging failed"


# compound annotations --------------------------------------------------------------------------------


def task_with_finished(app: MockApp, count: int = 2) -> str:
    ids = store_of(app).scalars("SELECT task_id FROM annotations WHERE typ = 'Task' AND state = 'Finished' "
                                "GROUP BY task_id HAVING COUNT(*) >= ? ORDER BY task_id", (count,))
    assert ids, "no seeded task with enough finished annotations"
    return str(ids[0])


def test_compound_task_merges_the_finished_annotations(client: TestClient, app: MockApp, auth: Any) -> None:
    store = store_of(app)
    task_id = task_with_finished(app)
    finished = store.select(r.Annotation, "task_id = ? AND state = 'Finished'", (task_id,), order="id")
    response = client.get(f"/api/v5/annotations/CompoundTask/{task_id}/info?{TS}", headers=auth("admin"))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["typ"], body["state"], body["task"], body["stats"]) == (
        task_id, "CompoundTask", "Active", None, {})
    assert body["owner"]["id"] == body["user"]["id"] == known(app, "admin").id
    assert body["restrictions"] == {"allowAccess": True, "allowUpdate": False, "allowFinish": False,
                                    "allowDownload": True}
    merged = skeleton_content(app, body["annotationLayers"])
    expected = [skeleton_stats(skeleton_content(app, a.layers)) for a in finished]
    assert skeleton_stats(merged)["nodeCount"] == sum(s["nodeCount"] for s in expected)
    assert skeleton_stats(merged)["treeCount"] == sum(s["treeCount"] for s in expected)
    again = client.get(f"/api/v5/annotations/CompoundTask/{task_id}/info?{TS}", headers=auth("admin")).json()
    assert again["annotationLayers"] == body["annotationLayers"]
    v4 = client.get(f"/api/v4/annotations/CompoundTask/{task_id}/info?{TS}", headers=auth("admin")).json()
    assert v4["tracing"]["skeleton"] == body["annotationLayers"][0]["tracingId"]


def test_compound_project_and_task_type(client: TestClient, app: MockApp, auth: Any) -> None:
    store = store_of(app)
    task = store.get(r.Task, task_with_finished(app, 1))
    assert task is not None
    body = client.get(f"/api/v5/annotations/CompoundProject/{task.project_id}/info?{TS}", headers=auth("admin")).json()
    assert body["id"] == task.project_id and body["typ"] == "CompoundProject" and body["annotationLayers"]
    datasets = "(SELECT COUNT(DISTINCT a.dataset_id) FROM annotations a JOIN tasks t ON t.id = a.task_id " \
               "WHERE a.state = 'Finished' AND t.task_type_id = task_types.id)"
    single = store.scalars(f"SELECT id FROM task_types WHERE {datasets} = 1")
    several = store.scalars(f"SELECT id FROM task_types WHERE {datasets} > 1")
    assert single and several
    body = client.get(f"/api/v5/annotations/CompoundTaskType/{single[0]}/info?{TS}", headers=auth("admin")).json()
    assert body["id"] == single[0] and body["typ"] == "CompoundTaskType" and body["annotationLayers"]
    response = client.get(f"/api/v5/annotations/CompoundTaskType/{several[0]}/info?{TS}", headers=auth("admin"))
    assert response.status_code == 404
    assert errors(response)[1].endswith("Cannot create compound annotation spanning multiple datasets")


def test_compound_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    store = store_of(app)
    empty = store.scalars("SELECT id FROM tasks WHERE id NOT IN (SELECT task_id FROM annotations "
                          "WHERE state = 'Finished' AND task_id IS NOT NULL)")[0]
    response = client.get(f"/api/v5/annotations/CompoundTask/{empty}/info?{TS}", headers=auth("admin"))
    assert response.status_code == 404 and errors(response)[0] == "Annotation could not be found"
    assert errors(response)[1].endswith("We could not find finished annotations for this task")
    task = store.get(r.Task, task_with_finished(app, 1))
    assert task is not None
    response = client.get(f"/api/v5/annotations/CompoundTask/{task.id}/info?{TS}")
    assert response.status_code == 404 and "log in" in errors(response)[0]
    response = client.get(f"/api/v5/annotations/CompoundProject/{task.project_id}/info?{TS}", headers=auth("user"))
    assert response.status_code == 404
    response = client.get(f"/api/v5/annotations/CompoundProject/{'0' * 24}/info?{TS}", headers=auth("admin"))
    assert response.status_code == 404 and errors(response)[1].endswith("Project could not be found")
    response = client.patch(f"/api/v5/annotations/CompoundTask/{task.id}/finish?{TS}", headers=auth("admin"))
    assert response.status_code == 400


def test_merge_with_a_compound(client: TestClient, app: MockApp, auth: Any) -> None:
    store = store_of(app)
    task = store.get(r.Task, task_with_finished(app))
    assert task is not None
    compound = client.get(f"/api/v5/annotations/CompoundTask/{task.id}/info?{TS}", headers=auth("admin")).json()
    compound_nodes = skeleton_stats(skeleton_content(app, compound["annotationLayers"]))["nodeCount"]
    other = annotation(app, "dataset_id = ? AND typ = 'Explorational' AND layers LIKE '%Skeleton%'",
                       (task.dataset_id,))
    body = client.post(f"/api/v5/annotations/CompoundTask/{task.id}/merge/Explorational/{other.id}",
                       headers=auth("admin")).json()
    other_nodes = skeleton_stats(skeleton_content(app, other.layers))["nodeCount"]
    assert body["stats"]["nodeCount"] == compound_nodes + other_nodes


# readable list ---------------------------------------------------------------------------------------


def test_readable_lists_shared_annotations_of_others(client: TestClient, app: MockApp, auth: Any) -> None:
    me = known(app, "user")
    response = client.get("/api/v5/annotations/readable?includeTotalCount=true", headers=auth("user"))
    assert response.status_code == 200
    entries = response.json()
    assert entries and int(response.headers["X-Total-Count"]) == len(entries)
    assert all(e["owner"]["id"] != me.id for e in entries)
    assert all(e["visibility"] in ("Public", "Internal") and e["typ"] == "Explorational" for e in entries)
    assert [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    assert "annotationLayers" in entries[0] and "formattedHash" in entries[0]
    page = client.get("/api/v1/annotations/readable?limit=2&pageNumber=1", headers=auth("user")).json()
    assert [e["id"] for e in page] == [e["id"] for e in entries[2:4]]
    finished = client.get("/api/v5/annotations/readable?isFinished=true", headers=auth("user")).json()
    assert {e["id"] for e in finished} == {e["id"] for e in entries if e["state"] == "Finished"}


def test_readable_hides_private_annotations(client: TestClient, app: MockApp, auth: Any) -> None:
    me = known(app, "user")
    private = own_explorational(app, "manager")
    client.patch(f"/api/v5/annotations/Explorational/{private.id}/edit", headers=auth("manager"),
                 json={"visibility": "Private"})
    ids = {e["id"] for e in client.get("/api/v5/annotations/readable", headers=auth("user")).json()}
    assert private.id not in ids
    assert me.id not in {e["owner"]["id"] for e in client.get("/api/v5/annotations/readable",
                                                             headers=auth("user")).json()}
    assert client.get("/api/v5/annotations/readable").status_code == 401
