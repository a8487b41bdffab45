from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.store import Store
from tests.packs.webknossos.handlers.test_projects import foreign_project, known, managed_project


def task_type(store: Store, tracing_type: str = "skeleton") -> r.TaskType:
    record = store.one(r.TaskType, "tracing_type = ?", (tracing_type,))
    assert record is not None
    return record


def item(app: MockApp, **changes: Any) -> dict[str, Any]:
    """One TaskParameters item for the managed project; a change to None drops the key."""
    store = app.backend.store
    body = {
        "taskTypeId": task_type(store).id, "neededExperience": {"domain": "new-domain", "value": 2},
        "pendingInstances": 3, "projectName": managed_project(app).name, "scriptId": None,
        "boundingBox": {"topLeft": [10, 20, 30], "width": 64, "height": 64, "depth": 32}, "dataSet": "l4_sample",
        "editPosition": [40, 50, 60], "editRotation": [0, 90, 0], "creationInfo": "batch 1", **changes,
    }
    return {k: v for k, v in body.items() if v is not None or k not in changes}


def open_task(app: MockApp, user_role: str = "user") -> r.Task:
    """A task of the managed project with pending instances and no annotation of the known user."""
    store = app.backend.store
    user = known(app, user_role)
    task = store.one(r.Task, "project_id = ? AND pending_instances > 0 AND id NOT IN "
                     "(SELECT task_id FROM annotations WHERE user_id = ? AND task_id IS NOT NULL)",
                     (managed_project(app).id, user.id))
    assert task is not None
    return task


def annotated_task(store: Store, project_id: str) -> r.Task:
    task = store.one(r.Task, "project_id = ? AND id IN (SELECT task_id FROM annotations WHERE state = 'Active')",
                     (project_id,))
    assert task is not None
    return task


def status(client: TestClient, auth: Any, task_id: str) -> dict[str, int]:
    response = client.get(f"/api/v5/tasks/{task_id}", headers=auth("admin"))
    assert response.status_code == 200
    result: dict[str, int] = response.json()["status"]
    return result


# POST /tasks ------------------------------------------------------------------------------------

def test_create_tasks_reports_each_item_in_order(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    script = store.select(r.Script)[0]
    body = [item(app), item(app, projectName="no_such_project"), item(app, scriptId="0" * 24),
            item(app, dataSet="2020-07-30_Cerebellum"), item(app, pendingInstances=None, openInstances=2,
                                                             scriptId=script.id)]
    response = client.post("/api/v5/tasks", json=body, headers=auth("manager"))
    assert response.status_code == 200, response.text
    result = response.json()
    statuses = [(t["status"], t["error"]) for t in result["tasks"]]
    assert statuses == [(200, None), (400, "project.notFound"), (400, "script.invalid"),
                        (400, "Cannot create tasks on multiple datasets in one go."), (200, None)]
    assert result["tasks"][1]["success"] is None and result["warnings"] == []
    first, last = result["tasks"][0]["success"], result["tasks"][4]["success"]
    assert first["projectId"] == project.id and first["dataSet"] == "l4_sample"
    assert first["status"] == {"pending": 3, "active": 0, "finished": 0}
    assert first["neededExperience"] == {"domain": "new-domain", "value": 2}
    assert first["boundingBox"] == {"topLeft": [10, 20, 30], "width": 64, "height": 64, "depth": 32}
    assert first["editRotation"] == [0.0, 90.0, 0.0] and first["creationInfo"] == "batch 1"
    assert last["status"]["pending"] == 2 and last["script"]["id"] == script.id
    assert client.get(f"/api/v5/tasks/{first['id']}", headers=auth("user")).json() == first
    listed = client.get(f"/api/v5/projects/{project.id}/tasks", headers=auth("manager")).json()
    assert {t["id"] for t in listed} >= {first["id"], last["id"]}
    stored = store.get(r.Task, first["id"])
    assert stored is not None and stored.total_instances == 3 and stored.base_tracing_id
    base = store.get(r.Tracing, stored.base_tracing_id)
    assert base is not None and base.content["editPosition"] == [40, 50, 60] and base.content["trees"] == []
    domains = client.get("/api/v5/tasks/experienceDomains", headers=auth("user")).json()
    assert "new-domain" in domains and domains == sorted(domains)


def test_create_tasks_item_errors_for_unmanaged_project(client: TestClient, app: MockApp, auth: Any) -> None:
    foreign = foreign_project(app)
    before = app.backend.store.count(r.Task)
    response = client.post("/api/v5/tasks", json=[item(app, projectName=foreign.name)], headers=auth("manager"))
    assert response.status_code == 200
    assert response.json()["tasks"] == [{"status": 400, "success": None, "error": "Empty"}]
    assert app.backend.store.count(r.Task) == before


def test_create_tasks_warns_about_dataset_access(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    dataset = store.one(r.Dataset, "is_active = 1 AND id NOT IN (SELECT dataset_id FROM dataset_teams "
                        "WHERE team_id = ?)", (project.team_id,))
    assert dataset is not None
    response = client.post("/api/v5/tasks", json=[item(app, dataSet=dataset.name)], headers=auth("admin"))
    assert response.json()["tasks"][0]["status"] == 200
    team = store.get(r.Team, project.team_id)
    assert team is not None
    assert response.json()["warnings"] == [
        f"Project team “{team.name}” has no read permission to dataset “{dataset.name}”."]


def test_create_tasks_request_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    before = store.count(r.Task)
    too_many = client.post("/api/v5/tasks", json=[item(app)] * 1001, headers=auth("manager"))
    assert too_many.status_code == 400
    assert too_many.json() == {"messages": [{"error": "Cannot create more than 1000 tasks in one request."}]}
    volume = [item(app, taskTypeId=task_type(store, "volume").id)] * 101
    assert client.post("/api/v5/tasks", json=volume, headers=auth("manager")).json()["messages"][0]["error"] == (
        "Cannot create more than 1000 tasks in one request.")
    unknown_type = client.post("/api/v5/tasks", json=[item(app, taskTypeId="0" * 24)], headers=auth("manager"))
    assert unknown_type.status_code == 404  # reference §4.2: "Selected task type does not exist", 404
    assert unknown_type.json() == {"messages": [{"error": "Selected task type does not exist"}]}
    unknown_dataset = client.post("/api/v5/tasks", json=[item(app, dataSet="nope")], headers=auth("manager"))
    assert unknown_dataset.status_code == 404
    assert client.post("/api/v5/tasks", json=[item(app)], headers=auth("user")).status_code == 403
    assert client.post("/api/v5/tasks", json=[{"dataSet": "l4_sample"}], headers=auth("manager")).status_code == 400
    assert client.post("/api/v5/tasks", json=[item(app)]).status_code == 401
    assert store.count(r.Task) == before


def test_created_volume_task_has_no_base_skeleton(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    volume_type = task_type(store, "volume")
    response = client.post("/api/v5/tasks", json=[item(app, taskTypeId=volume_type.id)], headers=auth("manager"))
    created = response.json()["tasks"][0]["success"]
    assert created["type"]["tracingType"] == "volume"
    stored = store.get(r.Task, created["id"])
    assert stored is not None and stored.base_tracing_id is None


# POST /tasks/list, GET /tasks/experienceDomains ----------------------------------------------------

def test_list_tasks_filters(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    project_tasks = store.scalars("SELECT id FROM tasks WHERE project_id = ?", (project.id,))
    v5 = client.post("/api/v5/tasks/list", json={"project": project.id}, headers=auth("user"))
    assert v5.status_code == 200 and sorted(t["id"] for t in v5.json()) == sorted(project_tasks)
    v4 = client.post("/api/v4/tasks/list", json={"project": project.id}, headers=auth("user"))
    assert v4.json() == v5.json()
    v3 = client.post("/api/v3/tasks/list", json={"project": project.name}, headers=auth("user"))
    assert v3.json() == v5.json()
    assert client.post("/api/v3/tasks/list", json={"project": project.id}, headers=auth("user")).status_code == 404
    assert client.post("/api/v5/tasks/list", json={"project": project.name}, headers=auth("user")).status_code == 400
    unknown = client.post("/api/v5/tasks/list", json={"project": "0" * 24}, headers=auth("user"))
    assert unknown.status_code == 404 and unknown.json() == {"messages": [{"error": "Project could not be found"}]}
    ids = client.post("/api/v5/tasks/list", json={"ids": project_tasks[:2]}, headers=auth("user")).json()
    assert sorted(t["id"] for t in ids) == sorted(project_tasks[:2])
    type_id = store.scalars("SELECT task_type_id FROM tasks WHERE project_id = ?", (project.id,))[0]
    by_type = client.post("/api/v5/tasks/list", json={"taskType": type_id}, headers=auth("admin")).json()
    assert sorted(t["id"] for t in by_type) == sorted(
        store.scalars("SELECT id FROM tasks WHERE task_type_id = ?", (type_id,)))
    user = known(app, "user")
    mine = client.post("/api/v5/tasks/list", json={"user": user.id}, headers=auth("admin")).json()
    assert sorted(t["id"] for t in mine) == sorted(set(store.scalars(
        "SELECT task_id FROM annotations WHERE user_id = ? AND typ = 'Task'", (user.id,))))
    randomized = client.post("/api/v5/tasks/list", json={"project": project.id, "random": True}, headers=auth("user"))
    assert sorted(t["id"] for t in randomized.json()) == sorted(project_tasks)


def test_list_tasks_hides_unreadable_projects(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    everything = client.post("/api/v5/tasks/list", json={}, headers=auth("admin")).json()
    assert len(everything) == store.count(r.Task)
    foreign = foreign_project(app)
    visible = client.post("/api/v5/tasks/list", json={}, headers=auth("user")).json()
    assert visible and all(t["projectId"] != foreign.id for t in visible)
    assert client.post("/api/v5/tasks/list", json={"ids": ["xyz"]}, headers=auth("user")).status_code == 400


# GET / PUT / DELETE /tasks/{id} -----------------------------------------------------------------

def test_read_task(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = annotated_task(store, managed_project(app).id)
    response = client.get(f"/api/v5/tasks/{task.id}", headers=auth("user"))
    assert response.status_code == 200
    data = response.json()
    active = store.count(r.Annotation, "task_id = ? AND state = 'Active'", (task.id,))
    assert data["status"] == {"pending": task.pending_instances, "active": active,
                              "finished": task.total_instances - task.pending_instances - active}
    assert data["projectName"] == managed_project(app).name and data["formattedHash"] == task.id[-6:]
    for bad in ("0" * 24, "not-an-id"):
        missing = client.get(f"/api/v5/tasks/{bad}", headers=auth("user"))
        assert missing.status_code == 404 and missing.json() == {"messages": [{"error": "Task could not be found"}]}
    hidden = store.one(r.Task, "project_id = ?", (foreign_project(app).id,))
    assert hidden is not None
    assert client.get(f"/api/v5/tasks/{hidden.id}", headers=auth("user")).status_code == 404
    assert client.get(f"/api/v5/tasks/{hidden.id}", headers=auth("admin")).status_code == 200


def test_update_task_sets_pending(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = annotated_task(store, managed_project(app).id)
    before = status(client, auth, task.id)
    body = item(app, pendingInstances=before["pending"] + 5)
    response = client.put(f"/api/v5/tasks/{task.id}", json=body, headers=auth("manager"))
    assert response.status_code == 200, response.text
    assert response.json()["messages"] == [{"success": "Task successfully edited"}]
    assert response.json()["status"] == {**before, "pending": before["pending"] + 5}
    stored = store.get(r.Task, task.id)
    assert stored is not None and stored.total_instances == task.total_instances + 5
    lowered = client.put(f"/api/v5/tasks/{task.id}", json=item(app, pendingInstances=None, openInstances=0),
                         headers=auth("manager"))
    assert lowered.json()["status"] == {**before, "pending": 0}
    assert client.put(f"/api/v5/tasks/{task.id}", json=item(app, pendingInstances=-1),
                      headers=auth("manager")).status_code == 400
    assert client.put(f"/api/v5/tasks/{task.id}", json=body, headers=auth("user")).status_code == 403
    invalid = client.put("/api/v5/tasks/xyz", json=body, headers=auth("manager"))
    assert invalid.status_code == 400 and invalid.json()["messages"][0] == {"error": "The provided task id is invalid."}
    assert client.put("/api/v5/tasks/" + "0" * 24, json=body, headers=auth("manager")).status_code == 404
    assert status(client, auth, task.id) == {**before, "pending": 0}


def test_delete_task_cascades(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    task = annotated_task(store, project.id)
    annotations = store.select(r.Annotation, "task_id = ?", (task.id,))
    assert client.delete(f"/api/v5/tasks/{task.id}", headers=auth("user")).status_code == 403
    assert client.delete("/api/v5/tasks/xyz", headers=auth("manager")).status_code == 400
    deleted = client.delete(f"/api/v5/tasks/{task.id}", headers=auth("manager"))
    assert deleted.json() == {"messages": [{"success": "Task was removed"}]}
    assert store.get(r.Task, task.id) is None
    assert all(store.get(r.Annotation, a.id) is None for a in annotations)
    assert all(store.get(r.Tracing, layer["tracingId"]) is None for a in annotations for layer in a.layers)
    assert client.get(f"/api/v5/tasks/{task.id}", headers=auth("manager")).status_code == 404
    listed = client.get(f"/api/v5/projects/{project.id}/tasks", headers=auth("manager")).json()
    assert task.id not in {t["id"] for t in listed}


# GET /tasks/{id}/annotations --------------------------------------------------------------------

def test_task_annotations_omit_cancelled(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = annotated_task(store, managed_project(app).id)
    records = store.select(r.Annotation, "task_id = ? AND state != 'Cancelled'", (task.id,), order="id")
    response = client.get(f"/api/v5/tasks/{task.id}/annotations", headers=auth("manager"))
    assert response.status_code == 200
    assert [a["id"] for a in response.json()] == [a.id for a in records]
    assert all(a["typ"] == "Task" and a["task"]["id"] == task.id and "annotationLayers" in a for a in response.json())
    v4 = client.get(f"/api/v4/tasks/{task.id}/annotations", headers=auth("manager")).json()
    assert all("tracing" in a and "annotationLayers" not in a for a in v4)
    store.update(records[0], state="Cancelled")
    after = client.get(f"/api/v5/tasks/{task.id}/annotations", headers=auth("manager")).json()
    assert [a["id"] for a in after] == [a.id for a in records[1:]]
    hidden = client.get(f"/api/v5/tasks/{task.id}/annotations", headers=auth("user"))
    assert hidden.status_code == 404
    assert hidden.json() == {"messages": [{"error": "Couldn't find the requested resource."}]}
    assert client.get("/api/v5/tasks/xyz/annotations", headers=auth("manager")).status_code == 400


def test_finishing_and_cancelling_change_counts(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = annotated_task(store, managed_project(app).id)
    before = status(client, auth, task.id)
    annotation = store.one(r.Annotation, "task_id = ? AND state = 'Active'", (task.id,))
    assert annotation is not None
    store.update(annotation, state="Finished")
    assert status(client, auth, task.id) == {**before, "active": before["active"] - 1,
                                             "finished": before["finished"] + 1}
    store.update(annotation, state="Cancelled")
    stored = store.get(r.Task, task.id)
    assert stored is not None
    store.update(stored, pending_instances=stored.pending_instances + 1)
    assert status(client, auth, task.id) == {**before, "active": before["active"] - 1,
                                             "pending": before["pending"] + 1}


# POST /tasks/{id}/assign ------------------------------------------------------------------------

def test_assign_task(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = open_task(app)
    user = known(app, "user")
    before = status(client, auth, task.id)
    response = client.post(f"/api/v5/tasks/{task.id}/assign?userId={user.id}", headers=auth("manager"))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == {**before, "pending": before["pending"] - 1, "active": before["active"] + 1}
    annotation = store.one(r.Annotation, "task_id = ? AND user_id = ?", (task.id, user.id))
    assert annotation is not None and annotation.typ == "Task" and annotation.state == "Active"
    mine = client.get("/api/v5/user/tasks", headers=auth("user")).json()
    assert annotation.id in {a["id"] for a in mine}
    again = client.post(f"/api/v5/tasks/{task.id}/assign?userId={user.id}", headers=auth("manager"))
    assert again.status_code == 400
    assert again.json() == {"messages": [{"error": "There is currently no task available"}]}


def test_assign_task_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    task = open_task(app)
    user = known(app, "user")
    assert client.post(f"/api/v5/tasks/{task.id}/assign?userId={user.id}", headers=auth("user")).status_code == 403
    unknown = client.post(f"/api/v5/tasks/{task.id}/assign?userId={'0' * 24}", headers=auth("manager"))
    assert unknown.status_code == 404 and unknown.json() == {"messages": [{"error": "User not found"}]}
    assert client.post(f"/api/v5/tasks/{task.id}/assign?userId=xyz", headers=auth("manager")).status_code == 400
    store.update(task, pending_instances=0)
    empty = client.post(f"/api/v5/tasks/{task.id}/assign?userId={user.id}", headers=auth("manager"))
    assert empty.status_code == 400
    assert store.count(r.Annotation, "task_id = ? AND user_id = ?", (task.id, user.id)) == 0


def test_openinstances_only_item_is_accepted(client: TestClient, app: MockApp, auth: Any) -> None:
    body = item(app, pendingInstances=None, openInstances=4)
    response = client.post("/api/v3/tasks", json=[body], headers=auth("admin"))
    assert response.json()["tasks"][0]["success"]["status"]["pending"] == 4
    task_id = response.json()["tasks"][0]["success"]["id"]
    stored = app.backend.store.get(r.Task, task_id)
    assert stored is not None and stored.total_instances == stored.pending_instances == 4


def test_a_list_shows_each_task_as_reading_it_alone_does(app: MockApp, client: TestClient, auth: Any) -> None:
    """Lists fetch annotation figures and shared parts for all tasks at once; nothing may differ from one read."""
    store = app.backend.store
    annotated = store.scalars("SELECT project_id FROM tasks WHERE id IN (SELECT task_id FROM annotations "
                              "WHERE state != 'Cancelled' AND tracing_time > 0) LIMIT 1")[0]
    listed = client.get(f"/api/v5/projects/{annotated}/tasks", headers=auth("admin")).json()
    assert any(task["tracingTime"] for task in listed)
    for task in listed:
        assert client.get(f"/api/v5/tasks/{task['id']}", headers=auth("admin")).json() == task
    assert client.post("/api/v5/tasks/list", json={"project": annotated}, headers=auth("admin")).json() == listed
