"""``mockserver contract --api labelstudio``: what a run may send, and the Label Studio domain checks.

Read-only for now: every write is ``NEVER`` (an import, a completion or a delete changes the one project a
real 0.8 server has, and nothing of a run's own could be told apart from the user's tasks). The domain
checks read the project's counters, the task list, single tasks, ``next`` and the JSON export, and hold them
against each other (``checks``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from mockserver.contract.profile import ContractProfile


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
        if label in SEMANTIC_4XX:
            config["checks"] = {**config.get("checks", {}), "positive_data_acceptance": {"enabled": False}}
        return config

    return ContractProfile(policies={}, operation_config=settings, checks=DOMAIN_CHECKS,
                           deployment_version=deployment_version, excused=excused)
