"""Which WEBKNOSSOS writes a contract run may send, and what each creating operation created."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.contract.policy import Created, Policy

POLICIES: Mapping[tuple[str, str], Policy] = {
    ("POST", "/tasks/list"): Policy.READ,
    ("POST", "/userToken/generate"): Policy.READ,  # a short-lived token for the data stores; changes nothing
    ("POST", "/projects"): Policy.CREATE,
    ("POST", "/tasks"): Policy.CREATE,
    ("POST", "/tasks/createFromFiles"): Policy.CREATE,
    ("POST", "/teams"): Policy.CREATE,
    ("POST", "/annotations/upload"): Policy.CREATE,
    ("POST", "/datasets/{organizationName}/{dataSetName}/createExplorational"): Policy.CREATE,
    ("DELETE", "/annotations/{typ}/{id}"): Policy.ON_CREATED,
    ("POST", "/annotations/{typ}/{id}/duplicate"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/edit"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/finish"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/reopen"): Policy.ON_CREATED,
    ("PUT", "/annotations/{typ}/{id}/reset"): Policy.ON_CREATED,
    ("POST", "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}"): Policy.ON_CREATED,
    ("DELETE", "/projects/{id}"): Policy.ON_CREATED,
    ("PUT", "/projects/{id}"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/incrementEachTasksInstances"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/pause"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/resume"): Policy.ON_CREATED,
    ("DELETE", "/projects/{name}"): Policy.ON_CREATED,
    ("PUT", "/projects/{name}"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/incrementEachTasksInstances"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/pause"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/resume"): Policy.ON_CREATED,
    ("DELETE", "/tasks/{id}"): Policy.ON_CREATED,
    ("PUT", "/tasks/{id}"): Policy.ON_CREATED,
    ("POST", "/tasks/{id}/assign"): Policy.ON_CREATED,
    ("DELETE", "/teams/{id}"): Policy.ON_CREATED,
}
"""Write operations that a run with ``--allow-writes`` may send; every other write is ``NEVER``."""


TARGET_PARAMETERS = ("id", "name", "mergedId")
"""Path parameters that name the resource an ``ON_CREATED`` operation changes."""

# Creating operation → kind of what its response body describes.
_CREATED_KIND = {
    "/projects": "projects",
    "/tasks": "tasks",
    "/tasks/createFromFiles": "tasks",
    "/teams": "teams",
    "/annotations/upload": "annotations",
    "/datasets/{organizationName}/{dataSetName}/createExplorational": "annotations",
    "/annotations/{typ}/{id}/duplicate": "annotations",
    "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}": "annotations",
}


def created_by(path: str, body: Any) -> list[Created]:
    """The resources described by the 2xx response ``body`` of the creating operation ``path``."""
    kind = _CREATED_KIND.get(path)
    if kind is None or not isinstance(body, dict):
        return []
    if kind == "tasks":
        items = [item.get("success") for item in body.get("tasks", []) if isinstance(item, dict)]
        return [Created("tasks", str(task["id"])) for task in items if isinstance(task, dict) and "id" in task]
    if path == "/annotations/upload" and isinstance(body.get("annotation"), dict):
        body = body["annotation"]  # only {"annotation": {"typ", "id"}, "messages": [...]}
    if "id" not in body:
        return []
    return [Created(kind, str(body["id"]), name=body.get("name"), typ=body.get("typ"))]



