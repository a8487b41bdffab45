"""Per-test reset time of the pytest plugin: restoring the world from its snapshot.

    python -m benchmarks.reset [--recipe default] [--rounds 200]

Writes ``benchmarks/results/reset.md`` (``reset-<recipe>.md`` for other recipes). Measures, on one
app (as the plugin keeps one per process): the bare ``Store.reset()`` (SQLite ``deserialize`` +
``backup``), the plugin's whole per-test reset (``Control.reset``: world, journal, rules), a switch
to another cached world, and building a world.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable

from benchmarks.report import write_report


def timed(function: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"| {name} | {statistics.median(samples):.2f} | {p95:.2f} | {max(samples):.2f} | {len(samples)} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default="default")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    from mockserver import Settings, create_app

    started = time.perf_counter()
    app = create_app(Settings(recipe=args.recipe, request_log_limit=0))
    create_ms = (time.perf_counter() - started) * 1000
    control, store = app.control, app.backend.store
    build = timed(lambda: control._build(2, args.recipe), 3)
    control.use_world(1, args.recipe)  # the plugin's world: (mockserver_seed, mockserver_recipe)
    arranger = control.arranger()

    def dirty_reset() -> None:
        arranger.add_task()
        control.reset(1, args.recipe)

    control.use_world(2, args.recipe)
    control.use_world(1, args.recipe)
    rows = [
        row("`Store.reset()` (restore the snapshot)", timed(store.reset, args.rounds)),
        row("plugin per-test reset (`Control.reset(seed, recipe)`: world, journal, rules)",
            timed(lambda: control.reset(1, args.recipe), args.rounds)),
        row("add a task, then the per-test reset", timed(dirty_reset, args.rounds)),
        row("switch to another cached world (seed 2 ↔ 1)",
            timed(lambda: control.use_world(2 if control.current == (1, args.recipe) else 1, args.recipe), 50)),
        row("build a world from its seed (first use of a seed)", build),
    ]
    text = "\n".join([
        f"# Per-test reset time, recipe `{args.recipe}`",
        "",
        f"Snapshot size {len(store.snapshot()):,} bytes; `create_app` took {create_ms:,.0f} ms (once per process).",
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, {platform.machine()}; "
        f"`python -m benchmarks.reset --recipe {args.recipe} --rounds {args.rounds}`; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (p95/max suffer from other work on the machine).",
        "",
        "| operation | median ms | p95 ms | max ms | rounds |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ])
    write_report(text, "reset", args.recipe, default_recipe="default")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
