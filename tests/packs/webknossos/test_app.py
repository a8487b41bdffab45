"""App-level behaviour: error formats, routing of versions, limits."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp, describe
from mockserver.packs.webknossos import records as r


def test_every_version_and_unversioned_api_answer(client: TestClient, auth: Any) -> None:
    emails = {client.get(f"{prefix}/user", headers=auth("user")).json()["email"]
              for prefix in ("/api", "/api/v1", "/api/v2", "/api/v3", "/api/v4", "/api/v5")}
    assert len(emails) == 1


def test_unknown_route_is_404_in_the_api_format(client: TestClient) -> None:
    response = client.get("/api/v5/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"messages": [{"error": "Couldn't find the requested resource."}]}


def test_unsupported_versions_get_the_real_servers_message(client: TestClient) -> None:
    newer = client.get("/api/v9/buildinfo")
    assert newer.status_code == 404
    assert "higher than the current API version 5" in newer.json()["messages"][0]["error"]
    older = client.get("/api/v0/buildinfo")
    assert older.status_code == 404 and "must be at least 1 and at most 5" in older.json()["messages"][0]["error"]


def test_malformed_json_is_400_and_changes_nothing(client: TestClient, app: MockApp, auth: Any) -> None:
    before = app.backend.store.count(r.Team)
    for body in (b"{not json", b"\xff\xfe\x00", b"[" * 5000, b'{"name": "x"'):
        response = client.post("/api/v5/teams", content=body, headers={**auth("admin"),
                                                                        "Content-Type": "application/json"})
        assert response.status_code == 400, body[:20]
        assert "messages" in response.json()
    assert app.backend.store.count(r.Team) == before


def test_wrong_types_are_400(client: TestClient, auth: Any) -> None:
    response = client.get("/api/v5/users?isAdmin=notabool", headers=auth("admin"))
    assert response.status_code == 400
    assert response.json()["messages"][0]["error"]


def test_method_not_allowed(client: TestClient, auth: Any) -> None:
    response = client.put("/api/v5/buildinfo", headers=auth("admin"))
    assert response.status_code == 405 and "messages" in response.json()


def test_oversized_body_is_413() -> None:
    app = create_app(Settings(recipe="tiny", max_body_bytes=1000))
    token = app.backend.world.token("admin")
    with app.test_client() as client:
        response = client.post("/api/v5/teams", content=b'{"name": "' + b"x" * 5000 + b'"}',
                               headers={"X-Auth-Token": token, "Content-Type": "application/json"})
        assert response.status_code == 413
        assert response.json()["messages"][0]["error"].startswith("Request entity too large")
        assert client.get("/api/v5/user", headers={"X-Auth-Token": token}).status_code == 200


def test_same_seed_gives_byte_identical_responses() -> None:
    bodies = []
    for _ in range(2):
        app = create_app(Settings(seed=42, recipe="tiny"))
        token = app.backend.world.token("admin")
        with app.test_client() as client:
            bodies.append([client.get(path, headers={"X-Auth-Token": token}).content
                           for path in ("/api/v5/users", "/api/v5/projects", "/api/v5/datasets", "/api/v5/teams")])
    assert bodies[0] == bodies[1]


def test_describe_lists_url_docs_and_three_roles(app: MockApp) -> None:
    info = describe(app)
    assert info["server_url"] == "http://127.0.0.1:9000" and info["api_url"] == "http://127.0.0.1:9000/api"
    assert info["versions"]["v3"] == "http://127.0.0.1:9000/api/v3" and info["latest"] == "v5"
    assert info["docs"].endswith("/api/v5/ui/") and info["admin"] == "http://127.0.0.1:9000/__admin/ui/"
    assert info["auth_header"] == "X-Auth-Token"
    assert [role for role, _, _ in info["users"]] == ["admin", "manager", "user"]


def test_swagger_ui_per_version(client: TestClient) -> None:
    for version in ("v1", "v5"):
        assert client.get(f"/api/{version}/ui/").status_code == 200
        spec = client.get(f"/api/{version}/openapi.json").json()
        assert spec["info"]["version"] == version[1:]
