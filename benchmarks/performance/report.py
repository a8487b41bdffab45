"""The results of a run as Markdown (``performance.md``) and JSON (``performance.json``)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from benchmarks.performance import growth, plot
from benchmarks.performance.targets import RULE, combined_verdict, evaluate, evaluate_runs, ratios, ratios_runs

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


def runs_of(results: JSON) -> list[JSON]:
    """The runs of ``results``: its ``runs`` (``--runs N``, N > 1), or the one run it is."""
    return list(results["runs"]) if results.get("runs") else [results]


def write(results: JSON, directory: Path) -> tuple[Path, Path, list[str]]:
    """``performance.json`` (every run's raw results), ``performance.md`` and, when the growth scenario ran and
    matplotlib is installed, ``growth.png``; the paths and the lines to print."""
    directory.mkdir(parents=True, exist_ok=True)
    runs, messages = runs_of(results), []
    several = len(runs) > 1
    results = {**results, "ratios": ratios_runs(runs) if several else ratios(results),
               "targets": evaluate_runs(runs) if several else evaluate(results)}
    tables = plot.growth_tables(runs)
    if tables:
        figure, message = plot.draw(tables, directory)
        results["growth_plot"] = figure.name if figure else None
        results["growth_plot_missing"] = None if figure else message
        messages.append(message)
    markdown, data = directory / "performance.md", directory / "performance.json"
    data.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    markdown.write_text(to_markdown(results), encoding="utf-8")
    return markdown, data, messages


def to_markdown(results: JSON) -> str:
    runs = runs_of(results)
    several = len(runs) > 1
    where = (f"**All numbers come from these {len(runs)} runs** (each scenario once per run, in turn) on one machine; "
             "each is the median over the runs with its min–max range. " + RULE if several else
             "**All numbers come from this one run** on one machine;")
    lines = [
        "# Performance: the mock against the Connexion floor, bare Starlette, Stoplight Prism, WireMock and Mockoon",
        "",
        f"`{results['command']}`, {results['machine']['date']}. {where} absolute numbers vary between machines and "
        "runs (and with other work on the machine, see the load average), the ratios much less.",
        "",
        *_machine(results),
        "## How", "", *[f"- {line}" for line in METHOD], "",
        *(_ratios_runs(results) if several else _ratios(results)),
        *(_targets_runs(results) if several else _targets(results)),
    ]
    names = list(dict.fromkeys(name for run in runs for name in run["scenarios"]))
    for name in names:
        if several:
            lines += _scenario_runs(name, [run["scenarios"][name] for run in runs if name in run["scenarios"]])
        else:
            lines += _scenario(name, results["scenarios"][name])
        if name == "growth":
            lines += _growth(results, runs)
    if results.get("notes"):
        lines += ["## Notes", "", *[f"- {note}" for note in dict.fromkeys(results["notes"])], ""]
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


def _range(spread: JSON, spec: str, unit: str = "") -> str:
    """``median (min–max)`` of a ``targets.spread``; one number when all runs agree; – when never measured."""
    if spread.get("median") is None:
        return "–"
    median = format(spread["median"], spec) + unit
    if spread["min"] == spread["max"]:
        return median
    return f"{median} ({format(spread['min'], spec)}–{format(spread['max'], spec)})"


def _ratios_runs(results: JSON) -> list[str]:
    lines = ["## Headline ratios", "", "`GET /api/v5/users`, requests/s of ours / theirs, median (min–max) over the "
             "runs, then each run's:", "", "| ratio | median (min–max) | per run |", "|---|---:|---|"]
    for name, spread in results["ratios"].items():
        per_run = ", ".join(_number(value, ".2f") for value in spread["per_run"])
        lines.append(f"| {name} | {_range(spread, '.2f', 'x')} | {per_run} |")
    return [*lines, ""]


def _targets_runs(results: JSON) -> list[str]:
    lines = ["## Targets", "", RULE, "", "| target | median (min–max) | runs met | per run | |",
             "|---|---|---:|---|---|"]
    for t in results["targets"]:
        unit = f" {t['unit']}" if t["unit"] and t["unit"] != "x" else t["unit"]
        spec = ".2f" if t["unit"] in ("x", "ms", "s") else ",.0f" if t["unit"] == "req/s" else "g"
        per_run = "; ".join(t["values"])
        lines.append(f"| {t['description']} | {_range(t, spec, unit)} | {t['runs_met']}/{t['runs']} | {per_run} | "
                     f"{MARK[t['met']]} |")
    return [*lines, ""]


def _scenario_runs(name: str, scenarios: list[JSON]) -> list[str]:
    """One scenario over several runs: each row's req/s, p50 and p99 as median (min–max), errors summed; the first
    run's facts and notes (every run's are in ``performance.json``)."""
    first = scenarios[0]
    lines = [f"## {first['title']}", "", f"Scenario `{name}`, {len(scenarios)} runs.", ""]
    skipped = [f"run {index + 1}: {s['skipped']}" for index, s in enumerate(scenarios) if s.get("skipped")]
    if skipped:
        lines += [f"Skipped in {'; '.join(skipped)}.", ""]
    grouped: dict[tuple[str, str], list[JSON]] = {}
    for scenario in scenarios:
        for r in scenario.get("rows", []):
            grouped.setdefault((r["server"], r["load"]), []).append(r)
    if grouped:
        lines += ["| server | workload | req/s | p50 ms | p99 ms | non-2xx | socket errors | peak RSS MiB | runs |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for (server, load), rows in grouped.items():
            cells = [_range(_spread([r[key] for r in rows]), spec)
                     for key, spec in (("requests_per_s", ",.0f"), ("p50_ms", ".2f"), ("p99_ms", ".2f"))]
            peak = max((r["peak_rss_mib"] for r in rows if r.get("peak_rss_mib") is not None), default="")
            lines.append(f"| {server} | {load}: `{rows[0]['request']}` | {' | '.join(cells)} | "
                         f"{sum(r['non_2xx'] for r in rows)} | {sum(r['errors'] for r in rows)} | {peak} | "
                         f"{len(rows)} |")
        lines.append("")
    if first.get("facts"):
        lines += ["Run 1's facts:", ""]
        lines += [f"- {key}: {_fact(value)}" for key, value in first["facts"].items()]
        lines.append("")
    lines += [f"{note}\n" for note in first.get("notes", [])]
    return lines


def _spread(numbers: list[float | None]) -> JSON:
    measured = [n for n in numbers if n is not None]
    if not measured:
        return {"median": None}
    return {"median": statistics.median(measured), "min": min(measured), "max": max(measured)}


def _growth(results: JSON, runs: list[JSON]) -> list[str]:
    """The growth table: per pack and operation the p50 at each size (median (min–max) over the runs), the factor
    largest / smallest and whether growth is flat (``growth.FLAT_FACTOR``; with several runs: in every run)."""
    tables = plot.growth_tables(runs)
    if not tables:
        return []
    sizes = sorted({size for table in tables for ops in table.values() for p50s in ops.values() for size in p50s})
    over = ", median (min–max) over the runs" if len(tables) > 1 else ""
    lines = [f"Growth table: p50 ms (one connection, uncached){over}; "
             f"flat: p50 at {sizes[-1]:,} <= {growth.FLAT_FACTOR:g}x p50 at {sizes[0]:,}"
             f"{' in every run' if len(tables) > 1 else ''}.", "",
             "| pack | operation | " + " | ".join(f"{size:,}" for size in sizes) + " | largest / smallest | flat |",
             "|---|---|" + "---:|" * len(sizes) + "---:|---|"]
    for pack in growth.MAIN_RECORD:
        for op in growth.OPS:
            per_size = [_range(_spread([t.get(pack, {}).get(op, {}).get(size) for t in tables]), ".2f")
                        for size in sizes]
            factors = [growth.growth_factor(t.get(pack, {}).get(op, {})) for t in tables]
            verdict = combined_verdict([growth.flat(t.get(pack, {}).get(op, {})) for t in tables])
            flat = {True: "flat", False: "**not flat**", None: "not measured"}[verdict]
            lines.append(f"| {pack} ({growth.MAIN_RECORD[pack]}) | {op} | {' | '.join(per_size)} | "
                         f"{_range(_spread(factors), '.2f', 'x')} | {flat} |")
    lines.append("")
    if results.get("growth_plot"):
        lines += [f"![p50 against the main record count, per pack]({results['growth_plot']})", ""]
    elif results.get("growth_plot_missing"):
        lines += [f"No plot: {results['growth_plot_missing']}.", ""]
    return lines


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
