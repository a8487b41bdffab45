"""The IDAH contract profile: read-only by default, real ids discovered before the run, domain checks.

``GET /entries/{id}/select`` changes the entry (a pending one is assigned to the caller), so no run sends it.
With ``--allow-writes`` a run creates projects and label-config templates of its own (an organisation owner's
or an admin's token), changes and deletes only those, and deletes them at the end. Datasets, entries and notes
are never written: once an entry is in progress or completed the service refuses to delete it, its dataset
and its project, so a run could not clean up after itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.contract.policy import Created, Policy
from mockserver.contract.profile import ContractProfile
from mockserver.contract.settings import POSITIVE_STATUSES
from mockserver.packs.idah.contract import checks
from mockserver.packs.idah.contract.discovery import discover

SELECT = "GET /entries/{id}/select"
EXCUSED = {SELECT: "a GET that assigns a pending entry to the caller: never sent by a contract run"}


OWN = ("projects", "label_config_templates")
"""What a run with writes creates, changes and deletes (its own records only)."""
POLICIES = {
    **{("POST", f"/{kind}"): Policy.CREATE for kind in OWN},
    **{(method, f"/{kind}/{{resource_id}}"): Policy.ON_CREATED for kind in OWN for method in ("PATCH", "DELETE")},
}


def created_by(path: str, body: Any) -> list[Created]:
    """(path template, 2xx body of a create) → the record it made."""
    data = body.get("data") if isinstance(body, dict) else None
    kind = path.strip("/")
    if kind in OWN and isinstance(data, dict) and "id" in data:
        return [Created(kind, str(data["id"]))]
    return []


BIG_NUMBERS = frozenset(f"{method} /{kind}" + ("/{resource_id}" if method == "PATCH" else "")
                        for kind in OWN for method in ("POST", "PATCH"))
"""Writes whose JSON attributes may hold integers beyond 64 bits: the mock's store refuses them with 400 (the
service's jsonb keeps them); schema-valid cases with such numbers are no finding."""


def operation_config(label: str) -> Mapping[str, Any]:
    """schemathesis settings of one operation (``"METHOD /path"``)."""
    if label == SELECT:
        return {"enabled": False}
    if label in BIG_NUMBERS:
        return {"checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}}}
    return {}


def contract_profile() -> ContractProfile:
    return ContractProfile(policies=POLICIES, whoami="/projects", target_parameters=("resource_id",),
                           created_by=created_by, discover=discover, operation_config=operation_config,
                           excused=EXCUSED, checks=checks.CHECKS,
                           exchange_checks=checks.EXCHANGE_CHECKS)
