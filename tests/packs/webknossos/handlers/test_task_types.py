from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from tests.packs.webknossos.handlers.test_projects import known


def readable_type(app: MockApp) -> r.TaskType:
    """A task type of a team the known user belongs to, used by some task."""
    store = app.backend.store
    user = known(app, "user")
    record = store.one(r.TaskType, "team_id IN (SELECT team_id FROM memberships WHERE user_id = ?) "
                       "AND id IN (SELECT task_type_id FROM tasks)", (user.id,))
    assert record is not None
    return record


def hidden_type(app: MockApp) -> r.TaskType:
    store = app.backend.store
    user = known(app, "user")
    record = store.one(r.TaskType, "team_id NOT IN (SELECT team_id FROM memberships WHERE user_id = ?)", (user.id,))
    assert record is not None
    return record


def test_list_task_types(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    admin = client.get("/api/v5/taskTypes", headers=auth("admin")).json()
    assert {t["id"] for t in admin} == set(store.scalars("SELECT id FROM task_types"))
    user = known(app, "user")
    own = client.get("/api/v5/taskTypes", headers=auth("user")).json()
    assert {t["id"] for t in own} == set(store.scalars(
        "SELECT id FROM task_types WHERE team_id IN (SELECT team_id FROM memberships WHERE user_id = ?)", (user.id,)))
    assert hidden_type(app).id not in {t["id"] for t in own}
    assert client.get("/api/v5/taskTypes").status_code == 401


def test_read_task_type(client: TestClient, app: MockApp, auth: Any) -> None:
    record = readable_type(app)
    response = client.get(f"/api/v5/taskTypes/{record.id}", headers=auth("user"))
    assert response.status_code == 200
    data = response.json()
    team = app.backend.store.get(r.Team, record.team_id)
    assert team is not None
    assert data["summary"] == record.summary and data["tracingType"] == record.tracing_type
    assert data["teamId"] == record.team_id and data["teamName"] == team.name
    assert client.get(f"/api/v2/taskTypes/{record.id}", headers=auth("user")).json() == data


def test_read_task_type_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    missing = client.get("/api/v5/taskTypes/" + "0" * 24, headers=auth("admin"))
    assert missing.status_code == 404
    assert missing.json() == {"messages": [{"error": "Selected task type does not exist"}]}
    assert client.get(f"/api/v5/taskTypes/{hidden_type(app).id}", headers=auth("user")).status_code == 404
    assert client.get(f"/api/v5/taskTypes/{hidden_type(app).id}", headers=auth("admin")).status_code == 200
    assert client.get("/api/v5/taskTypes/xyz", headers=auth("admin")).status_code == 400


def test_list_task_type_tasks(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    record = readable_type(app)
    response = client.get(f"/api/v5/taskTypes/{record.id}/tasks", headers=auth("admin"))
    assert response.status_code == 200
    expected = store.scalars("SELECT id FROM tasks WHERE task_type_id = ? ORDER BY created, id", (record.id,))
    assert [t["id"] for t in response.json()] == expected
    assert all(t["type"]["id"] == record.id for t in response.json())
    user = known(app, "user")
    readable = store.scalars(
        "SELECT t.id FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.task_type_id = ? AND p.team_id IN "
        "(SELECT team_id FROM memberships WHERE user_id = ?) ORDER BY t.created, t.id", (record.id, user.id))
    as_user = client.get(f"/api/v5/taskTypes/{record.id}/tasks", headers=auth("user")).json()
    assert [t["id"] for t in as_user] == readable
    assert client.get("/api/v5/taskTypes/" + "0" * 24 + "/tasks", headers=auth("admin")).status_code == 404
    assert client.get("/api/v5/taskTypes/xyz/tasks", headers=auth("admin")).status_code == 400
