"""Behavioural diff: replay fixed requests against two versions of a live server and explain the
differences with the structural changes (or flag them as unexplained).

A replay (``fixtures/<pack>/replays/*.yaml``, ``mockserver.compare.Plan``) is a fixed list of request steps, run by
the compare engine (``mockserver.compare.run``): each step against version A, then version B, so both see the same
world; each version gets the first request variant its spec accepts. Compared per step, by shape only: the chosen
variant, the status, the response headers (names, media type) and the shape of the JSON body (keys, value types,
empty or not), never the values themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import httpx

from mockserver.compare import Aspect, Comparer, Difference, Normaliser, Plan, Step, Variant, run
from mockserver.compare import Side as CompareSide
from mockserver.compare.answers import shape
from mockserver.compare.engine import Explainer
from mockserver.compare.operations import PARAMETER, Operation, base_path
from mockserver.compare.source import json_path
from mockserver.pack import CompareProfile
from mockserver.specdiff.model import BehaviourReport, Change, Kind, Section, Severity

Replay = Plan
"""A replay: ``Replay.load(pack, name_or_path)``."""

__all__ = ["Replay", "Side", "Step", "Variant", "explain", "explainer", "json_path", "replay", "shape"]


class Side:
    """One version of the server as a replay sees it (a ``mockserver.compare.Side`` at its spec's base path)."""

    @staticmethod
    def from_document(label: str, document: Mapping[str, Any]) -> CompareSide:
        return CompareSide(label, "", base_path(document), document)


def replay(
    plan: Plan,
    client: httpx.Client,
    old: CompareSide,
    new: CompareSide,
    changes: Sequence[Change],
    token: str | None = None,
    auth_header: str = "Authorization",
) -> BehaviourReport:
    """Run every step against ``old`` then ``new`` (``token`` in ``auth_header``) and compare what they answered."""
    credentials = {auth_header: token} if token else {}
    a = dataclasses.replace(old, headers={**old.headers, **credentials})
    b = dataclasses.replace(new, headers={**new.headers, **credentials})
    report = run(plan, client, a, b, Comparer(Normaliser(CompareProfile()), values=False), explainer(changes))
    differences = tuple(_as_diff_names(d) for d in report.differences)
    return BehaviourReport(plan.name, old.base_path, new.base_path, report.exchanges, differences)


def _as_diff_names(difference: Difference) -> Difference:
    """A compare difference as a diff names it: the media type is the ``content-type`` header, the sides are
    versions."""
    if difference.aspect is Aspect.MEDIA_TYPE:
        difference = dataclasses.replace(difference, aspect=Aspect.HEADER, location="content-type")
    return dataclasses.replace(difference, note=difference.note.replace("other side's", "other version's"))


def explainer(changes: Sequence[Change]) -> Explainer:
    """The compare engine's explainer of ``changes``: the changes of the exchange's operations that account for a
    difference."""

    def explained(seen: Aspect, location: str, a: Operation | None, b: Operation | None,
                  statuses: set[str]) -> tuple[tuple[str, ...], str]:
        if seen is Aspect.MEDIA_TYPE:  # explained as the content-type header
            seen, location = Aspect.HEADER, "content-type"
        found = explain(seen, location, _relevant(changes, a, b), statuses)
        text = "explained by " + ", ".join(sorted({c.kind.value for c in found})) if found else ""
        return tuple(c.id for c in found), text

    return explained


# --- explanations --------------------------------------------------------------------------------


def _shape(label: str) -> str:
    method, _, path = label.partition(" ")
    return f"{method} {PARAMETER.sub('{}', path)}"


def _relevant(changes: Sequence[Change], *ops: Operation | None) -> list[Change]:
    keys = {_shape(op.label) for op in ops if op is not None}
    return [change for change in changes if _shape(change.operation) in keys]


def explain(aspect: Aspect, location: str, changes: Sequence[Change], statuses: set[str]) -> list[Change]:
    """The changes that account for a difference in ``aspect`` at ``location``."""
    return [change for change in changes if EXPLAINERS[aspect](change, location, statuses)]


def _request_side(change: Change) -> bool:
    return change.location.section.request_side and change.severity is not Severity.INFO


def _explains_status(change: Change, location: str, statuses: set[str]) -> bool:
    if change.kind in {Kind.RESPONSE_STATUS_ADDED, Kind.RESPONSE_STATUS_REMOVED}:
        return change.location.status in statuses
    return _request_side(change)


def _explains_header(change: Change, location: str, statuses: set[str]) -> bool:
    if location == "content-type":
        return change.kind in {Kind.MEDIA_TYPE_ADDED, Kind.MEDIA_TYPE_REMOVED} and change.location.status in statuses
    header = (change.location.parameter or "").lower()
    return change.location.section is Section.RESPONSE_HEADER and header == location


def _explains_body(change: Change, location: str, statuses: set[str]) -> bool:
    if change.location.section is not Section.RESPONSE or change.location.status not in statuses:
        return _request_side(change) and location == "$"
    paths = {change.location.json_path or "$", change.renamed_from or ""} - {""}
    return any(_related(path, location) for path in paths)


def _related(a: str, b: str) -> bool:
    return a == b or b.startswith((f"{a}.", f"{a}[")) or a.startswith((f"{b}.", f"{b}["))


EXPLAINERS: dict[Aspect, Callable[[Change, str, set[str]], bool]] = {
    Aspect.REQUEST: lambda change, location, statuses: change.location.section in {Section.PARAMETER,
                                                                                    Section.REQUEST_BODY},
    Aspect.STATUS: _explains_status,
    Aspect.HEADER: _explains_header,
    Aspect.BODY: _explains_body,
}
"""Per aspect of a difference: does a change explain it?"""
