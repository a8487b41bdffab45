from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r


def known(app: MockApp, role: str) -> Any:
    return next(u for u in app.backend.world.known_users if u.role == role)


def test_current_user_is_the_token_owner(client: TestClient, app: MockApp, auth: Any) -> None:
    body = client.get("/api/v5/user", headers=auth("user")).json()
    me = known(app, "user")
    assert body["id"] == me.id and body["email"] == me.email
    assert body["organization"] == "sample_organization"
    assert body["isAdmin"] is False and body["isAnonymous"] is False
    assert all(set(t) == {"id", "name", "isTeamManager"} for t in body["teams"])


def test_current_user_needs_a_valid_token(client: TestClient) -> None:
    for headers in ({}, {"X-Auth-Token": "not-a-token"}):
        response = client.get("/api/v5/user", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == "You are not authorized to view this resource. Please log in."


def test_token_in_query_string_is_not_a_login(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get(f"/api/v5/user?token={tokens['admin']}").status_code == 401


def test_admin_lists_the_whole_organization_sorted_by_last_name(client: TestClient, app: MockApp, auth: Any) -> None:
    users = client.get("/api/v5/users", headers=auth("admin")).json()
    store = app.backend.store
    organization = store.get(r.User, known(app, "admin").id).organization_id
    assert len(users) == store.count(r.User, "organization_id = ?", (organization,))
    keys = [(u["lastName"].lower(), u["firstName"].lower()) for u in users]
    assert keys == sorted(keys)


def test_plain_user_lists_only_itself(client: TestClient, app: MockApp, auth: Any) -> None:
    users = client.get("/api/v5/users", headers=auth("user")).json()
    assert [u["id"] for u in users] == [known(app, "user").id]


def test_team_manager_lists_members_of_managed_teams(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    manager = known(app, "manager")
    managed = store.scalars("SELECT team_id FROM memberships WHERE user_id = ? AND is_team_manager = 1", (manager.id,))
    expected = set(store.scalars(
        f"SELECT user_id FROM memberships WHERE team_id IN ({','.join('?' * len(managed))})", managed)) | {manager.id}
    users = client.get("/api/v5/users", headers=auth("manager")).json()
    assert {u["id"] for u in users} == expected


def test_user_list_filters(client: TestClient, auth: Any) -> None:
    admins = client.get("/api/v5/users?isAdmin=true", headers=auth("admin")).json()
    assert admins and all(u["isAdmin"] for u in admins)
    others = client.get("/api/v5/users?isAdmin=false", headers=auth("admin")).json()
    assert others and not any(u["isAdmin"] for u in others)
    bad = client.get("/api/v5/users?isAdmin=maybe", headers=auth("admin"))
    assert bad.status_code == 400 and "messages" in bad.json()


def test_read_user_by_id_and_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    user = known(app, "user")
    assert client.get(f"/api/v5/users/{user.id}", headers=auth("admin")).json()["email"] == user.email
    missing = client.get("/api/v5/users/" + "0" * 24, headers=auth("admin"))
    assert missing.status_code == 404 and missing.json() == {"messages": [{"error": "User not found"}]}
    invalid = client.get("/api/v5/users/xyz", headers=auth("admin"))
    assert invalid.status_code == 400
    assert invalid.json()["messages"][0] == {"error": "The provided user id is invalid."}
    assert "The passed resource id ‘xyz’ is invalid" in invalid.json()["messages"][1]["chain"]
    forbidden = client.get(f"/api/v5/users/{known(app, 'admin').id}", headers=auth("user"))
    assert forbidden.status_code == 403


def test_update_user_changes_fields_and_memberships(client: TestClient, app: MockApp, auth: Any) -> None:
    user = known(app, "user")
    team = app.backend.store.select(r.Team, order="name")[0]
    body = {"firstName": "Ada", "experiences": {"proofreading": 7}, "teams": [{"id": team.id, "isTeamManager": True}]}
    response = client.patch(f"/api/v5/users/{user.id}", json=body, headers=auth("admin"))
    assert response.status_code == 200
    data = client.get(f"/api/v5/users/{user.id}", headers=auth("admin")).json()
    assert data["firstName"] == "Ada" and data["experiences"] == {"proofreading": 7}
    assert data["teams"] == [{"id": team.id, "name": team.name, "isTeamManager": True}]


def test_update_user_rejects_unknown_team_and_changes_nothing(client: TestClient, app: MockApp, auth: Any) -> None:
    user = known(app, "user")
    body = {"firstName": "Changed", "teams": [{"id": "0" * 24, "isTeamManager": False}]}
    response = client.patch(f"/api/v5/users/{user.id}", json=body, headers=auth("admin"))
    assert response.status_code == 400
    assert app.backend.store.get(r.User, user.id).first_name != "Changed"


def test_plain_user_cannot_make_itself_admin(client: TestClient, app: MockApp, auth: Any) -> None:
    user = known(app, "user")
    response = client.patch(f"/api/v5/users/{user.id}", json={"isAdmin": True}, headers=auth("user"))
    assert response.status_code == 403
    assert not app.backend.store.get(r.User, user.id).is_admin


def test_logged_time_sums_per_month(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    user_id = store.scalars("SELECT user_id FROM logged_times LIMIT 1")[0]
    expected = sum(store.scalars("SELECT duration_seconds FROM logged_times WHERE user_id = ?", (user_id,)))
    body = client.get(f"/api/v5/users/{user_id}/loggedTime", headers=auth("admin")).json()
    assert sum(e["durationInSeconds"] for e in body["loggedTime"]) == expected
    own = client.get("/api/v5/user/loggedTime", headers=auth("user"))
    assert own.status_code == 200 and "loggedTime" in own.json()
    assert client.get("/api/v5/user/loggedTime").status_code == 401
