from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r


def test_admin_sees_all_teams_user_only_its_own(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    all_teams = client.get("/api/v5/teams", headers=auth("admin")).json()
    assert len(all_teams) == store.count(r.Team)
    user_id = next(u.id for u in app.backend.world.known_users if u.role == "user")
    own = {t["id"] for t in client.get("/api/v5/teams", headers=auth("user")).json()}
    assert own == set(store.scalars("SELECT team_id FROM memberships WHERE user_id = ?", (user_id,)))
    assert client.get("/api/v5/teams?isEditable=true", headers=auth("user")).json() == []


def test_create_and_delete_team(client: TestClient, app: MockApp, auth: Any) -> None:
    created = client.post("/api/v5/teams", json={"name": "new_lab"}, headers=auth("admin"))
    assert created.status_code == 200
    body = created.json()
    assert body["name"] == "new_lab" and body["messages"] == [{"success": "Team was created successfully"}]
    assert any(t["id"] == body["id"] for t in client.get("/api/v5/teams", headers=auth("admin")).json())
    deleted = client.delete(f"/api/v5/teams/{body['id']}", headers=auth("admin"))
    assert deleted.json() == {"messages": [{"success": "team.deleted"}]}
    assert app.backend.store.get(r.Team, body["id"]) is None


def test_team_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    forbidden = client.post("/api/v5/teams", json={"name": "mine"}, headers=auth("user"))
    assert forbidden.status_code == 403
    assert forbidden.json() == {"messages": [{"error": "Access denied. Only admin users can execute this operation."}]}
    existing = app.backend.store.select(r.Team)[0].name
    taken = client.post("/api/v5/teams", json={"name": existing}, headers=auth("admin"))
    assert taken.status_code == 400 and "already assigned" in taken.json()["messages"][0]["error"]
    assert client.post("/api/v5/teams", json={"nam": "x"}, headers=auth("admin")).status_code == 400
    assert client.delete("/api/v5/teams/" + "0" * 24, headers=auth("admin")).status_code == 404
    assert client.delete("/api/v5/teams/nothex", headers=auth("admin")).status_code == 400
