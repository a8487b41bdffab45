"""The WEBKNOSSOS contract profile: safe writes, discovery and sandbox, domain checks, cleanup."""

from __future__ import annotations

import contextlib
import time
from typing import Any

import httpx

from mockserver.contract.guard import Guard
from mockserver.contract.policy import Created
from mockserver.contract.profile import Cleaned, ContractProfile
from mockserver.packs.webknossos.contract.checks import DOMAIN_CHECKS, EXCHANGE_CHECKS
from mockserver.packs.webknossos.contract.discovery import Discovered, discover, open_sandbox
from mockserver.packs.webknossos.contract.operations import operation_config
from mockserver.packs.webknossos.contract.policies import POLICIES, TARGET_PARAMETERS, created_by
from mockserver.packs.webknossos.versions import ADAPTERS

COPIES = ("/duplicate", "/merge/{mergedTyp}/{mergedId}")
"""Operations that change one annotation and create another (the run owns the copy)."""

EXCUSED = {
    "GET /shortLinks/byKey/{key}": "a short link's key cannot be listed (a run with --allow-writes creates one in "
                                   "its stateful phase)",
}
"""Operations whose data no run can discover."""

CLEANUP_ORDER = {"annotations": 0, "tasks": 1, "projects": 2, "teams": 3}


def profile() -> ContractProfile:
    return ContractProfile(policies=POLICIES, whoami="/user", target_parameters=TARGET_PARAMETERS,
                           created_by=created_by, record=record, discover=discovered, cleanup=cleanup,
                           operation_config=operation_config, excused=EXCUSED, checks=DOMAIN_CHECKS,
                           exchange_checks=EXCHANGE_CHECKS)


def discovered(client: httpx.Client, guard: Guard, allow_writes: bool) -> Discovered:
    """Real values of the deployment, and the run's own sandbox project when writes are allowed."""
    facts = discover(client, guard)
    return Discovered(open_sandbox(client, guard, facts) if allow_writes else facts, guard.sandbox.owns)


def record(guard: Guard, case: Any, response: Any) -> None:
    """Copies of annotations are the run's; so are the annotations of the run's own tasks."""
    parameters = case.path_parameters or {}
    with contextlib.suppress(ValueError):
        if case.path.endswith(COPIES):
            for created in created_by(case.path, response.json()):
                guard.sandbox.add(created)
        elif case.path == "/tasks/{id}/annotations" and guard.sandbox.owns(str(parameters.get("id"))):
            for annotation in response.json():
                guard.sandbox.add(Created("annotations", str(annotation["id"]), typ="Task"))


def cleanup(client: httpx.Client, guard: Guard, version: str) -> Cleaned:
    """Tasks, projects and teams are deleted (a task's annotations go with it). The API cannot delete
    explorational annotations (DELETE leaves them as they are), so they are finished ("archived")."""
    items = sorted(guard.sandbox, key=lambda item: CLEANUP_ORDER.get(item.kind, 9))
    items = [item for item in items if not (item.kind == "annotations" and item.typ == "Task")]
    deleted, archived, left = 0, 0, []
    for item in items:
        guard.limiter.wait()
        try:
            ok = _remove(client, item, version, guard)
        except httpx.HTTPError:
            ok = False
        if not ok:
            left.append(item)
        elif item.kind == "annotations":
            archived += 1
        else:
            deleted += 1
    return Cleaned(deleted, archived, tuple(left))


def _remove(client: httpx.Client, item: Created, version: str, guard: Guard) -> bool:
    if item.kind == "annotations":
        guard.sent["PATCH"] += 1
        response = client.patch(f"/annotations/{item.typ or 'Explorational'}/{item.id}/finish",
                                params={"timestamp": int(time.time() * 1000)})
        return response.status_code < 300 or response.status_code in (400, 404)  # 400: already finished
    guard.sent["DELETE"] += 1
    response = client.delete(_cleanup_path(item, version))
    return response.status_code < 300 or response.status_code == 404  # 404: gone with its project


def _cleanup_path(item: Created, version: str) -> str:
    if item.kind == "projects" and ADAPTERS[version].project_key == "name":  # v1–v3 address projects by name
        return f"/projects/{item.name}"
    return f"/{item.kind}/{item.id}"
