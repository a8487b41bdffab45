"""Domain checks of the IDAH Dataset service (registered with schemathesis for the length of a run).

Each is a plain function ``(ctx, response, case)`` named for the property it asserts: the datasets' roll-up
numbers, the entries' workflow states, and that the caller sees only what their project role allows.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import expect, fail, follow_up, json_of, memo, ok

ASSIGNED_STEPS = frozenset({"annotate", "review"})


def _resources(response: Any, kind: str) -> list[dict[str, Any]]:
    """The primary and included resource objects of type ``kind`` in a 200 JSON:API document."""
    if response.status_code != 200:
        return []
    body = json_of(response)
    if not isinstance(body, dict):
        return []
    data = body.get("data")
    found = [*(data if isinstance(data, list) else [data]), *(body.get("included") or [])]
    return [item for item in found if isinstance(item, dict) and item.get("type") == kind
            and isinstance(item.get("attributes"), dict)]


def dataset_counters_add_up(ctx: Any, response: Any, case: Any) -> bool | None:
    """``progress`` is completed / total (three decimals), the counters fit the total, and ``status`` follows
    them (``completed`` once every entry is completed or errored)."""
    datasets = [d for d in _resources(response, "dataset:datasets")
                if {"progress", "entries_total_count", "entries_completed_count", "status"} <= set(d["attributes"])]
    for dataset in datasets:
        a = dataset["attributes"]
        total, completed = a["entries_total_count"], a["entries_completed_count"]
        in_progress = a.get("entries_in_progress_count", 0)
        if completed + in_progress > total:
            fail(case, f"dataset {dataset['id']}: {completed} completed + {in_progress} in progress > {total} entries")
        if total and abs(a["progress"] - round(completed / total, 3)) > 0.0005:
            fail(case, f"dataset {dataset['id']}: progress {a['progress']} is not {completed}/{total}")
        if total and (a["status"] == "completed") != (completed >= total):
            fail(case, f"dataset {dataset['id']}: status {a['status']!r} with {completed} of {total} completed")
    return True if datasets else None


STATUSES = {"annotate": {"pending", "in_progress"}, "review": {"pending", "in_progress"}, "done": {"completed"},
            "error": {"errored"}, "start": {"processing", "pending", "errored"}}
"""wf_step → the statuses an entry can have there."""


def entry_step_and_status_agree(ctx: Any, response: Any, case: Any) -> bool | None:
    """An entry's status fits its step; at annotate and review it is ``in_progress`` exactly when assigned; a done
    entry has no assignee; a review entry was submitted by someone."""
    entries = [e for e in _resources(response, "dataset:entries")
               if {"wf_step", "status", "assigned_to_id", "submitted_by_id"} <= set(e["attributes"])]
    for entry in entries:
        a = entry["attributes"]
        step, status = a["wf_step"], a["status"]
        if status not in STATUSES.get(step, {status}):
            fail(case, f"entry {entry['id']}: status {status!r} at step {step!r}")
        if step in ASSIGNED_STEPS and (status == "in_progress") != (a["assigned_to_id"] is not None):
            fail(case, f"entry {entry['id']}: {status} at {step} with assignee {a['assigned_to_id']}")
        if step == "done" and a["assigned_to_id"] is not None:
            fail(case, f"entry {entry['id']}: done but still assigned to {a['assigned_to_id']}")
        if step == "review" and a["submitted_by_id"] is None:
            fail(case, f"entry {entry['id']}: under review without a submitter")
    return True if entries else None


def _claims(response: Any) -> dict[str, Any] | None:
    """The claims of the token the request carried (read, not verified: the server did that)."""
    request = getattr(response, "request", None)
    authorization = str(getattr(request, "headers", {}).get("Authorization", ""))
    parts = authorization.removeprefix("Bearer ").split(".")
    if len(parts) != 3:
        return None
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) and isinstance(claims.get("u"), dict) else None


def _roles(case: Any, account: int) -> dict[str, str] | None:
    """Project id → the caller's role in it (enabled memberships), read once per run."""
    def read() -> dict[str, str] | None:
        sent = follow_up(case, "GET", "/project_members",
                         query={"filter[account_id]": str(account), "filter[enabled]": "true"})
        body = expect(case, sent, ok, "the caller's memberships")
        members = body.get("data") if isinstance(body, dict) else None
        if not isinstance(members, list):
            return None
        return {m["attributes"]["project_id"]: m["attributes"]["role"] for m in members
                if isinstance(m, dict) and isinstance(m.get("attributes"), dict)}

    roles: dict[str, str] | None = memo.cached(f"idah-roles-{account}", read)
    return roles


def entries_visible_to_the_caller_only(ctx: Any, response: Any, case: Any) -> bool | None:
    """A listed entry is in a project the caller belongs to (enabled); annotators see only their own entries,
    reviewers theirs and unassigned review entries they did not submit (admins and organisation owners: all)."""
    entries = [e for e in _resources(response, "dataset:entries")
               if {"project_id", "assigned_to_id", "wf_step", "submitted_by_id"} <= set(e["attributes"])]
    claims = _claims(response)
    if not entries or claims is None or claims.get("r") in ("admin", "system", "org_owner"):
        return None
    me = int(claims["u"]["id"])
    roles = _roles(case, me)
    if roles is None:
        return None
    for entry in entries:
        a = entry["attributes"]
        role = roles.get(a["project_id"])
        mine = a["assigned_to_id"] == me
        pullable = a["wf_step"] == "review" and a["assigned_to_id"] is None and a["submitted_by_id"] != me
        allowed = {"project_owner": True, "annotator": mine, "reviewer": mine or pullable}.get(str(role), False)
        if not allowed:
            fail(case, f"entry {entry['id']} is shown to account {me}, whose role in its project is {role}")
    return True


CHECKS: tuple[CheckFunction, ...] = (dataset_counters_add_up, entry_step_and_status_agree,
                                     entries_visible_to_the_caller_only)
EXCHANGE_CHECKS: tuple[CheckFunction, ...] = (entry_step_and_status_agree,)
"""The checks that need only the exchange at hand (``mockserver proxy`` runs them on live traffic)."""
