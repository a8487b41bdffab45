"""The issue's targets and the headline ratios, computed from a run's results (a plain dict)."""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Callable
from typing import Any

from benchmarks.performance import growth

JSON = dict[str, Any]
OURS = ("mock", "mock (validation on)")
"""(scenario, server) of the headline number: the mock with response validation on (the default)."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    value: str
    met: bool | None
    """None: not measured in this run."""
    number: float | None = None
    """The measured number the verdict judges (what the ranges over several runs are made of)."""
    unit: str = ""


NOT_MEASURED = Verdict("not measured", None)


def row(results: JSON, scenario: str, server: str | None, load: str) -> JSON | None:
    for candidate in results["scenarios"].get(scenario, {}).get("rows", []):
        if (server is None or candidate["server"] == server) and candidate["load"] == load:
            return dict(candidate)
    return None


def users_rate(results: JSON, scenario: str, server: str | None = None) -> float | None:
    found = row(results, scenario, server, "users")  # Prism: its "users" row is the whole v5 document
    return found["requests_per_s"] if found else None


MODES = ("validation on", "validation off", "no fast path", "uncached")
"""The mock's users-list rows (``mock (<mode>)``) the ratios are made of."""
THEIRS = (("Connexion floor", "floor"), ("Prism", "prism"), ("WireMock", "wiremock"), ("Mockoon", "mockoon"),
          ("Starlette", "starlette"))


def ratios(results: JSON) -> dict[str, float | None]:
    """ours / X for the users list, X = Connexion floor, Prism, WireMock, Mockoon, Starlette, for each mode of ours
    (validation on and off, without the fast path, uncached)."""
    out: dict[str, float | None] = {}
    for mode in MODES:
        ours = users_rate(results, "mock", f"mock ({mode})")
        for name, scenario in THEIRS:
            theirs = users_rate(results, scenario)
            out[f"ours ({mode}) / {name}"] = round(ours / theirs, 3) if ours and theirs else None
    return out


def _ratio_at_least(name: str, minimum: float, mode: str = "validation on") -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = ratios(results)[f"ours ({mode}) / {name}"]
        return NOT_MEASURED if value is None else Verdict(f"{value:.2f}x", value >= minimum, value, "x")
    return check


def _users_p99(limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        found = row(results, *OURS, "users")
        if found is None or found["p99_ms"] is None:
            return NOT_MEASURED
        return Verdict(f"{found['p99_ms']} ms", found["p99_ms"] <= limit, found["p99_ms"], "ms")
    return check


WRITE_RATE = 1500
"""req/s of the write mix at 20 connections (validation on)."""


def _writes(results: JSON) -> Verdict:
    found = row(results, *OURS, "write mix")
    if found is None:
        return Verdict("not measured", None)
    bad = found["non_2xx"] + found["errors"]
    return Verdict(f"{found['requests_per_s']:,.0f} req/s, {bad} errors",
                   found["requests_per_s"] >= WRITE_RATE and bad == 0, found["requests_per_s"], "req/s")


def _fact(scenario: str, key: str, limit: float, unit: str) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = results["scenarios"].get(scenario, {}).get("facts", {}).get(key)
        return NOT_MEASURED if value is None else Verdict(f"{value} {unit}", value <= limit, value, unit)
    return check


def _large_p50(load: str, limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        found = row(results, "large", None, load)
        return _p50(found, limit)
    return check


def _p50(found: JSON | None, limit: float) -> Verdict:
    if found is None or found.get("p50_ms") is None:
        return NOT_MEASURED
    return Verdict(f"{found['p50_ms']} ms", found["p50_ms"] <= limit, found["p50_ms"], "ms")


def _pack_rate(pack: str, load: str, minimum: float) -> Callable[[JSON], Verdict]:
    """The ``packs`` scenario's row of ``pack`` and ``load``: at least ``minimum`` req/s, no non-2xx, no socket
    errors."""
    def check(results: JSON) -> Verdict:
        if pack == "webknossos":  # its list and write are the ``mock`` scenario's
            found = row(results, *OURS, WEBKNOSSOS_LOADS[load])
        else:
            found = next((r for r in results["scenarios"].get("packs", {}).get("rows", [])
                          if r["server"].split(" ")[0] == pack and r["load"] == load), None)
        if found is None:
            return NOT_MEASURED
        bad = found["non_2xx"] + found["errors"]
        return Verdict(f"{found['requests_per_s']:,.0f} req/s (p50 {found['p50_ms']} ms), {bad} errors",
                       found["requests_per_s"] >= minimum and bad == 0, found["requests_per_s"], "req/s")
    return check


WEBKNOSSOS_LOADS = {"list": "project tasks (1000)", "write": "write mix"}
PACK_LISTS = {"webknossos": "GET /api/v5/projects/{id}/tasks?limit=1000 (`mock` scenario)",
              "labelstudio": "GET /api/tasks (page of 100)", "cytomine": "GET /api/annotation.json?image= (WKT)",
              "idah": "GET /entries?included[]=dataset (page of 100)"}
PACK_WRITES = {"webknossos": "the write mix (`mock` scenario)", "labelstudio": "POST /api/project/import (one task)",
               "cytomine": "POST /api/annotation.json (a polygon)", "idah": "POST /entries"}
PACK_LIST_RATE, PACK_WRITE_RATE = 500, 200
"""req/s at 20 connections of each pack's main list and main write (default recipe)."""


def _large_row(results: JSON, pack: str) -> JSON | None:
    found = next((r for r in results["scenarios"].get("packs-large", {}).get("rows", [])
                  if r["server"].split(" ")[0] == pack), None)
    if found is None and pack == "webknossos":  # the ``large`` scenario measures the same page
        found = row(results, "large", None, "project tasks (1000), 1 connection")
    return found


def _large_fact(results: JSON, pack: str, key: str) -> Any:
    value = results["scenarios"].get("packs-large", {}).get("facts", {}).get(pack, {}).get(key)
    if value is None and pack == "webknossos":
        value = results["scenarios"].get("large", {}).get("facts", {}).get(key)
    return value


def _pack_large_page(pack: str, limit: float) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        return _p50(_large_row(results, pack), limit)
    return check


def _pack_large_fact(pack: str, key: str, limit: float, unit: str) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = _large_fact(results, pack, key)
        return NOT_MEASURED if value is None else Verdict(f"{value} {unit}", value <= limit, value, unit)
    return check


LARGE_RECORDS = 100_000
LARGE_PACKS = {"webknossos": "tasks", "labelstudio": "tasks", "cytomine": "annotations", "idah": "entries"}
"""Each pack's main record, of which its ``large`` recipe must have at least ``LARGE_RECORDS``."""


def _pack_large_size(pack: str) -> Callable[[JSON], Verdict]:
    def check(results: JSON) -> Verdict:
        value = _large_fact(results, pack, "main_records")
        if value is None and pack == "webknossos":
            value = results["scenarios"].get("large", {}).get("facts", {}).get("world", {}).get("tasks")
        if value is None:
            return NOT_MEASURED
        return Verdict(f"{value:,} {LARGE_PACKS[pack]}", value >= LARGE_RECORDS, value, LARGE_PACKS[pack])
    return check


def _pack_targets() -> dict[str, tuple[str, Callable[[JSON], Verdict]]]:
    targets: dict[str, tuple[str, Callable[[JSON], Verdict]]] = {}
    for pack, request in PACK_LISTS.items():
        targets[f"{pack}_list"] = (f"{pack}: {request} >= {PACK_LIST_RATE} req/s, no errors",
                                   _pack_rate(pack, "list", PACK_LIST_RATE))
        targets[f"{pack}_write"] = (f"{pack}: {PACK_WRITES[pack]} >= {PACK_WRITE_RATE} req/s, no errors",
                                    _pack_rate(pack, "write", PACK_WRITE_RATE))
    for pack, record in LARGE_PACKS.items():
        targets[f"{pack}_large_size"] = (f"{pack} `large` has >= {LARGE_RECORDS:,} {record}", _pack_large_size(pack))
        targets[f"{pack}_large_build"] = (f"{pack} `large` built (start-up to first 200) <= 10 s",
                                          _pack_large_fact(pack, "startup_s", 10, "s"))
        targets[f"{pack}_large_rss"] = (f"{pack} `large` RSS after build <= 500 MiB",
                                        _pack_large_fact(pack, "rss_after_build_mib", 500, "MiB"))
        targets[f"{pack}_large_paged"] = (f"{pack} `large`: page of 1,000 p50 <= 10 ms (uncached, one client)",
                                          _pack_large_page(pack, 10))
    return targets


def _workers_scale(results: JSON) -> Verdict:
    one, two = users_rate(results, "workers", "mock (1 worker)"), users_rate(results, "workers", "mock (2 workers)")
    if one is None or two is None:
        return NOT_MEASURED
    return Verdict(f"{one:,.0f} → {two:,.0f} req/s", two > one, round(two / one, 3) if one else None, "x")


def _workers_consistent(results: JSON) -> Verdict:
    facts = results["scenarios"].get("workers", {}).get("facts", {})
    checks = [fact for fact in facts.values() if isinstance(fact, dict) and "stale_reads" in fact]
    if not checks:
        return NOT_MEASURED
    stale = sum(fact["stale_reads"] + fact["failed_reads"] for fact in checks)
    return Verdict(f"{stale} stale or failed reads", stale == 0, stale, "reads")


def _growth_flat(pack: str, op: str) -> Callable[[JSON], Verdict]:
    """p50 at the largest size / p50 at the smallest of ``pack``'s ``op`` in the ``growth`` scenario."""
    def check(results: JSON) -> Verdict:
        p50s = growth.p50_table(results["scenarios"].get("growth", {}).get("rows", [])).get(pack, {}).get(op, {})
        factor = growth.growth_factor(p50s)
        if factor is None:
            return NOT_MEASURED
        sizes = f"{p50s[min(p50s)]} → {p50s[max(p50s)]} ms"
        return Verdict(f"{factor:.2f}x ({sizes})", factor <= growth.FLAT_FACTOR, factor, "x")
    return check


def _growth_targets() -> dict[str, tuple[str, Callable[[JSON], Verdict]]]:
    smallest, largest = growth.SIZES[0], growth.SIZES[-1]
    what = {"list": "page of 100", "write": "one write"}
    return {f"growth_{pack}_{op}": (f"{pack} growth flat: {what[op]} p50 at {largest:,} {record} <= "
                                    f"{growth.FLAT_FACTOR:g}x the p50 at {smallest:,} (uncached, one client)",
                                    _growth_flat(pack, op))
            for pack, record in growth.MAIN_RECORD.items() for op in growth.OPS}


TARGETS: dict[str, tuple[str, Callable[[JSON], Verdict]]] = {
    "users_vs_starlette": ("GET /users (validation on, repeated: the fast path) >= 0.5x bare Starlette",
                           _ratio_at_least("Starlette", 0.5)),
    "users_p99_fast": ("GET /users (validation on, repeated: the fast path) p99 <= 5 ms at 20 connections",
                       _users_p99(5)),
    "users_uncached_vs_floor": ("GET /users not from the fast path (`--no-fast-path`: routing, security, parameter "
                                "and response validation each time; validation on) >= 1.0x the Connexion floor",
                                _ratio_at_least("Connexion floor", 1.0, "no fast path")),
    "writes": (f"write mix >= {WRITE_RATE:,} req/s, no errors", _writes),
    "users_vs_wiremock": ("GET /users (validation on) >= 1.5x WireMock", _ratio_at_least("WireMock", 1.5)),
    "users_vs_prism": ("GET /users (validation on) >= 2x Prism", _ratio_at_least("Prism", 2.0)),
    **_pack_targets(),
    "large_list": ("webknossos `large`: POST /tasks/list with filters p50 <= 20 ms (uncached, one client)",
                   _large_p50("tasks/list (filter), 1 connection", 20)),
    "all_packs_startup": ("`serve --api all` to the first 200 on every pack <= 3 s (median)",
                          _fact("all-packs", "median_s", 3, "s")),
    **_growth_targets(),
    "startup": ("startup to first 200 <= 1.5 s (median, default recipe)", _fact("startup", "median_s", 1.5, "s")),
    "workers_scale": ("`--workers 2` serves more than `--workers 1`", _workers_scale),
    "workers_consistent": ("a write is seen by the next read on another worker", _workers_consistent),
}


def evaluate(results: JSON) -> list[JSON]:
    return [{"target": key, "description": description, **dataclasses.asdict(check(results))}
            for key, (description, check) in TARGETS.items()]


RULE = ("With several runs a target counts as met only if it was measured and met in every run; each number is "
        "the median over the runs with its min–max range.")


def spread(numbers: list[float | None]) -> JSON:
    """min, median and max of the measured ``numbers`` (None: not measured in that run), and every run's."""
    measured = [number for number in numbers if number is not None]
    if not measured:
        return {"min": None, "median": None, "max": None, "per_run": numbers, "measured": 0}
    return {"min": min(measured), "median": round(statistics.median(measured), 3), "max": max(measured),
            "per_run": numbers, "measured": len(measured)}


def combined_verdict(verdicts: list[bool | None]) -> bool | None:
    """``RULE``: None if no run measured it; True only if every run measured and met it."""
    if all(met is None for met in verdicts):
        return None
    return all(met is True for met in verdicts)


def evaluate_runs(runs: list[JSON]) -> list[JSON]:
    """Each target over several runs (each a results dict with ``scenarios``): its number's spread, how many runs
    met it, and the combined verdict (``RULE``)."""
    per_run = [{v["target"]: v for v in evaluate(run)} for run in runs]
    out = []
    for key, (description, _check) in TARGETS.items():
        verdicts = [run[key] for run in per_run]
        numbers = spread([verdict["number"] for verdict in verdicts])
        unit = next((verdict["unit"] for verdict in verdicts if verdict["unit"]), "")
        out.append({"target": key, "description": description, "unit": unit, **numbers,
                    "values": [verdict["value"] for verdict in verdicts],
                    "runs_met": sum(verdict["met"] is True for verdict in verdicts), "runs": len(runs),
                    "met": combined_verdict([verdict["met"] for verdict in verdicts])})
    return out


def ratios_runs(runs: list[JSON]) -> dict[str, JSON]:
    """Each headline ratio's spread over the runs."""
    each = [ratios(run) for run in runs]
    return {name: spread([ratio[name] for ratio in each]) for name in each[0]} if each else {}
