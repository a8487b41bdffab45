"""The results of a run as Markdown (``performance.md``) and JSON (``performance.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.performance.targets import evaluate, ratios

JSON = dict[str, Any]
MARK = {True: "met", False: "**not met**", None: "not measured"}
METHOD = [
    "Each server is a subprocess in its own process group on a free 127.0.0.1 port; it counts as ready at the "
    "first 200 on its route (the mock: `GET /api/v5/user` with the admin token of its start-up banner). Every "
    "workload gets an unmeasured warm-up run of wrk first, then the measured run.",
    "All requests carry the admin's `X-Auth-Token` (the admin sees all 50 users). The reference servers answer "
    "with the very bytes the mock sent for `GET /api/v5/users` (checked: `same_bytes`).",
    "Read workloads aim at real ids of the running world: the project with the most tasks (for "
    "`projects/{id}/tasks` and the `tasks/list` filter `{project, taskType}`) and its first task.",
    "The write mix is a chain in wrk's Lua (`benchmarks/performance/lua/write_mix.lua`): `createExplorational` "
    "(v5 body `[{\"typ\":\"Skeleton\"}]`) → `PATCH …/finish?timestamp=0` with the id parsed from the answer, "
    "and `POST /user/tasks/request` → `DELETE /annotations/Task/{id}` (the cancel returns the instance to the "
    "task, so the pool never runs dry). Requests per kind are counted in Lua and listed under the table; a "
    "broken chain shows up as non-2xx.",
]


def write(results: JSON, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    results = {**results, "ratios": ratios(results), "targets": evaluate(results)}
    markdown, data = directory / "performance.md", directory / "performance.json"
    data.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown.write_text(to_markdown(results), encoding="utf-8")
    return markdown, data


def to_markdown(results: JSON) -> str:
    lines = [
        "# Performance: the mock against the Connexion floor, bare Starlette and Stoplight Prism",
        "",
        f"`{results['command']}`, {results['machine']['date']}. **All numbers come from this one run** on one "
        "machine; absolute numbers vary between machines and runs (and with other work on the machine, see the "
        "load average), the ratios much less.",
        "",
        *_machine(results),
        "## How", "", *[f"- {line}" for line in METHOD], "",
        *_ratios(results),
        *_targets(results),
    ]
    for name, scenario in results["scenarios"].items():
        lines += _scenario(name, scenario)
    if results.get("notes"):
        lines += ["## Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    return "\n".join(lines)


def _machine(results: JSON) -> list[str]:
    machine, options = results["machine"], results["options"]
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    return [
        "## Machine and settings",
        "",
        f"- {machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gib']} GiB RAM, {machine['os']}",
        f"- Python {machine['python']}; {packages}",
        f"- uvicorn for every Python server: loop `{machine['uvicorn_loop']}`, HTTP `{machine['uvicorn_http']}`, "
        "1 worker (unless stated), no access log; the mock with `--request-log-limit 0` and `--log-level warning`",
        f"- load: {machine['wrk']}, `{options['wrk']}` on 127.0.0.1, on the same cores as the server; "
        f"{options['warmup_s']} s warm-up before each measured {options['duration_s']} s; node {machine['node']}",
        "- load column: the machine's 1-minute load average right after the measurement (other work on the "
        "machine shows there)",
        "- peak RSS: the server's whole process group (`VmRSS` summed, sampled every 0.1 s during the run)",
        f"- load average: {machine['load_average_at_start']} at start, {machine.get('load_average_at_end', '?')} "
        "at the end",
        "",
    ]


def _ratios(results: JSON) -> list[str]:
    size = results["scenarios"].get("mock", {}).get("facts", {}).get("users_bytes")
    lines = ["## Headline ratios", "",
             f"`GET /api/v5/users`, 50 users{f' ({size:,} bytes)' if size else ''}, requests/s of ours / theirs:",
             "", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {_number(value, '.2f')}{'x' if value is not None else ''} |"
              for name, value in results["ratios"].items()]
    return [*lines, ""]


def _targets(results: JSON) -> list[str]:
    lines = ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t['description']} | {t['value']} | {MARK[t['met']]} |" for t in results["targets"]]
    return [*lines, ""]


RUN_COLUMNS = {"seconds": "seconds to first 200", "rss_mib": "RSS MiB", "all_s": "every pack (s)"}
"""Headings of the start-up runs' columns (others: the key itself, e.g. a pack's name: its seconds to a 200)."""


def _scenario(name: str, scenario: JSON) -> list[str]:
    lines = [f"## {scenario['title']}", "", f"Scenario `{name}`.", ""]
    if scenario.get("skipped"):
        return [*lines, f"Skipped: {scenario['skipped']}.", ""]
    if scenario.get("rows"):
        lines += ["| server | workload | req/s | p50 ms | p99 ms | non-2xx | socket errors | peak RSS MiB | load |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['server']} | {r['load']}: `{r['request']}` | {r['requests_per_s']:,.0f} | "
                  f"{_number(r['p50_ms'], '.2f')} | {_number(r['p99_ms'], '.2f')} | {r['non_2xx']} | {r['errors']} | "
                  f"{r['peak_rss_mib']} | {r.get('load_average', '')} |" for r in scenario["rows"]]
        lines.append("")
        lines += _mix_counts(scenario["rows"])
    if scenario.get("runs"):
        columns = list(scenario["runs"][0])
        lines += ["| " + " | ".join(RUN_COLUMNS.get(column, column) for column in columns) + " |",
                  "|" + "---:|" * len(columns)]
        lines += ["| " + " | ".join(str(r.get(column, "")) for column in columns) + " |" for r in scenario["runs"]]
        lines.append("")
    if scenario.get("facts"):
        lines += [f"- {key}: {_fact(value)}" for key, value in scenario["facts"].items()]
        lines.append("")
    lines += [f"{note}\n" for note in scenario.get("notes", [])]
    return lines


def _mix_counts(rows: list[JSON]) -> list[str]:
    lines = []
    for r in rows:
        counts = r["wrk"].get("extra")
        if counts:
            parts = ", ".join(f"{kind} {n:,}" for kind, n in sorted(counts.items()))
            lines.append(f"- {r['server']}, {r['load']}, requests sent (and answers that failed or had no id "
                         f"to chain): {parts}")
    return [*lines, ""] if lines else []


def _fact(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {_fact(item)}" for key, item in value.items())
    return f"`{value}`" if isinstance(value, str) else str(value)


def _number(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)
