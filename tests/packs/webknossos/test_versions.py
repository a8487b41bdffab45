"""One world behind every version: writes through one version are visible through all others."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r


def project_with_team_of(app: MockApp, role: str) -> r.Project:
    store = app.backend.store
    user_id = next(u.id for u in app.backend.world.known_users if u.role == role)
    teams = store.scalars("SELECT team_id FROM memberships WHERE user_id = ?", (user_id,))
    return next(p for p in store.select(r.Project, order="id") if p.team_id in teams and not p.paused)


def task_params(app: MockApp, project: r.Project) -> dict[str, Any]:
    store = app.backend.store
    sample = store.select(r.Task, "project_id = ?", (project.id,), limit=1)[0]
    dataset = store.get(r.Dataset, sample.dataset_id)
    return {"taskTypeId": sample.task_type_id, "neededExperience": {"domain": sample.needed_experience_domain,
                                                                     "value": 1},
            "pendingInstances": 2, "projectName": project.name, "dataSet": dataset.name,
            "editPosition": [1, 2, 3], "editRotation": [0, 0, 0], "boundingBox": None, "scriptId": None}


def test_task_created_through_v3_is_listed_through_v5_and_v3(client: TestClient, app: MockApp, auth: Any) -> None:
    project = project_with_team_of(app, "manager")
    result = client.post("/api/v3/tasks", json=[task_params(app, project)], headers=auth("admin")).json()
    task = result["tasks"][0]["success"]
    assert result["tasks"][0]["error"] is None
    v5 = client.get(f"/api/v5/tasks/{task['id']}", headers=auth("admin")).json()
    assert v5["projectId"] == project.id and v5["status"] == {"pending": 2, "active": 0, "finished": 0}
    by_id = client.get(f"/api/v5/projects/{project.id}/tasks", headers=auth("admin")).json()
    by_name = client.get(f"/api/v3/projects/{project.name}/tasks", headers=auth("admin")).json()
    assert task["id"] in {t["id"] for t in by_id} == {t["id"] for t in by_name}
    listed = client.post("/api/v3/tasks/list", json={"project": project.name}, headers=auth("admin")).json()
    assert task["id"] in {t["id"] for t in listed}
    listed_v4 = client.post("/api/v4/tasks/list", json={"project": project.id}, headers=auth("admin")).json()
    assert {t["id"] for t in listed} == {t["id"] for t in listed_v4}


def test_explorational_created_through_v4_reads_in_each_versions_shape(client: TestClient, auth: Any) -> None:
    created = client.post("/api/v4/datasets/sample_organization/l4_sample/createExplorational",
                          json={"typ": "hybrid", "fallbackLayerName": "segmentation"}, headers=auth("user")).json()
    annotation_id = created["id"]
    v5 = client.get(f"/api/v5/annotations/Explorational/{annotation_id}/info?timestamp=1",
                    headers=auth("user")).json()
    assert {layer["typ"] for layer in v5["annotationLayers"]} == {"Skeleton", "Volume"}
    skeleton = next(layer["tracingId"] for layer in v5["annotationLayers"] if layer["typ"] == "Skeleton")
    volume = next(layer["tracingId"] for layer in v5["annotationLayers"] if layer["typ"] == "Volume")
    assert created["tracing"] == {"skeleton": skeleton, "volume": volume}
    v3 = client.get(f"/api/v3/annotations/Explorational/{annotation_id}/info?timestamp=1",
                    headers=auth("user")).json()
    assert v3["tracing"] == created["tracing"] and v3["visibility"] == "Internal"
    v1 = client.get(f"/api/v1/annotations/Explorational/{annotation_id}/info", headers=auth("user")).json()
    assert v1["isPublic"] is False and "visibility" not in v1 and "annotationLayers" not in v1
    typeless = client.get(f"/api/v1/annotations/{annotation_id}/info?timestamp=1", headers=auth("user")).json()
    assert "annotationLayers" in typeless  # routes added in the v5 era answer with v5 shapes everywhere


def test_timestamp_is_required_from_v3_on(client: TestClient, app: MockApp, auth: Any) -> None:
    annotation = app.backend.store.select(r.Annotation, "typ = 'Explorational' AND visibility = 'Public'")[0]
    path = f"annotations/Explorational/{annotation.id}/info"
    for version in ("v3", "v4", "v5"):
        assert client.get(f"/api/{version}/{path}", headers=auth("admin")).status_code == 400
    for version in ("v1", "v2"):
        assert client.get(f"/api/{version}/{path}", headers=auth("admin")).status_code == 200


def test_task_requested_through_v2_and_finished_through_v3_counts_in_v5(client: TestClient, auth: Any) -> None:
    requested = client.post("/api/v2/user/tasks/request", headers=auth("user"))
    assert requested.status_code == 200, requested.text
    annotation = requested.json()
    task_id = annotation["task"]["id"]
    before = client.get(f"/api/v5/tasks/{task_id}", headers=auth("admin")).json()["status"]
    finished = client.patch(f"/api/v3/annotations/Task/{annotation['id']}/finish?timestamp=1", headers=auth("user"))
    assert finished.status_code == 200 and finished.json()["state"] == "Finished"
    assert "tracing" in finished.json()
    after = client.get(f"/api/v5/tasks/{task_id}", headers=auth("admin")).json()["status"]
    assert after == {"pending": before["pending"], "active": before["active"] - 1,
                     "finished": before["finished"] + 1}
