from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r

L4 = "/api/v5/datasets/sample_organization/l4_sample"


def private_dataset(app: MockApp) -> r.Dataset:
    return next(d for d in app.backend.store.select(r.Dataset) if not d.is_public and d.is_active)


def test_anonymous_sees_only_public_datasets(client: TestClient, app: MockApp) -> None:
    names = {d["name"] for d in client.get("/api/v5/datasets").json()}
    assert names == {d.name for d in app.backend.store.select(r.Dataset, "is_public = 1")}


def test_admin_sees_all_and_filters_work(client: TestClient, app: MockApp, auth: Any) -> None:
    store = app.backend.store
    everything = client.get("/api/v5/datasets", headers=auth("admin")).json()
    assert len(everything) == store.count(r.Dataset)
    active = client.get("/api/v5/datasets?isActive=true", headers=auth("admin")).json()
    assert len(active) == store.count(r.Dataset, "is_active = 1")
    found = client.get("/api/v5/datasets?searchQuery=L4_SAM", headers=auth("admin")).json()
    assert [d["name"] for d in found] == ["l4_sample"]
    compact = client.get("/api/v5/datasets?compact=true", headers=auth("admin")).json()
    assert {"colorLayerNames", "segmentationLayerNames"} <= set(compact[0])


def test_is_editable_is_ignored_in_every_version(client: TestClient, auth: Any) -> None:
    for version in ("v1", "v5"):
        plain = client.get(f"/api/{version}/datasets", headers=auth("user")).json()
        filtered = client.get(f"/api/{version}/datasets?isEditable=true", headers=auth("user")).json()
        assert plain == filtered


def test_read_dataset(client: TestClient, auth: Any) -> None:
    body = client.get(L4, headers=auth("admin")).json()
    assert body["name"] == "l4_sample" and body["dataSource"]["id"] == {"name": "l4_sample",
                                                                        "team": "sample_organization"}
    assert {layer["category"] for layer in body["dataSource"]["dataLayers"]} == {"color", "segmentation"}
    assert body["isEditable"] is True and body["publication"] is None


def test_hidden_dataset_is_not_found(client: TestClient, app: MockApp) -> None:
    dataset = private_dataset(app)
    response = client.get(f"/api/v5/datasets/sample_organization/{dataset.name}")
    assert response.status_code == 404
    assert response.json()["messages"][0]["error"].endswith("You may need to log in.")
    unknown_org = client.get("/api/v5/datasets/nobody/l4_sample")
    assert unknown_org.status_code == 400


def test_sharing_token_grants_anonymous_read(client: TestClient, app: MockApp, auth: Any) -> None:
    dataset = private_dataset(app)
    path = f"/api/v5/datasets/sample_organization/{dataset.name}"
    token = client.get(f"{path}/sharingToken", headers=auth("admin")).json()["sharingToken"]
    assert client.get(f"{path}/sharingToken", headers=auth("admin")).json()["sharingToken"] == token
    assert client.get(f"{path}?sharingToken={token}").status_code == 200
    assert client.get(f"{path}?sharingToken=wrong").status_code == 404


def test_update_dataset_metadata(client: TestClient, auth: Any) -> None:
    original = client.get(L4, headers=auth("admin")).json()
    body = {**original, "description": "new text", "tags": ["a", "b"], "isPublic": True, "displayName": "L4"}
    updated = client.patch(L4, json=body, headers=auth("admin")).json()
    assert (updated["description"], updated["tags"], updated["isPublic"], updated["displayName"]) == (
        "new text", ["a", "b"], True, "L4")
    assert client.get(L4).status_code == 200  # now public


def test_update_dataset_requires_edit_rights_and_valid_body(client: TestClient, auth: Any) -> None:
    body = {"isPublic": False, "tags": []}
    assert client.patch(L4, json=body, headers=auth("user")).status_code in (403, 404)
    assert client.patch(L4, json={"tags": []}, headers=auth("admin")).status_code == 400
    assert client.patch(L4, json={"isPublic": "yes", "tags": []}, headers=auth("admin")).status_code == 400


def test_update_dataset_teams(client: TestClient, app: MockApp, auth: Any) -> None:
    team_ids = sorted(t.id for t in app.backend.store.select(r.Team))[:2]
    assert client.patch(f"{L4}/teams", json=team_ids, headers=auth("admin")).json() == team_ids
    allowed = {t["id"] for t in client.get(L4, headers=auth("admin")).json()["allowedTeams"]}
    assert allowed == set(team_ids)
    assert client.patch(f"{L4}/teams", json=["0" * 24], headers=auth("admin")).status_code == 400
    assert {t["id"] for t in client.get(L4, headers=auth("admin")).json()["allowedTeams"]} == set(team_ids)


def test_is_valid_new_name(client: TestClient, auth: Any) -> None:
    free = client.get("/api/v5/datasets/sample_organization/brand_new/isValidNewName", headers=auth("user"))
    assert free.status_code == 200 and free.content == b""
    taken = client.get(f"{L4}/isValidNewName", headers=auth("user"))
    assert taken.status_code == 400 and "already being used" in taken.json()["messages"][0]["error"]
    bad = client.get("/api/v5/datasets/sample_organization/a%20b/isValidNewName", headers=auth("user"))
    assert bad.status_code == 400


def test_access_list_contains_admins(client: TestClient, app: MockApp, auth: Any) -> None:
    users = client.get(f"{L4}/accessList", headers=auth("admin")).json()
    admin_id = next(u.id for u in app.backend.world.known_users if u.role == "admin")
    assert admin_id in {u["id"] for u in users}


def test_create_explorational_v5_and_legacy_bodies(client: TestClient, app: MockApp, auth: Any) -> None:
    layers = [{"typ": "Skeleton", "name": "Skeleton"}, {"typ": "Volume", "name": "Volume",
                                                        "fallbackLayerName": "segmentation"}]
    created = client.post(f"{L4}/createExplorational", json=layers, headers=auth("user")).json()
    assert [layer["typ"] for layer in created["annotationLayers"]] == ["Skeleton", "Volume"]
    assert created["typ"] == "Explorational" and created["state"] == "Active"
    assert set(created["tags"]) >= {"l4_sample", "hybrid"}
    legacy = client.post("/api/v4/datasets/sample_organization/l4_sample/createExplorational",
                         json={"typ": "skeleton"}, headers=auth("user")).json()
    assert legacy["tracing"]["skeleton"] and legacy["tracing"]["volume"] is None
    assert "annotationLayers" not in legacy
    stored = app.backend.store.get(r.Annotation, legacy["id"])
    assert stored is not None and [layer["typ"] for layer in stored.layers] == ["Skeleton"]


def test_create_explorational_errors(client: TestClient, auth: Any) -> None:
    bad_fallback = client.post(f"{L4}/createExplorational", json=[{"typ": "Volume", "fallbackLayerName": "nope"}],
                               headers=auth("user"))
    assert bad_fallback.status_code == 400
    assert client.post(f"{L4}/createExplorational", json={"typ": "skeleton"}, headers=auth("user")).status_code == 400
    assert client.post("/api/v5/datasets/sample_organization/nope/createExplorational", json=[{"typ": "Skeleton"}],
                       headers=auth("user")).status_code == 404


def test_invalid_folder_or_uploader_id_is_a_bad_request(client: TestClient) -> None:
    """As the route's description says (the real server parses both as ObjectIds)."""
    for name in ("folderId", "uploaderId"):
        response = client.get("/api/v5/datasets", params={name: "nothex"})
        assert response.status_code == 400
        assert response.json() == {"messages": [{"error": "The passed resource id ‘nothex’ is invalid"}]}
