"""Cross-worker consistency: a write through one connection, then reads on fresh connections (which
the kernel spreads over the workers) must all see it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from benchmarks.performance.scenarios import Targets


def fresh(method: str, url: str, headers: Mapping[str, str], **kwargs: Any) -> httpx.Response:
    """One request on a new TCP connection (closed afterwards)."""
    return httpx.request(method, url, headers={**headers, "Connection": "close"}, timeout=30, **kwargs)


def cross_worker_reads(base_url: str, headers: Mapping[str, str], targets: Targets, rounds: int = 10,
                       reads: int = 10) -> dict[str, Any]:
    """Rename one explorational ``rounds`` times; after each rename, ``reads`` fresh reads of its info."""
    api = base_url + "/api/v5"
    created = fresh("POST", f"{api}/datasets/{targets.organization}/{targets.dataset}/createExplorational",
                    headers, json=[{"typ": "Skeleton"}])
    annotation = created.raise_for_status().json()["id"]
    stale = failed = 0
    for index in range(rounds):
        name = f"bench-{index}"
        fresh("PATCH", f"{api}/annotations/Explorational/{annotation}/edit", headers,
              json={"name": name}).raise_for_status()
        for _ in range(reads):
            answer = fresh("GET", f"{api}/annotations/Explorational/{annotation}/info?timestamp=0", headers)
            if answer.status_code != 200:
                failed += 1
            elif answer.json().get("name") != name:
                stale += 1
    return {"writes": rounds, "reads": rounds * reads, "stale_reads": stale, "failed_reads": failed,
            "consistent": stale == 0 and failed == 0}
