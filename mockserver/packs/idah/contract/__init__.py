"""The IDAH contract profile: read-only by default, real ids discovered before the run, domain checks.

``GET /entries/{id}/select`` changes the entry (a pending one is assigned to the caller), so no run sends it;
writes are never sent (a policy table with cleanup is later work: every write here changes shared project
data).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.contract.profile import ContractProfile
from mockserver.packs.idah.contract import checks
from mockserver.packs.idah.contract.discovery import discover

SELECT = "GET /entries/{id}/select"
EXCUSED = {SELECT: "a GET that assigns a pending entry to the caller: never sent by a contract run"}


def operation_config(label: str) -> Mapping[str, Any]:
    """schemathesis settings of one operation (``"METHOD /path"``)."""
    return {"enabled": False} if label == SELECT else {}


def contract_profile() -> ContractProfile:
    return ContractProfile(policies={}, whoami="/projects", discover=discover, operation_config=operation_config,
                           excused=EXCUSED, checks=checks.CHECKS)
