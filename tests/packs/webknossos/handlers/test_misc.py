from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r


def test_buildinfo_is_anonymous_and_cors_enabled(client: TestClient) -> None:
    response = client.get("/api/v5/buildinfo")
    assert response.status_code == 200
    assert response.json()["webknossos"]["name"] == "webknossos"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "cache-control" not in response.headers


def test_health_is_plain_ok(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.text == "Ok" and response.headers["content-type"].startswith("text/plain")


def test_features(client: TestClient) -> None:
    assert client.get("/api/v5/features").json()["taskReopenAllowedInSeconds"] == 30


def test_user_token_is_empty_for_anonymous_callers(client: TestClient, auth: Any) -> None:
    assert client.post("/api/v5/userToken/generate").json() == {"token": ""}
    token = client.post("/api/v5/userToken/generate", headers=auth("user")).json()["token"]
    assert len(token) >= 16


def test_auth_token_read_and_revoke(client: TestClient, tokens: dict[str, str], app: MockApp) -> None:
    headers = {"X-Auth-Token": tokens["manager"]}
    assert client.get("/api/v5/auth/token", headers=headers).json() == {"token": tokens["manager"]}
    assert client.delete("/api/v5/auth/token", headers=headers).status_code == 200
    assert client.get("/api/v5/auth/token", headers=headers).status_code == 401
    app.backend.store.reset()
    assert client.get("/api/v5/auth/token", headers=headers).status_code == 200


def test_folder_tree_has_one_root(client: TestClient, auth: Any) -> None:
    folders = client.get("/api/v5/folders/tree", headers=auth("user")).json()
    roots = [f for f in folders if f["parent"] is None]
    assert len(roots) == 1 and roots[0]["name"] == "sample_organization"
    ids = {f["id"] for f in folders}
    assert all(f["parent"] in ids for f in folders if f["parent"])
    assert client.get("/api/v5/folders/tree").status_code == 401


def test_short_links(client: TestClient, app: MockApp) -> None:
    link = app.backend.store.select(r.ShortLink)[0]
    body = client.get(f"/api/v5/shortLinks/byKey/{link.key}").json()
    assert body == {"_id": link.id, "key": link.key, "longLink": link.long_link}
    assert client.get("/api/v5/shortLinks/byKey/nope").status_code == 404
