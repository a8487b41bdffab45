"""The issue's targets and the headline ratios, computed from a run's results (a plain dict)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
OURS = ("mock", "mock (validation on)")
"""(scenario, server) of the headline number: the mock with response validation on (the default)."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    value: str
    met: bool | None
    """None: not measured in this run."""


def row(results: JSON, scenario: str, server: str | None, load: str) -> JSON | None:
    for candidate in results["scenarios"].get(scenario, {}).get("rows", []):
        if (server is None or candidate["server"] == server) and candidate["load"] == load:
            return dict(candidate)
    return None


def users_rate(results: JSON, scenario: str, server: str | None = None) -> float | None:
    found = row(results, scenario, server, "users")  # Prism: its "users" row is the whole v5 document
    return found["requests_per_s"] if found else None


def ratios(results: JSON) -> dict[str, float | None]:
    """ours / X for the users list, X = Connexion floor, Prism, Starlette (validation on and off)."""
    out: dict[str, float | None] = {}
    for mode in ("validation on", "validation off", "no fast path"):
        ours = users_rate(results, "mock", f"mock ({mode})")
        for name, scenario in (("Connexion floor", "floor"), ("Prism", "prism"), ("Starlette", "starlette")):
            theirs = users_rate(results, scenario)
            out[f"ours ({mode}) / {name}"] = round(ours / theirs, 3) if ours and theirs else None
    return out


def _ratio_at_least(name: str, minimum: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = ratios(results)[f"ours (validation on) / {name}"]
        return Verdict("not measured", None) if value is None else Verdict(f"{value:.2f}x", value >= minimum)
    return check


def _users_p99(limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        found = row(results, *OURS, "users")
        return Verdict("not measured", None) if found is None else Verdict(f"{found['p99_ms']} ms",
                                                                           found["p99_ms"] <= limit)
    return check


def _writes(results: JSON) -> Verdict:
    found = row(results, *OURS, "write mix")
    if found is None:
        return Verdict("not measured", None)
    bad = found["non_2xx"] + found["errors"]
    return Verdict(f"{found['requests_per_s']:,.0f} req/s, {bad} errors",
                   found["requests_per_s"] >= 1000 and bad == 0)


def _fact(scenario: str, key: str, limit: float, unit: str) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = results["scenarios"].get(scenario, {}).get("facts", {}).get(key)
        return Verdict("not measured", None) if value is None else Verdict(f"{value} {unit}", value <= limit)
    return check


def _large_p50(load: str, limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        found = row(results, "large", None, load)
        return Verdict("not measured", None) if found is None else Verdict(f"{found['p50_ms']} ms",
                                                                           found["p50_ms"] <= limit)
    return check


def _pack_rate(pack: str, load: str, minimum: float) -> Callable[[JSON], Verdict]:
    """The ``packs`` scenario's row of ``pack`` and ``load``: at least ``minimum`` req/s, no non-2xx, no socket
    errors."""
    def check(results: JSON) -> Verdict:
        found = next((r for r in results["scenarios"].get("packs", {}).get("rows", [])
                      if r["server"].split(" ")[0] == pack and r["load"] == load), None)
        if found is None:
            return Verdict("not measured", None)
        bad = found["non_2xx"] + found["errors"]
        return Verdict(f"{found['requests_per_s']:,.0f} req/s (p50 {found['p50_ms']} ms), {bad} errors",
                       found["requests_per_s"] >= minimum and bad == 0)
    return check


PACK_LISTS = {"labelstudio": "GET /api/tasks (page of 100)", "cytomine": "GET /api/annotation.json?image= (WKT)",
              "idah": "GET /entries?included[]=dataset (page of 100)"}
PACK_WRITES = {"labelstudio": "POST /api/project/import (one task)",
               "cytomine": "POST /api/annotation.json (a polygon)", "idah": "POST /entries"}
PACK_LIST_RATE, PACK_WRITE_RATE = 500, 200
"""req/s at 20 connections of each pack's main list and main write (default recipe)."""


def _pack_large_page(pack: str, limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        found = next((r for r in results["scenarios"].get("packs-large", {}).get("rows", [])
                      if r["server"].split(" ")[0] == pack), None)
        return Verdict("not measured", None) if found is None else Verdict(f"{found['p50_ms']} ms",
                                                                           found["p50_ms"] <= limit)
    return check


def _pack_large_fact(pack: str, key: str, limit: float, unit: str) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = results["scenarios"].get("packs-large", {}).get("facts", {}).get(pack, {}).get(key)
        return Verdict("not measured", None) if value is None else Verdict(f"{value} {unit}", value <= limit)
    return check


LARGE_PACKS = {"cytomine": "100,000 annotations", "idah": "100,000 entries"}


def _pack_targets() -> dict[str, tuple[str, Callable[[JSON], Verdict]]]:
    targets: dict[str, tuple[str, Callable[[JSON], Verdict]]] = {}
    for pack, request in PACK_LISTS.items():
        targets[f"{pack}_list"] = (f"{pack}: {request} >= {PACK_LIST_RATE} req/s, no errors",
                                   _pack_rate(pack, "list", PACK_LIST_RATE))
        targets[f"{pack}_write"] = (f"{pack}: {PACK_WRITES[pack]} >= {PACK_WRITE_RATE} req/s, no errors",
                                    _pack_rate(pack, "write", PACK_WRITE_RATE))
    for pack, size in LARGE_PACKS.items():
        targets[f"{pack}_large_build"] = (f"{pack} `large` ({size}) built (start-up to first 200) <= 10 s",
                                          _pack_large_fact(pack, "startup_s", 10, "s"))
        targets[f"{pack}_large_rss"] = (f"{pack} `large` RSS after build <= 500 MiB",
                                        _pack_large_fact(pack, "rss_after_build_mib", 500, "MiB"))
        targets[f"{pack}_large_paged"] = (f"{pack} `large`: page of 1,000 p50 <= 10 ms (uncached, one client)",
                                          _pack_large_page(pack, 10))
    return targets


def _workers_scale(results: JSON) -> Verdict:
    one, two = users_rate(results, "workers", "mock (1 worker)"), users_rate(results, "workers", "mock (2 workers)")
    if one is None or two is None:
        return Verdict("not measured", None)
    return Verdict(f"{one:,.0f} → {two:,.0f} req/s", two > one)


def _workers_consistent(results: JSON) -> Verdict:
    facts = results["scenarios"].get("workers", {}).get("facts", {})
    checks = [fact for fact in facts.values() if isinstance(fact, dict) and "stale_reads" in fact]
    if not checks:
        return Verdict("not measured", None)
    stale = sum(fact["stale_reads"] + fact["failed_reads"] for fact in checks)
    return Verdict(f"{stale} stale or failed reads", stale == 0)


TARGETS: dict[str, tuple[str, Callable[[JSON], Verdict]]] = {
    "users_vs_prism": ("GET /users (validation on) >= 1.0x Prism", _ratio_at_least("Prism", 1.0)),
    "users_vs_floor": ("GET /users (validation on) >= 80 % of the Connexion floor",
                       _ratio_at_least("Connexion floor", 0.8)),
    "users_p99": ("GET /users (validation on) p99 <= 25 ms", _users_p99(25)),
    "users_vs_starlette": ("GET /users (validation on, repeated: the fast path) >= 0.5x bare Starlette",
                           _ratio_at_least("Starlette", 0.5)),
    "users_p99_fast": ("GET /users (validation on, repeated: the fast path) p99 <= 5 ms at 20 connections",
                       _users_p99(5)),
    "writes": ("write mix >= 1,000 req/s, no errors", _writes),
    "startup": ("startup to first 200 <= 1.5 s (median, default recipe)", _fact("startup", "median_s", 1.5, "s")),
    "all_packs_startup": ("`serve --api all` to the first 200 on every pack <= 3 s (median)",
                          _fact("all-packs", "median_s", 3, "s")),
    "large_build": ("`large` world built (start-up to first 200) <= 10 s", _fact("large", "startup_s", 10, "s")),
    "large_rss": ("`large` RSS after build <= 500 MiB", _fact("large", "rss_after_build_mib", 500, "MiB")),
    "large_paged": ("`large`: page of 1,000 tasks p50 <= 10 ms (uncached, one client)",
                    _large_p50("project tasks (1000), 1 connection", 10)),
    "large_list": ("`large`: POST /tasks/list with filters p50 <= 20 ms (uncached, one client)",
                   _large_p50("tasks/list (filter), 1 connection", 20)),
    "workers_scale": ("`--workers 2` serves more than `--workers 1`", _workers_scale),
    "workers_consistent": ("a write is seen by the next read on another worker", _workers_consistent),
    **_pack_targets(),
}


def evaluate(results: JSON) -> list[JSON]:
    return [{"target": key, "description": description, **dataclasses.asdict(check(results))}
            for key, (description, check) in TARGETS.items()]
