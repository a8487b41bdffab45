from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r


def test_list_scripts(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    response = client.get("/api/v5/scripts", headers=auth("user"))
    assert response.status_code == 200
    scripts = store.select(r.Script, order="id")
    assert [s["id"] for s in response.json()] == [s.id for s in scripts]
    first = response.json()[0]
    assert first["name"] == scripts[0].name and first["gist"] == scripts[0].gist
    assert first["owner"]["id"] == scripts[0].owner_id
    assert client.get("/api/v5/scripts").status_code == 401


def test_read_script(client: TestClient, app: MockApp, auth: Any) -> None:
    script = app.backend.store.select(r.Script, order="id")[-1]
    response = client.get(f"/api/v5/scripts/{script.id}", headers=auth("user"))
    assert response.status_code == 200
    assert response.json()["name"] == script.name and response.json()["owner"]["id"] == script.owner_id
    missing = client.get("/api/v5/scripts/" + "0" * 24, headers=auth("user"))
    assert missing.status_code == 404 and missing.json() == {"messages": [{"error": "Script could not be found"}]}
    assert client.get("/api/v5/scripts/xyz", headers=auth("user")).status_code == 400
