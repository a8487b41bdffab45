"""Properties, tags and descriptions on domain objects; they go with the object they describe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.cytomine.records import Property
from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]
PROJECT = "be.cytomine.domain.project.Project"


def project(cy: TestClient, as_role: Role) -> dict[str, Any]:
    found: dict[str, Any] = cy.get("/api/project.json", headers=as_role("admin")).json()["collection"][0]
    return found


def test_property_lifecycle(cy: TestClient, as_role: Role) -> None:
    admin, p = as_role("admin"), project(cy, as_role)
    base = f"/api/domain/{PROJECT}/{p['id']}"
    body = {"domainClassName": PROJECT, "domainIdent": p["id"], "key": "stain", "value": "H&E"}
    prop = created(cy.post(f"{base}/property.json", json=body, headers=admin), "property")
    assert prop["class"] == "be.cytomine.domain.meta.Property" and prop["value"] == "H&E"
    assert cy.post(f"{base}/property.json", json=body, headers=admin).status_code == 409
    assert cy.get(f"{base}/key/stain/property.json", headers=admin).json()["id"] == prop["id"]
    assert cy.get(f"{base}/key/other/property.json", headers=admin).status_code == 404
    edited = created(cy.put(f"{base}/property/{prop['id']}.json", json={**prop, "value": 7}, headers=admin), "property")
    assert edited["value"] == "7"
    assert [x["key"] for x in cy.get(f"{base}/property.json", headers=admin).json()["collection"]] == ["stain"]
    assert cy.delete(f"{base}/property/{prop['id']}.json", headers=admin).status_code == 200
    assert cy.get(f"{base}/property/{prop['id']}.json", headers=admin).status_code == 404


def test_properties_follow_project_membership(cy: TestClient, as_role: Role) -> None:
    p = project(cy, as_role)
    url = f"/api/domain/{PROJECT}/{p['id']}/property.json"
    assert cy.post(url, json={"key": "k", "value": "v"}, headers=as_role("guest")).status_code == 403
    assert cy.post(url, json={"key": "k", "value": "v"}, headers=as_role("user")).status_code == 200


@pytest.mark.parametrize(("cls", "ident", "status"), [("be.cytomine.domain.Nothing", 1, 404),
                                                      (PROJECT, 1, 404)])
def test_unknown_domains(cy: TestClient, as_role: Role, cls: str, ident: int, status: int) -> None:
    response = cy.get(f"/api/domain/{cls}/{ident}/property.json", headers=as_role("admin"))
    assert response.status_code == status and "errors" in response.json()


def test_annotation_properties_and_their_cascade(cy: TestClient, as_role: Role, cy_app: MockApp) -> None:
    store = cy_app.backend.store
    admin = as_role("admin")
    annotation = cy.get("/api/annotation.json", headers=admin).json()["collection"][0]
    cls = annotation["class"]
    created(cy.post(f"/api/domain/{cls}/{annotation['id']}/property.json", json={"key": "a", "value": "b"},
                    headers=admin), "property")
    assert cy.get(f"/api/annotation/{annotation['id']}/property.json", headers=admin).json()["size"] == 1
    cy.delete(f"/api/annotation/{annotation['id']}.json", headers=admin)
    assert store.count(Property, "domain_ident = ?", (annotation["id"],)) == 0


def test_tags_and_associations(cy: TestClient, as_role: Role) -> None:
    admin, p = as_role("admin"), project(cy, as_role)
    assert cy.post("/api/tag.json", json={}, headers=admin).status_code == 400  # a tag needs a name
    tag = created(cy.post("/api/tag.json", json={"name": "urgent"}, headers=admin), "tag")
    assert cy.post("/api/tag.json", json={"name": "URGENT"}, headers=admin).status_code == 409
    url = f"/api/domain/{PROJECT}/{p['id']}/tag_domain_association.json"
    association = created(cy.post(url, json={"tag": tag["id"]}, headers=admin), "tagdomainassociation")
    assert association["tagName"] == "urgent" and association["domainIdent"] == p["id"]
    assert [a["tag"] for a in cy.get(url, headers=admin).json()["collection"]] == [tag["id"]]
    assert cy.get(f"/api/tag_domain_association/{association['id']}.json", headers=admin).status_code == 200
    renamed = created(cy.put(f"/api/tag/{tag['id']}.json", json={"name": "later"}, headers=admin), "tag")
    assert renamed["name"] == "later"
    assert cy.delete(f"/api/tag/{tag['id']}.json", headers=as_role("user")).status_code == 403
    assert cy.delete(f"/api/tag/{tag['id']}.json", headers=admin).status_code == 200
    assert cy.get(f"/api/tag_domain_association/{association['id']}.json", headers=admin).status_code == 404


def test_descriptions(cy: TestClient, as_role: Role) -> None:
    admin, p = as_role("admin"), project(cy, as_role)
    url = f"/api/domain/{PROJECT}/{p['id']}/description.json"
    assert cy.get(url, headers=admin).status_code == 404
    assert created(cy.post(url, json={"data": "<p>Lung</p>"}, headers=admin), "description")["data"] == "<p>Lung</p>"
    assert cy.post(url, json={"data": "again"}, headers=admin).status_code == 409
    assert created(cy.put(url, json={"data": "<p>Liver</p>"}, headers=admin), "description")["data"] == "<p>Liver</p>"
    assert cy.get(url, headers=admin).json()["data"] == "<p>Liver</p>"
    assert cy.delete(url, headers=admin).status_code == 200 and cy.get(url, headers=admin).status_code == 404


def test_deleting_a_project_deletes_the_metadata_of_its_objects(cy: TestClient, as_role: Role,
                                                                cy_app: MockApp) -> None:
    store = cy_app.backend.store
    admin, p = as_role("admin"), project(cy, as_role)
    image = cy.get(f"/api/project/{p['id']}/imageinstance.json", headers=admin).json()["collection"][0]
    for cls, ident in ((PROJECT, p["id"]), (image["class"], image["id"])):
        cy.post(f"/api/domain/{cls}/{ident}/property.json", json={"key": "k", "value": "v"}, headers=admin)
    tag = created(cy.post("/api/tag.json", json={"name": "t"}, headers=admin), "tag")
    association = created(cy.post(f"/api/domain/{PROJECT}/{p['id']}/tag_domain_association.json",
                                  json={"tag": tag["id"]}, headers=admin), "tagdomainassociation")
    cy.delete(f"/api/project/{p['id']}.json", headers=admin)
    assert cy.get(f"/api/tag_domain_association/{association['id']}.json", headers=admin).status_code == 404
    assert store.count(Property) == 0
