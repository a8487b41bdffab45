"""The default Cytomine world served in this process (drift at hand), furnished with one of each thing the seeded
world lacks (a tag, a property, a track …), and contract runs against it with the admin's token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver import Settings
from tests.contract.served import ContractRun, ServedMock, run_contract, served

PROJECT_CLASS = "be.cytomine.domain.project.Project"


def furnish(client: httpx.Client) -> None:
    """As a user of the deployment would: a tag on the project, a property, a description and an attached file of
    it, a track holding an annotation, an image group with an image, an annotation group with a link, a filter."""

    def post(path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = client.post(path, json=body, **kwargs) if "files" not in kwargs else client.post(path, **kwargs)
        assert response.status_code == 200, (path, response.text)
        made = response.json()
        return next((v for v in made.values() if isinstance(v, dict) and "id" in v), made)

    project = client.get("/api/project.json", params={"max": 1}).json()["collection"][0]
    image = client.get(f"/api/project/{project['id']}/imageinstance.json", params={"max": 1}).json()["collection"][0]
    annotation = client.get("/api/annotation.json", params={"image": image["id"], "max": 1}).json()["collection"][0]
    domain = f"/api/domain/{PROJECT_CLASS}/{project['id']}"
    tag = post("/api/tag.json", {"name": "contract"})
    post(f"{domain}/tag_domain_association.json", {"tag": tag["id"]})
    post(f"{domain}/property.json", {"key": "stain", "value": "H&E"})
    post(f"{domain}/description.json", {"data": "<p>Biopsies</p>"})
    post("/api/attachedfile.json", params={"domainClassName": PROJECT_CLASS, "domainIdent": project["id"],
                                          "filename": "notes.txt"}, files={"files[]": ("notes.txt", b"notes")})
    track = post("/api/track.json", {"name": "contract", "image": image["id"]})
    post(f"/api/annotationtrack/{annotation['id']}/{track['id']}.json")
    group = post("/api/imagegroup.json", {"name": "contract", "project": project["id"]})
    post(f"/api/imagegroup/{group['id']}/imageinstance/{image['id']}.json")
    annotation_group = post("/api/annotationgroup.json", {"imageGroup": group["id"]})
    post("/api/annotationlink.json", {"group": annotation_group["id"], "annotationIdent": annotation["id"]})
    post("/api/annotationfilter.json", {"name": "contract", "project": project["id"], "users": [], "terms": []})


@pytest.fixture(scope="module")
def served_mock() -> Iterator[ServedMock]:
    with served(Settings(api="cytomine", recipe="default")) as mock:
        with httpx.Client(base_url=mock.url, headers={"Authorization": admin_token(mock)}) as client:
            furnish(client)
        yield mock


def admin_token(mock: ServedMock) -> str:
    return str(mock.app.backend.world.token("admin"))


@pytest.fixture
def contract(served_mock: ServedMock, tmp_path: Path) -> Callable[..., ContractRun]:
    """``contract(version, *options)`` runs ``mockserver contract --api cytomine`` as the admin against the mock."""

    def run(version: str, *options: str) -> ContractRun:
        return run_contract(served_mock.url, tmp_path / f"report-{version}", "--api", "cytomine",
                            "--api-version", version, *options, env={"MOCKSERVER_TOKEN": admin_token(served_mock)})

    return run
