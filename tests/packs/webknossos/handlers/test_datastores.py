from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r

NEW = {"name": "scratch", "url": "http://ds:9090", "publicUrl": "http://ds.example.org", "key": "k"}


def test_list_datastores_anonymously(client: TestClient) -> None:
    stores = client.get("/api/v5/datastores").json()
    assert stores == [{"name": "localhost", "url": "http://127.0.0.1:9000", "isScratch": False, "allowsUpload": True}]


def test_create_update_delete_datastore(client: TestClient, app: MockApp, auth: Any) -> None:
    created = client.post("/api/v5/datastores", json=NEW, headers=auth("admin"))
    assert created.json() == {"name": "scratch", "url": "http://ds.example.org", "isScratch": False,
                              "allowsUpload": True}
    updated = client.put("/api/v5/datastores/scratch", json={**NEW, "publicUrl": "http://new"},
                         headers=auth("admin"))
    assert updated.json()["url"] == "http://new"
    assert client.delete("/api/v5/datastores/scratch", headers=auth("admin")).status_code == 200
    assert app.backend.store.get(r.Datastore, "scratch") is None


def test_datastore_errors(client: TestClient, app: MockApp, auth: Any) -> None:
    assert client.post("/api/v5/datastores", json=NEW, headers=auth("user")).status_code == 403
    assert client.post("/api/v5/datastores", json={"name": "x"}, headers=auth("admin")).status_code == 400
    assert client.put("/api/v5/datastores/localhost", json={**NEW, "name": "localhost"},
                      headers=auth("user")).status_code == 404
    in_use = client.delete("/api/v5/datastores/localhost", headers=auth("admin"))
    assert in_use.status_code == 400 and app.backend.store.get(r.Datastore, "localhost") is not None
    assert client.delete("/api/v5/datastores/localhost", headers=auth("manager")).status_code == 403


def test_tracingstore_read_and_update(client: TestClient, auth: Any) -> None:
    assert client.get("/api/v5/tracingstore").json()["name"] == "localhost"
    body = {"name": "localhost", "url": "http://ts", "publicUrl": "http://ts.example.org"}
    assert client.put("/api/v5/tracingstores/localhost", json=body, headers=auth("admin")).json() == {
        "name": "localhost", "url": "http://ts.example.org"}
    assert client.put("/api/v5/tracingstores/other", json=body, headers=auth("admin")).status_code == 404
