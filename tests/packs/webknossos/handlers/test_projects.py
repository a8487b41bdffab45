from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.store import Store


def known(app: MockApp, role: str) -> r.User:
    user_id = next(u.id for u in app.backend.world.known_users if u.role == role)
    user = app.backend.store.get(r.User, user_id)
    assert user is not None
    return user


def managed_project(app: MockApp) -> r.Project:
    """A project of a team the known manager manages (and the known user belongs to)."""
    store = app.backend.store
    manager = known(app, "manager")
    teams = store.scalars("SELECT team_id FROM memberships WHERE user_id = ? AND is_team_manager = 1", (manager.id,))
    project = store.select(r.Project, f"team_id IN ({', '.join('?' for _ in teams)})", teams, order="priority DESC")[0]
    return project


def foreign_project(app: MockApp) -> r.Project:
    """A project of a team neither the manager nor the user belongs to."""
    store = app.backend.store
    manager = known(app, "manager")
    project = store.one(r.Project, "team_id NOT IN (SELECT team_id FROM memberships WHERE user_id = ?)", (manager.id,))
    assert project is not None
    return project


def pending_sum(store: Store, project_id: str) -> int:
    return int(store.scalars("SELECT SUM(pending_instances) FROM tasks WHERE project_id = ?", (project_id,))[0])


def create_body(app: MockApp, **changes: Any) -> dict[str, Any]:
    project = managed_project(app)
    body = {"name": "new_project_1", "team": project.team_id, "priority": 7, "paused": False, "expectedTime": 30,
            "owner": known(app, "manager").id, "isBlacklistedFromReport": False}
    return {**body, **changes}


def test_lists_show_readable_projects(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    admin = client.get("/api/v5/projects", headers=auth("admin")).json()
    assert {p["id"] for p in admin} == set(store.scalars("SELECT id FROM projects"))
    user = known(app, "user")
    own = {p["id"] for p in client.get("/api/v5/projects", headers=auth("user")).json()}
    expected = store.scalars("SELECT id FROM projects WHERE team_id IN (SELECT team_id FROM memberships "
                             "WHERE user_id = ?)", (user.id,))
    assert own == set(expected) and foreign_project(app).id not in own
    project = managed_project(app)
    status = {p["id"]: p for p in client.get("/api/v5/projects/withStatus", headers=auth("user")).json()}
    assert status[project.id]["pendingInstances"] == pending_sum(store, project.id)
    assert status[project.id]["name"] == project.name and status[project.id]["priority"] == project.priority
    old = {p["id"]: p for p in client.get("/api/v5/projects/assignments", headers=auth("user")).json()}
    assert old[project.id]["numberOfOpenAssignments"] == pending_sum(store, project.id)
    assert client.get("/api/v5/projects").status_code == 401


def test_read_by_id_name_and_version(client: TestClient, app: MockApp, auth: Any) -> None:
    project = managed_project(app)
    by_id = client.get(f"/api/v5/projects/{project.id}", headers=auth("user"))
    assert by_id.status_code == 200
    assert by_id.json()["name"] == project.name and by_id.json()["team"] == project.team_id
    assert client.get(f"/api/v3/projects/{project.name}", headers=auth("user")).json() == by_id.json()
    assert client.get(f"/api/v5/projects/byName/{project.name}", headers=auth("user")).json() == by_id.json()
    assert client.get(f"/api/v4/projects/{project.id}", headers=auth("user")).json() == by_id.json()


def test_read_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    missing = client.get("/api/v5/projects/" + "0" * 24, headers=auth("admin"))
    assert missing.status_code == 404 and missing.json() == {"messages": [{"error": "Project could not be found"}]}
    project = managed_project(app)
    malformed = client.get(f"/api/v5/projects/{project.name}", headers=auth("admin"))
    assert malformed.status_code == 400
    assert malformed.json() == {"messages": [{"error": f"The passed resource id ‘{project.name}’ is invalid"}]}
    assert client.get(f"/api/v3/projects/{project.id}", headers=auth("admin")).status_code == 404
    hidden = foreign_project(app)
    assert client.get(f"/api/v5/projects/{hidden.id}", headers=auth("user")).status_code == 404
    assert client.get(f"/api/v5/projects/byName/{hidden.name}", headers=auth("user")).status_code == 404
    assert client.get("/api/v5/projects/byName/no_such_project", headers=auth("admin")).status_code == 404


def test_create_project(client: TestClient, app: MockApp, auth: Any) -> None:
    created = client.post("/api/v5/projects", json=create_body(app), headers=auth("manager"))
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["name"] == "new_project_1" and body["priority"] == 7 and body["expectedTime"] == 30
    assert body["paused"] is False and body["owner"]["id"] == known(app, "manager").id
    assert client.get(f"/api/v5/projects/{body['id']}", headers=auth("user")).json() == body
    assert client.get(f"/api/v5/projects/{body['id']}/tasks", headers=auth("manager")).json() == []
    stored = app.backend.store.get(r.Project, body["id"])
    assert stored is not None and stored.organization_id == known(app, "manager").organization_id


def test_create_project_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    existing = managed_project(app).name
    taken = client.post("/api/v5/projects", json=create_body(app, name=existing), headers=auth("manager"))
    assert taken.status_code == 400
    assert taken.json()["messages"][0]["error"] == (
        f"The name “{existing}” is already being used for a different project. Please choose a different name.")
    for bad_name in ("a b", "ab"):
        invalid = client.post("/api/v5/projects", json=create_body(app, name=bad_name), headers=auth("manager"))
        assert invalid.status_code == 400
    forbidden = client.post("/api/v5/projects", json=create_body(app), headers=auth("user"))
    assert forbidden.status_code == 403
    foreign = client.post("/api/v5/projects", json=create_body(app, team=foreign_project(app).team_id),
                          headers=auth("manager"))
    assert foreign.status_code == 403
    unknown_team = client.post("/api/v5/projects", json=create_body(app, team="0" * 24), headers=auth("admin"))
    assert unknown_team.status_code == 404
    assert app.backend.store.one(r.Project, "name = 'new_project_1'") is None


def test_update_project_ignores_name_and_paused(client: TestClient, app: MockApp, auth: Any) -> None:
    project = managed_project(app)
    admin = known(app, "admin")
    body = create_body(app, name="renamed", paused=True, priority=3, expectedTime=None, owner=admin.id,
                       isBlacklistedFromReport=True)
    updated = client.put(f"/api/v5/projects/{project.id}", json=body, headers=auth("manager"))
    assert updated.status_code == 200, updated.text
    data = updated.json()
    assert data["name"] == project.name and data["paused"] is False
    assert data["priority"] == 3 and data["expectedTime"] is None and data["owner"]["id"] == admin.id
    assert data["isBlacklistedFromReport"] is True
    v3 = client.put(f"/api/v3/projects/{project.name}", json={**body, "priority": 4}, headers=auth("manager"))
    assert v3.status_code == 200 and v3.json()["priority"] == 4
    forbidden = client.put(f"/api/v5/projects/{project.id}", json=body, headers=auth("user"))
    assert forbidden.status_code == 403
    assert forbidden.json() == {"messages": [{"error": "You are not authorized to view or edit this resource"}]}


def test_pause_and_resume(client: TestClient, app: MockApp, auth: Any) -> None:
    project = managed_project(app)
    paused = client.patch(f"/api/v5/projects/{project.id}/pause", headers=auth("manager"))
    assert paused.status_code == 200 and paused.json()["paused"] is True
    stored = app.backend.store.get(r.Project, project.id)
    assert stored is not None and stored.paused
    resumed = client.patch(f"/api/v3/projects/{project.name}/resume", headers=auth("manager"))
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    assert client.patch(f"/api/v5/projects/{project.id}/pause", headers=auth("user")).status_code == 403
    assert client.patch("/api/v5/projects/" + "0" * 24 + "/pause", headers=auth("admin")).status_code == 404


def test_project_tasks_paging_and_total(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    ids = store.scalars("SELECT id FROM tasks WHERE project_id = ? ORDER BY created, id", (project.id,))
    everything = client.get(f"/api/v5/projects/{project.id}/tasks", headers=auth("manager"))
    assert [t["id"] for t in everything.json()] == ids and "x-total-count" not in everything.headers
    page = client.get(f"/api/v5/projects/{project.id}/tasks?limit=3&pageNumber=1&includeTotalCount=true",
                      headers=auth("manager"))
    assert [t["id"] for t in page.json()] == ids[3:6]
    assert page.headers["x-total-count"] == str(len(ids))
    by_name = client.get(f"/api/v3/projects/{project.name}/tasks?includeTotalCount=true", headers=auth("manager"))
    assert [t["id"] for t in by_name.json()] == ids and by_name.headers["x-total-count"] == str(len(ids))
    assert client.get(f"/api/v5/projects/{project.id}/tasks", headers=auth("user")).status_code == 403


def test_increment_each_tasks_instances(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    project = managed_project(app)
    before = {t.id: t for t in store.select(r.Task, "project_id = ?", (project.id,))}
    pending = pending_sum(store, project.id)
    response = client.patch(f"/api/v5/projects/{project.id}/incrementEachTasksInstances?delta=2",
                            headers=auth("manager"))
    assert response.status_code == 200
    assert response.json()["pendingInstances"] == pending + 2 * len(before)
    for task in store.select(r.Task, "project_id = ?", (project.id,)):
        assert task.total_instances == before[task.id].total_instances + 2
        assert task.pending_instances == before[task.id].pending_instances + 2
    default = client.patch(f"/api/v3/projects/{project.name}/incrementEachTasksInstances", headers=auth("manager"))
    assert default.json()["pendingInstances"] == pending + 3 * len(before)
    negative = client.patch(f"/api/v5/projects/{project.id}/incrementEachTasksInstances?delta=-1",
                            headers=auth("manager"))
    assert negative.status_code == 400
    assert client.patch(f"/api/v5/projects/{project.id}/incrementEachTasksInstances",
                        headers=auth("user")).status_code == 403
    assert pending_sum(store, project.id) == pending + 3 * len(before)


@pytest.mark.parametrize("version", ["v3", "v5"])
def test_delete_project_cascades(client: TestClient, app: MockApp, auth: Any, version: str) -> None:
    store = app.backend.store
    project = managed_project(app)
    task_ids = store.scalars("SELECT id FROM tasks WHERE project_id = ?", (project.id,))
    annotations = store.select(r.Annotation, f"task_id IN ({', '.join('?' for _ in task_ids)})", task_ids)
    assert annotations
    forbidden = client.delete(f"/api/v5/projects/{project.id}", headers=auth("user"))
    assert forbidden.status_code == 403 and store.get(r.Project, project.id) is not None
    ref = project.name if version == "v3" else project.id
    deleted = client.delete(f"/api/{version}/projects/{ref}", headers=auth("manager"))
    assert deleted.json() == {"messages": [{"success": "Project was removed successfully"}]}
    assert store.get(r.Project, project.id) is None
    assert store.count(r.Task, "project_id = ?", (project.id,)) == 0
    assert all(store.get(r.Annotation, a.id) is None for a in annotations)
    assert all(store.get(r.Tracing, layer["tracingId"]) is None for a in annotations for layer in a.layers)
    assert client.get(f"/api/v5/projects/{project.id}", headers=auth("admin")).status_code == 404
