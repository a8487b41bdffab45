"""Image groups, annotation groups and links; they go with their project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]


def world(cy: TestClient, admin: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    images = cy.get(f"/api/project/{project['id']}/imageinstance.json", params={"sort": "id", "order": "asc"},
                    headers=admin).json()["collection"]
    return project, images


def test_image_groups_annotation_groups_and_links(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project, images = world(cy, admin)
    group = created(cy.post("/api/imagegroup.json", json={"name": "slide 1", "project": project["id"]},
                            headers=admin), "imagegroup")
    for image in images[:2]:
        created(cy.post(f"/api/imagegroup/{group['id']}/imageinstance/{image['id']}.json", headers=admin),
                "imagegroupimageinstance")
    assert cy.post(f"/api/imagegroup/{group['id']}/imageinstance/{images[0]['id']}.json",
                   headers=admin).status_code == 409
    listed = cy.get(f"/api/imagegroup/{group['id']}/imageinstance.json", headers=admin).json()
    assert sorted(i["id"] for i in listed["collection"]) == [i["id"] for i in images[:2]]  # newest first
    assert cy.get(f"/api/imagegroup/{group['id']}.json", headers=admin).json()["numberOfImages"] == 2
    assert cy.get(f"/api/imageinstance/{images[0]['id']}/imagegroupimageinstance.json", headers=admin).json()[
        "size"] == 1

    first = created(cy.post("/api/annotationgroup.json", json={"imageGroup": group["id"]}, headers=admin),
                    "annotationgroup")
    second = created(cy.post("/api/annotationgroup.json", json={"imageGroup": group["id"], "type": "SAME_ANNOTATION"},
                             headers=admin), "annotationgroup")
    assert first["project"] == project["id"] and first["type"] == "SAME_OBJECT"
    annotations = [cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()[
        "collection"][0] for image in images]
    created(cy.post("/api/annotationlink.json", json={"group": first["id"], "annotationIdent": annotations[0]["id"]},
                    headers=admin), "annotationlink")
    created(cy.post("/api/annotationlink.json", json={"group": second["id"], "annotationIdent": annotations[1]["id"]},
                    headers=admin), "annotationlink")
    outside = cy.post("/api/annotationlink.json", json={"group": first["id"], "annotationIdent": annotations[2]["id"]},
                      headers=admin)
    assert outside.status_code == 400  # its image is not in the image group
    merged = cy.post(f"/api/annotationgroup/{first['id']}/annotationgroup/{second['id']}/merge.json", headers=admin)
    assert merged.status_code == 200
    links = cy.get(f"/api/annotationgroup/{first['id']}/annotationlink.json", headers=admin).json()["collection"]
    assert sorted(link["annotationIdent"] for link in links) == sorted(a["id"] for a in annotations[:2])
    assert cy.get(f"/api/annotationgroup/{second['id']}.json", headers=admin).status_code == 404
    url = f"/api/annotationgroup/{first['id']}/annotation/{annotations[0]['id']}.json"
    assert cy.get(url, headers=admin).status_code == 200
    assert cy.delete(url, headers=admin).status_code == 200 and cy.get(url, headers=admin).status_code == 404
    assert cy.get(f"/api/annotation/{annotations[1]['id']}/annotationlink.json", headers=admin).json()["size"] == 1

    cy.delete(f"/api/project/{project['id']}.json", headers=admin)
    assert cy.get(f"/api/imagegroup/{group['id']}.json", headers=admin).status_code == 404
    assert cy.get(f"/api/annotationgroup/{first['id']}.json", headers=admin).status_code == 404


def test_outsiders_see_no_groups(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    project, _ = world(cy, admin)
    group = created(cy.post("/api/imagegroup.json", json={"name": "g", "project": project["id"]}, headers=admin),
                    "imagegroup")
    assert cy.get(f"/api/imagegroup/{group['id']}.json", headers=as_role("guest")).status_code == 403
    assert cy.get(f"/api/project/{project['id']}/imagegroup.json", headers=as_role("user")).json()["size"] == 1
