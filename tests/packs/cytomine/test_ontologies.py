"""Ontologies and terms: the term tree, unique names, refusing to delete an ontology in use."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from mockserver.packs.cytomine.handlers.ontologies import IN_USE
from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]


def seeded_ontology(cy: TestClient, as_role: Role) -> dict[str, object]:
    found: dict[str, object] = cy.get("/api/ontology.json", headers=as_role("admin")).json()["collection"][0]
    return found


def test_the_term_tree(cy: TestClient, as_role: Role) -> None:
    ontology = seeded_ontology(cy, as_role)
    tree = {node["name"]: [child["name"] for child in node["children"]] for node in ontology["children"]}
    assert tree == {"Tumor": ["High-grade tumor"], "Stroma": [], "Necrosis": []}
    terms = cy.get(f"/api/ontology/{ontology['id']}/term.json", headers=as_role("admin")).json()
    assert terms["size"] == 4 and {t["class"] for t in terms["collection"]} == {"be.cytomine.domain.ontology.Term"}


def test_an_ontology_in_use_cannot_be_deleted(cy: TestClient, as_role: Role) -> None:
    ontology = seeded_ontology(cy, as_role)
    response = cy.delete(f"/api/ontology/{ontology['id']}.json", headers=as_role("admin"))
    assert response.status_code == 400
    assert response.json() == {"success": False, "errors": IN_USE, "errorValues": {}}
    assert IN_USE == "Ontology is linked with project. Cannot delete ontology!"
    assert cy.get(f"/api/ontology/{ontology['id']}.json", headers=as_role("admin")).status_code == 200


def test_a_free_ontology_is_deleted_with_its_terms(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    ontology = created(cy.post("/api/ontology.json", json={"name": "Free"}, headers=admin), "ontology")
    term = created(cy.post("/api/term.json", json={"name": "T", "ontology": ontology["id"], "color": "#000000"},
                           headers=admin), "term")
    assert created(cy.delete(f"/api/ontology/{ontology['id']}.json", headers=admin), "ontology")["id"] == ontology["id"]
    assert cy.get(f"/api/term/{term['id']}.json", headers=admin).status_code == 404


def test_term_crud_and_unique_names(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    ontology = seeded_ontology(cy, as_role)
    body = {"name": "Mucus", "ontology": ontology["id"], "color": "#123456"}
    term = created(cy.post("/api/term.json", json=body, headers=admin), "term")
    assert cy.post("/api/term.json", json=body, headers=admin).status_code == 409
    assert cy.post("/api/term.json", json={"name": "No colour", "ontology": ontology["id"]},
                   headers=admin).json()["success"] is False
    edited = created(cy.put(f"/api/term/{term['id']}.json", json={**term, "class_": term["class"], "color": "#FFFFFF"},
                            headers=admin), "term")
    assert edited["color"] == "#FFFFFF" and edited["name"] == "Mucus"
    assert created(cy.delete(f"/api/term/{term['id']}.json", headers=admin), "term")["id"] == term["id"]
    assert cy.get(f"/api/term/{term['id']}.json", headers=admin).status_code == 404


def test_bulk_create_from_a_json_array(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    response = cy.post("/api/ontology.json", json=[{"name": "B1"}, {"name": "B2"}], headers=admin)
    assert response.status_code == 200
    assert response.json()["status"] == 200 and response.json()["data"]["message"].startswith("ontologies ")
    names = {o["name"] for o in cy.get("/api/ontology.json", headers=admin).json()["collection"]}
    assert {"B1", "B2"} <= names
    refused = cy.post("/api/ontology.json", json=[{"name": "B1"}], headers=admin)
    assert refused.status_code == 400 and refused.json()["data"]["message"] == "No entry saved"


def test_terms_by_project_and_by_annotation(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    assert cy.get(f"/api/project/{project['id']}/term.json", headers=admin).json()["size"] == 4
    listed = cy.get("/api/annotation.json", params={"project": project["id"]}, headers=admin).json()
    annotation = listed["collection"][0]
    terms = cy.get(f"/api/annotation/{annotation['id']}/term.json", headers=admin).json()["collection"]
    assert [t["id"] for t in terms] == annotation["term"]


def test_guests_do_not_read_other_peoples_ontologies(cy: TestClient, as_role: Role) -> None:
    ontology = seeded_ontology(cy, as_role)
    assert cy.get("/api/ontology.json", headers=as_role("guest")).json()["size"] == 0
    assert cy.get(f"/api/ontology/{ontology['id']}.json", headers=as_role("guest")).status_code == 403
    assert cy.get(f"/api/ontology/{ontology['id']}.json", headers=as_role("user")).status_code == 200


def test_users_of_an_ontology(cy: TestClient, as_role: Role) -> None:
    ontology = seeded_ontology(cy, as_role)
    users = cy.get(f"/api/ontology/{ontology['id']}/user.json", headers=as_role("admin")).json()["collection"]
    assert sorted(u["username"] for u in users) == ["admin", "contributor"]
