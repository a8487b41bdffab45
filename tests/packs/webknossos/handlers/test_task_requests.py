from __future__ import annotations

import dataclasses
from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp, create_app
from mockserver.packs.webknossos import records as r
from mockserver.settings import Settings
from mockserver.store import Store
from tests.packs.webknossos.handlers.test_projects import known
from tests.sqlite_work import sqlite_instructions


def expected_next(store: Store, user: r.User) -> r.Task:
    """The first qualifying task by the documented rules, computed independently of the handler."""
    teams = set(store.scalars("SELECT team_id FROM memberships WHERE user_id = ?", (user.id,)))
    candidates = []
    for task in store.select(r.Task, "pending_instances > 0"):
        project = store.get(r.Project, task.project_id)
        assert project is not None
        if project.paused or project.team_id not in teams:
            continue
        if user.experiences.get(task.needed_experience_domain, -1) < task.needed_experience_value:
            continue
        if store.count(r.Annotation, "task_id = ? AND user_id = ? AND state != 'Cancelled'", (task.id, user.id)):
            continue
        candidates.append((-project.priority, task.created, task.id, task))
    assert candidates
    return min(candidates)[3]


def test_peek_and_request_assign_the_same_task(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user = known(app, "user")
    expected = expected_next(store, user)
    peek = client.get("/api/v5/user/tasks/peek", headers=auth("user"))
    assert peek.status_code == 200 and peek.json()["id"] == expected.id
    before = peek.json()["status"]
    response = client.post("/api/v5/user/tasks/request", headers=auth("user"))
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["messages"] == [{"success": "You got a new task"}]
    assert data["typ"] == "Task" and data["state"] == "Active" and data["task"]["id"] == expected.id
    assert data["owner"]["id"] == user.id and "annotationLayers" in data
    assert data["task"]["status"] == {**before, "pending": before["pending"] - 1, "active": before["active"] + 1}
    stored = store.get(r.Task, expected.id)
    assert stored is not None and stored.pending_instances == expected.pending_instances - 1
    own = client.get("/api/v5/user/tasks", headers=auth("user")).json()
    assert data["id"] in {a["id"] for a in own}
    assert client.get("/api/v5/user/tasks/peek", headers=auth("user")).json()["id"] != expected.id


def test_request_layers_follow_task_type_and_copy_base(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user = known(app, "user")
    task = expected_next(store, user)
    task_type = store.get(r.TaskType, task.task_type_id)
    assert task_type is not None
    hybrid = store.one(r.TaskType, "tracing_type = 'hybrid'")
    assert hybrid is not None
    base_content = {"trees": [{"id": 1, "name": "base", "color": None, "groupId": None, "type": "DEFAULT",
                               "nodes": [], "edges": []}], "comments": [], "branchPoints": [], "groups": [],
                    "userBoundingBoxes": [], "editPosition": [1, 2, 3], "editRotation": [0.0, 0.0, 0.0],
                    "zoomLevel": 1.0, "activeNode": None, "time": 0}
    base = r.Tracing("00000000-0000-4000-8000-000000000001", "Skeleton", base_content)
    store.insert(base)
    store.update(task, task_type_id=hybrid.id, base_tracing_id=base.id)
    data = client.post("/api/v3/user/tasks/request", headers=auth("user")).json()
    assert data["task"]["id"] == task.id
    assert [layer["typ"] for layer in data["annotationLayers"]] == ["Skeleton", "Volume"]
    skeleton = store.get(r.Tracing, data["annotationLayers"][0]["tracingId"])
    assert skeleton is not None and skeleton.id != base.id and skeleton.content == base_content
    assert data["stats"]["treeCount"] == 1


def test_no_task_available(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user = known(app, "user")
    store.update(user, experiences={})
    for path in ("/api/v5/user/tasks/peek",):
        response = client.get(path, headers=auth("user"))
        assert response.status_code == 400
        assert response.json() == {"messages": [{"error": "There is currently no task available"}]}
    refused = client.post("/api/v5/user/tasks/request", headers=auth("user"))
    assert refused.status_code == 400
    assert refused.json() == {"messages": [{"error": "There is currently no task available"}]}
    assert client.post("/api/v5/user/tasks/request").status_code == 401


def test_paused_projects_and_priority(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user = known(app, "user")
    first = expected_next(store, user)
    project = store.get(r.Project, first.project_id)
    assert project is not None
    assert client.patch(f"/api/v5/projects/{project.id}/pause", headers=auth("manager")).status_code == 200
    second = expected_next(store, user)
    assert second.project_id != project.id
    assert client.get("/api/v5/user/tasks/peek", headers=auth("user")).json()["id"] == second.id
    store.execute("UPDATE tasks SET pending_instances = 0")
    assert client.post("/api/v5/user/tasks/request", headers=auth("user")).status_code == 400


def test_too_many_open_tasks(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user = known(app, "user")
    template = store.one(r.Annotation, "typ = 'Task'")
    assert template is not None
    open_now = store.count(r.Annotation, "user_id = ? AND typ = 'Task' AND state = 'Active'", (user.id,))
    for index in range(5 - open_now):
        store.insert(dataclasses.replace(template, id=f"{index:024x}", user_id=user.id, state="Active", layers=[]))
    refused = client.post("/api/v5/user/tasks/request", headers=auth("user"))
    assert refused.status_code == 400
    assert refused.json() == {"messages": [{"error": "You already have too many open tasks"}]}
    admin = client.post("/api/v5/user/tasks/request", headers=auth("admin"))
    assert admin.status_code == 200



def test_a_task_request_does_not_read_the_cancelled_annotations_of_earlier_requests() -> None:
    """Requesting a task and cancelling it, again and again, leaves a cancelled annotation each time; the next
    request seeks the live annotations only, so its work stays the same however many were cancelled."""
    app = create_app(Settings(seed=3), store=Store.open(r.SCHEMA))  # SQLite's plan, on either test engine
    client, store = TestClient(app), app.backend.store
    headers = {"X-Auth-Token": app.backend.world.token("admin")}

    def request_and_cancel() -> None:
        response = client.post("/api/v5/user/tasks/request", headers=headers)
        assert response.status_code == 200, response.text
        cancelled = client.delete(f"/api/v5/annotations/Task/{response.json()['id']}", headers=headers)
        assert cancelled.status_code == 200, cancelled.text

    request_and_cancel()
    first = sqlite_instructions(store, request_and_cancel)
    for _ in range(300):
        request_and_cancel()
    cancelled = store.count(r.Annotation, "state = 'Cancelled'")
    assert cancelled >= 300
    assert sqlite_instructions(store, request_and_cancel) <= first * 1.2  # reading past them: twice the work at 300
