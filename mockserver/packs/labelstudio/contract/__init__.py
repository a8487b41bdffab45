"""``mockserver contract --api labelstudio``: what a run may send, and the Label Studio domain checks.

Read-only by default. With ``--allow-writes`` a run imports tasks of its own (``new_task_ids`` tell them apart
from the user's), completes, edits and deletes only those, and deletes them at the end; nothing else of the one
project a 0.8 server has is written (its config, storages, ML backend, every task or completion at once). The
import bodies fit the project's labeling config (``LabelStudioFacts``). The domain checks read the project's
counters, the task list, single tasks, ``next`` and the JSON export, and hold them against each other; after an
import of the run's own, one check follows the tasks round (``checks``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from mockserver.contract.guard import Guard
from mockserver.contract.policy import Created, Policy
from mockserver.contract.profile import ContractProfile, Discovery

IMPORT = "/api/project/import"
TASK = "/api/tasks/{task_id}"
POLICIES = {
    ("POST", IMPORT): Policy.CREATE,
    ("DELETE", TASK): Policy.ON_CREATED,
    ("POST", f"{TASK}/cancel"): Policy.ON_CREATED,
    ("POST", f"{TASK}/completions"): Policy.ON_CREATED,
    ("DELETE", f"{TASK}/completions"): Policy.ON_CREATED,
    ("PATCH", f"{TASK}/completions/{{completion_id}}"): Policy.ON_CREATED,
    ("DELETE", f"{TASK}/completions/{{completion_id}}"): Policy.ON_CREATED,
}
"""The writes a run with ``--allow-writes`` sends: imports, and changes of the tasks they made."""


def created_by(path: str, body: Any) -> list[Created]:
    """The tasks an import made (``new_task_ids``)."""
    new = body.get("new_task_ids") if isinstance(body, dict) and path == IMPORT else None
    return [Created("api/tasks", str(task_id)) for task_id in new or [] if isinstance(task_id, int)]


COMPLETION_WRITES = frozenset({f"{TASK}/completions", f"{TASK}/completions/{{completion_id}}"})


class LabelStudioFacts:
    """The data keys of the project's labeling config: a positive import case sends one task that fits them (and
    no completions). A completion a run saves is always ``{"lead_time": 1.0, "result": []}``: the real server
    accepts one without ``result`` and then fails every later change of the project with ``KeyError('result')``,
    saves integers beyond 64 bits and then cannot read the task back (ujson's ``Value is too small``), and other
    results could break the user's exports while the run's tasks exist."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def parameters(self) -> dict[str, str]:
        return {}

    def fixup(self, case: Any) -> None:
        if case.method.upper() == "POST" and case.path == IMPORT and self.keys:
            case.body = [{key: f"https://example.org/contract-run/{key}.jpg" for key in self.keys}]
            case.media_type = "application/json"
        elif (case.method.upper() in ("POST", "PATCH") and case.path in COMPLETION_WRITES
              and isinstance(case.body, dict)):
            case.body = {"lead_time": 1.0, "result": []}


def discover(client: httpx.Client, guard: Guard, writes: bool) -> Discovery:
    """``GET /api/project``'s ``data_types`` (only a run that may import needs them)."""
    if not writes:
        return LabelStudioFacts([])
    guard.admit("GET", "/api/project", {})
    try:
        response = client.get("/api/project")
        project = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        project = None
    types = project.get("data_types") if isinstance(project, dict) else None
    return LabelStudioFacts(sorted(types) if isinstance(types, dict) else [])


def deployment_version(client: httpx.Client) -> str | None:
    """What ``GET /version`` says the backend is (``label-studio-backend``), or None."""
    try:
        response = client.get("/version", timeout=10)
        body = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    version = body.get("label-studio-backend") if isinstance(body, dict) else None
    return version if isinstance(version, str) else None


SEMANTIC_4XX = {
    "GET /api/tasks": "`page` and `page_size` are strings read with int(): a number below 1 is the documented 422 "
                      "`Incorrect page or page_size`, which no schema of a string can rule out",
}
"""Operations whose documented 4xx answers inputs the spec's schemas accept (not a rejection of valid data)."""


def profile(operation_config: Callable[[str], Mapping[str, Any]], excused: Mapping[str, str]) -> ContractProfile:
    """``excused``: operations no read-only run can get a 2xx from (the pack's ``EXCUSED``, with the reasons)."""
    from mockserver.packs.labelstudio.contract.checks import DOMAIN_CHECKS

    def settings(label: str) -> Mapping[str, Any]:
        config = dict(operation_config(label))
        if label in {f"{method} {path}" for method in ("POST", "PATCH") for path in COMPLETION_WRITES}:
            config["generation"] = {"mode": "positive"}  # the completion fixup applies to positive cases only
        if "{task_id}" in label:  # a deleted task's id is the next import's (max + 1); a PATCH of a deleted
            # completion creates it again: neither is a deleted resource still available
            config["checks"] = {**config.get("checks", {}), "use_after_free": {"enabled": False}}
        if label in SEMANTIC_4XX:
            config["checks"] = {**config.get("checks", {}), "positive_data_acceptance": {"enabled": False}}
        return config

    return ContractProfile(policies=POLICIES, target_parameters=("task_id",), created_by=created_by,
                           discover=discover, operation_config=settings, checks=DOMAIN_CHECKS,
                           deployment_version=deployment_version, excused=excused)
