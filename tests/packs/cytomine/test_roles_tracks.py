"""Users and roles, relation terms, tracks, attached files and the (empty) activity records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]


def me(cy: TestClient, as_role: Role, role: str) -> dict[str, Any]:
    found: dict[str, Any] = cy.get("/api/user/current.json", headers=as_role(role)).json()
    return found


def test_user_lifecycle_is_for_superadmins(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    assert cy.post("/api/user.json", json={"username": "x"}, headers=as_role("user")).status_code == 403
    user = created(cy.post("/api/user.json", json={"username": "newbie", "email": "n@example.org"}, headers=admin),
                   "user")
    assert user["publicKey"]
    assert cy.post("/api/user.json", json={"username": "NEWBIE"}, headers=admin).status_code == 409
    edited = created(cy.put(f"/api/user/{user['id']}.json", json={**user, "lastname": "Doe"}, headers=admin), "user")
    assert edited["lastname"] == "Doe"
    roles = cy.get(f"/api/user/{user['id']}/role.json", headers=admin).json()["collection"]
    assert [x["authority"] for x in roles] == ["ROLE_USER"]
    assert cy.delete(f"/api/user/{user['id']}.json", headers=admin).status_code == 200
    assert cy.get(f"/api/user/{user['id']}.json", headers=admin).status_code == 404
    assert cy.delete(f"/api/user/{me(cy, as_role, 'admin')['id']}.json", headers=admin).status_code == 400


def test_roles_decide_who_is_superadmin(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    roles = {x["authority"]: x["id"] for x in cy.get("/api/role.json", headers=admin).json()["collection"]}
    assert set(roles) == {"ROLE_USER", "ROLE_ADMIN", "ROLE_SUPER_ADMIN", "ROLE_GUEST"}
    assert cy.get(f"/api/role/{roles['ROLE_ADMIN']}.json", headers=admin).json()["authority"] == "ROLE_ADMIN"
    guest = me(cy, as_role, "guest")
    assert cy.get("/api/project.json", headers=as_role("guest")).json()["size"] == 0
    given = cy.post(f"/api/user/{guest['id']}/role.json", json={"role": roles["ROLE_ADMIN"]}, headers=admin)
    assert created(given, "secusersecrole")["authority"] == "ROLE_ADMIN"
    assert me(cy, as_role, "guest")["admin"] is True
    assert cy.get("/api/project.json", headers=as_role("guest")).json()["size"] == 1
    url = f"/api/user/{guest['id']}/role/{roles['ROLE_ADMIN']}.json"
    assert cy.get(url, headers=admin).status_code == 200
    assert cy.delete(url, headers=admin).status_code == 200 and me(cy, as_role, "guest")["admin"] is False
    assert cy.get(url, headers=admin).status_code == 404


def test_relation_terms_shape_the_tree(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    ontology = cy.get("/api/ontology.json", headers=admin).json()["collection"][0]
    terms = {t["name"]: t for t in cy.get(f"/api/ontology/{ontology['id']}/term.json", headers=admin).json()[
        "collection"]}
    tumor, grade, stroma = terms["Tumor"], terms["High-grade tumor"], terms["Stroma"]
    seeded = f"/api/relation/parent/term1/{tumor['id']}/term2/{grade['id']}.json"
    assert cy.get(seeded, headers=admin).json()["term2"] == grade["id"]
    added = cy.post("/api/relation/parent/term.json", json={"term1": stroma["id"], "term2": grade["id"]},
                    headers=admin)
    assert created(added, "relationterm")["term1"] == stroma["id"]
    assert cy.get(seeded, headers=admin).status_code == 404  # one parent per term
    assert cy.get(f"/api/term/{grade['id']}.json", headers=admin).json()["parent"] == stroma["id"]
    cy.delete(f"/api/relation/parent/term1/{stroma['id']}/term2/{grade['id']}.json", headers=admin)
    assert cy.get(f"/api/term/{grade['id']}.json", headers=admin).json()["parent"] is None
    tree = cy.get(f"/api/ontology/{ontology['id']}.json", headers=admin).json()["children"]
    assert {node["name"] for node in tree} == {"Tumor", "Stroma", "Necrosis", "High-grade tumor"}


def test_tracks_and_annotation_tracks(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    image = cy.get(f"/api/project/{project['id']}/imageinstance.json", headers=admin).json()["collection"][0]
    track = created(cy.post("/api/track.json", json={"name": "cells", "image": image["id"], "color": "#FF0000"},
                            headers=admin), "track")
    assert track["project"] == project["id"]
    assert [t["id"] for t in cy.get(f"/api/project/{project['id']}/track.json", headers=admin).json()[
        "collection"]] == [track["id"]]
    assert cy.get(f"/api/imageinstance/{image['id']}/track.json", headers=admin).json()["size"] == 1
    annotation = cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()["collection"][0]
    url = f"/api/annotationtrack/{annotation['id']}/{track['id']}.json"
    assert created(cy.post(url, headers=admin), "annotationtrack")["track"] == track["id"]
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=admin).json()["track"] == [track["id"]]
    assert cy.delete(url, headers=admin).status_code == 200 and cy.get(url, headers=admin).status_code == 404
    assert created(cy.put(f"/api/track/{track['id']}.json", json={"name": "nuclei"}, headers=admin),
                   "track")["name"] == "nuclei"
    assert cy.delete(f"/api/track/{track['id']}.json", headers=admin).status_code == 200


def test_attached_files(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    query = {"domainClassName": project["class"], "domainIdent": project["id"], "filename": "notes.txt"}
    response = cy.post("/api/attachedfile.json", params=query, files={"files[]": ("x.txt", b"hello", "text/plain")},
                       headers=admin)
    attached = response.json()
    assert response.status_code == 200 and attached["class"] == "be.cytomine.domain.meta.AttachedFile"
    assert attached["filename"] == "notes.txt"
    assert cy.get(f"/api/attachedfile/{attached['id']}/download", headers=admin).content == b"hello"
    listed = cy.get(f"/api/domain/{project['class']}/{project['id']}/attachedfile.json", headers=admin).json()
    assert [f["id"] for f in listed["collection"]] == [attached["id"]]
    assert cy.get(f"/api/attachedfile/{attached['id']}.json", headers=as_role("guest")).status_code == 403


def test_activity_collections_are_empty(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    image = cy.get(f"/api/project/{project['id']}/imageinstance.json", headers=admin).json()["collection"][0]
    user = me(cy, as_role, "user")
    for url in (f"/api/imageinstance/{image['id']}/positions.json",
                f"/api/imageinstance/{image['id']}/annotation_action.json",
                f"/api/project/{project['id']}/userconnection/{user['id']}.json",
                f"/api/project/{project['id']}/user/{user['id']}/imageconsultation.json"):
        assert cy.get(url, headers=admin).json()["size"] == 0, url
    assert cy.get(f"/api/imageinstance/{image['id']}/positions.json", headers=as_role("guest")).status_code == 403
