"""Projects: command envelopes, counters, membership deciding who sees what, the cascade on delete."""

from __future__ import annotations

from collections.abc import Callable

from starlette.testclient import TestClient

from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]


def seeded(cy: TestClient, as_role: Role) -> dict[str, object]:
    found: dict[str, object] = cy.get("/api/project.json", headers=as_role("admin")).json()["collection"][0]
    return found


def test_the_seeded_project_and_its_counters(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    assert project["class"] == "be.cytomine.domain.project.Project"
    assert project["numberOfImages"] == 3 and project["numberOfAnnotations"] == 15
    assert project["ontologyName"] == "Lung tissue"
    assert isinstance(project["created"], str) and project["created"].isdigit()


def test_create_read_update_delete(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = created(cy.post("/api/project.json", json={"name": "New", "ontology": None}, headers=admin), "project")
    assert project["numberOfImages"] == 0 and project["ontology"] is None
    read = cy.get(f"/api/project/{project['id']}.json", headers=admin).json()
    assert read == project
    body = {**read, "class_": read["class"], "name": "Renamed", "numberOfImages": 99, "created": "1"}
    updated = created(cy.put(f"/api/project/{project['id']}.json", json=body, headers=admin), "project")
    assert updated["name"] == "Renamed" and updated["numberOfImages"] == 0 and updated["created"] == read["created"]
    assert updated["updated"] is not None
    deleted = cy.delete(f"/api/project/{project['id']}.json", headers=admin)
    assert created(deleted, "project")["id"] == project["id"]
    missing = cy.get(f"/api/project/{project['id']}.json", headers=admin)
    assert missing.status_code == 404
    assert missing.json() == {"errors": {"message": f"Project not found with id : {project['id']}"}}


def test_a_duplicate_name_is_refused(cy: TestClient, as_role: Role) -> None:
    response = cy.post("/api/project.json", json={"name": "Lung biopsies"}, headers=as_role("admin"))
    assert response.status_code == 409
    assert response.json() == {"success": False, "errors": "Project Lung biopsies already exist!", "errorValues": {}}


def test_a_missing_name_is_a_domain_error(cy: TestClient, as_role: Role) -> None:
    response = cy.post("/api/project.json", json={"ontology": None}, headers=as_role("admin"))
    assert response.status_code == 400 and response.json()["success"] is False


def test_ids_come_from_one_global_sequence(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    ontology = cy.post("/api/ontology.json", json={"name": "O"}, headers=admin).json()
    project = cy.post("/api/project.json", json={"name": "P"}, headers=admin).json()
    assert project["project"]["id"] == ontology["command"] + 1 and ontology["command"] == ontology["ontology"]["id"] + 1


def test_membership_decides_who_sees_a_project(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    assert cy.get("/api/project.json", headers=as_role("guest")).json()["size"] == 0
    assert cy.get(f"/api/project/{project['id']}.json", headers=as_role("guest")).status_code == 403
    guest = cy.get("/api/user/current.json", headers=as_role("guest")).json()
    assert cy.post(f"/api/project/{project['id']}/user/{guest['id']}.json", headers=as_role("user")).status_code == 403
    added = cy.post(f"/api/project/{project['id']}/user/{guest['id']}.json", headers=as_role("admin"))
    assert created(added, "user")["id"] == guest["id"]
    assert cy.get("/api/project.json", headers=as_role("guest")).json()["size"] == 1
    members = cy.get(f"/api/project/{project['id']}/user.json", headers=as_role("guest")).json()
    assert guest["id"] in [u["id"] for u in members["collection"]]
    listed = cy.get(f"/api/user/{guest['id']}/project.json", headers=as_role("admin")).json()
    assert [p["id"] for p in listed["collection"]] == [project["id"]]
    cy.delete(f"/api/project/{project['id']}/user/{guest['id']}.json", headers=as_role("admin"))
    assert cy.get("/api/project.json", headers=as_role("guest")).json()["size"] == 0


def test_managers_edit_contributors_do_not(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    url = f"/api/project/{project['id']}.json"
    assert cy.put(url, json={"name": "x"}, headers=as_role("user")).status_code == 403
    contributor = cy.get("/api/user/current.json", headers=as_role("user")).json()
    cy.post(f"/api/project/{project['id']}/user/{contributor['id']}/admin.json", headers=as_role("admin"))
    managers = cy.get(f"/api/project/{project['id']}/admin.json", headers=as_role("user")).json()
    assert contributor["id"] in [u["id"] for u in managers["collection"]]
    assert cy.put(url, json={"name": "x"}, headers=as_role("user")).status_code == 200


def test_read_only_mode_stops_contributors_writing(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    image = cy.get(f"/api/project/{project['id']}/imageinstance.json", headers=as_role("user")).json()["collection"][0]
    annotation = {"location": "POINT (1 1)", "image": image["id"]}
    assert cy.post("/api/annotation.json", json=annotation, headers=as_role("user")).status_code == 200
    cy.put(f"/api/project/{project['id']}.json", json={"isReadOnly": True}, headers=as_role("admin"))
    assert cy.post("/api/annotation.json", json=annotation, headers=as_role("user")).status_code == 403
    assert cy.post("/api/annotation.json", json=annotation, headers=as_role("admin")).status_code == 200


def test_deleting_a_project_removes_its_images_and_annotations(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project = seeded(cy, as_role)
    images = cy.get(f"/api/project/{project['id']}/imageinstance.json", headers=admin).json()["collection"]
    annotations = cy.get("/api/annotation.json", params={"project": project["id"]}, headers=admin).json()
    assert cy.delete(f"/api/project/{project['id']}.json", headers=admin).status_code == 200
    assert all(cy.get(f"/api/imageinstance/{i['id']}.json", headers=admin).status_code == 404 for i in images)
    assert all(cy.get(f"/api/annotation/{a['id']}.json", headers=admin).status_code == 404
               for a in annotations["collection"])
    assert cy.get("/api/annotation.json", headers=admin).json()["size"] == 0


def test_projects_of_an_ontology(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    listed = cy.get(f"/api/ontology/{project['ontology']}/project.json", headers=as_role("admin")).json()
    assert [p["id"] for p in listed["collection"]] == [project["id"]]


def test_blind_mode_hides_file_names_from_contributors(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    cy.put(f"/api/project/{project['id']}.json", json={"blindMode": True}, headers=as_role("admin"))
    url = f"/api/project/{project['id']}/imageinstance.json"
    seen = cy.get(url, headers=as_role("user")).json()["collection"][0]
    assert seen["instanceFilename"] is None and seen["originalFilename"] is None and seen["blindedName"]
    managed = cy.get(url, headers=as_role("admin")).json()["collection"][0]
    assert managed["instanceFilename"] and managed["blindedName"] is None


def test_hidden_layers(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    contributor = cy.get("/api/user/current.json", headers=as_role("user")).json()
    query = {"project": project["id"]}
    everything = cy.get("/api/annotation.json", params=query, headers=as_role("user")).json()["collection"]
    others = [a for a in everything if a["user"] != contributor["id"]]
    assert others  # the superadmin (a manager) drew some
    cy.put(f"/api/project/{project['id']}.json", json={"hideAdminsLayers": True}, headers=as_role("admin"))
    seen = cy.get("/api/annotation.json", params=query, headers=as_role("user")).json()["collection"]
    assert {a["user"] for a in seen} == {contributor["id"]}
    assert cy.get(f"/api/annotation/{others[0]['id']}.json", headers=as_role("user")).status_code == 403
    assert cy.get("/api/annotation.json", params=query, headers=as_role("admin")).json()["size"] == len(everything)


def test_restricted_mode_keeps_contributors_to_their_own_annotations(cy: TestClient, as_role: Role) -> None:
    project = seeded(cy, as_role)
    contributor = cy.get("/api/user/current.json", headers=as_role("user")).json()
    annotations = cy.get("/api/annotation.json", params={"project": project["id"]}, headers=as_role("user")).json()
    mine = next(a for a in annotations["collection"] if a["user"] == contributor["id"])
    theirs = next(a for a in annotations["collection"] if a["user"] != contributor["id"])
    assert cy.put(f"/api/annotation/{theirs['id']}.json", json={"location": "POINT (1 1)"},
                  headers=as_role("user")).status_code == 200
    cy.put(f"/api/project/{project['id']}.json", json={"isRestricted": True}, headers=as_role("admin"))
    assert cy.put(f"/api/annotation/{theirs['id']}.json", json={"location": "POINT (2 2)"},
                  headers=as_role("user")).status_code == 403
    assert cy.put(f"/api/annotation/{mine['id']}.json", json={"location": "POINT (2 2)"},
                  headers=as_role("user")).status_code == 200
