"""Load benchmark of the mock and its peers, all in one run; see ``benchmarks/performance``.

    python -m benchmarks [--duration 10] [--only mock,floor,...] [--quick] [--runs N] [--output DIR]

Starts each server on 127.0.0.1 (our mock with response validation on and off, without its fast
path and uncached, the Connexion floor, bare Starlette, Stoplight Prism, WireMock, Mockoon), warms it up,
drives it with ``wrk -t2 -c20 --latency``, samples its RSS, stops it; then start-up time, the ``large``
recipes, the growth of each pack's world and ``--workers``. ``--runs N`` does all of it N times; the report
then gives each number as the median with its min–max range, and a target is met only if met in every run.
Writes ``performance.md``, ``performance.json`` (every run's raw results) and ``growth.png`` (with
matplotlib, the ``bench`` extra) to ``benchmarks/results/`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shlex
import signal
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

from benchmarks.performance import machine, report, wrk
from benchmarks.performance.bench import Bench
from benchmarks.performance.scenarios import LARGE_PACKS, SCENARIOS
from benchmarks.performance.servers import stop_all

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=None, help="seconds per measured load (default 10; "
                                                                     "--quick: 2)")
    parser.add_argument("--only", default=None, help=f"comma-separated scenarios of {', '.join(SCENARIOS)}")
    parser.add_argument("--quick", action="store_true", help="a smoke run: short loads, 2 start-up runs")
    parser.add_argument("--output", type=Path, default=RESULTS, help="folder for performance.md/.json")
    parser.add_argument("--runs", type=int, default=1, help="run the selected scenarios this many times (default 1); "
                                                            "the report gives median and min–max over the runs")
    parser.add_argument("--packs", default=None, help="comma-separated packs the per-pack scenarios (packs, "
                                                      "packs-large, growth) measure (default: all)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    args.scenarios = list(SCENARIOS) if args.only is None else [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    args.packs = None if args.packs is None else tuple(p.strip() for p in args.packs.split(",") if p.strip())
    unknown_packs = [name for name in args.packs or () if name not in LARGE_PACKS]
    if unknown_packs:
        parser.error(f"unknown pack(s) {', '.join(unknown_packs)}; choose from {', '.join(LARGE_PACKS)}")
    return args


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def run(bench: Bench, names: list[str]) -> dict[str, Any]:
    """Each scenario in turn; one that fails is recorded as such and the run goes on."""
    scenarios: dict[str, Any] = {}
    for name in names:
        print(f"{name}:", flush=True)
        started = time.perf_counter()
        try:
            scenarios[name] = SCENARIOS[name](bench)
        except Exception as exc:  # a server that does not start must not cost the other scenarios
            traceback.print_exc()
            scenarios[name] = {"title": name, "skipped": f"failed: {type(exc).__name__}: {str(exc)[:500]}"}
            bench.notes.append(f"Scenario `{name}` failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        scenarios[name]["seconds"] = round(time.perf_counter() - started, 1)
        if skipped := scenarios[name].get("skipped"):
            print(f"  skipped: {skipped}", flush=True)
    return scenarios


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    warnings.filterwarnings("ignore")
    if not wrk.available():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    atexit.register(stop_all)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with SIGINT ignored (``&``)
    duration = args.duration or (2.0 if args.quick else 10.0)
    arguments = sys.argv[1:] if argv is None else argv
    with tempfile.TemporaryDirectory(prefix="mockserver-bench-") as workdir:
        bench = Bench(duration=duration, warmup=1.0 if args.quick else 3.0, startup_runs=2 if args.quick else 5,
                      workdir=Path(workdir), packs=args.packs)
        results: dict[str, Any] = {
            "command": " ".join(["python -m benchmarks", *map(shlex.quote, arguments)]),
            "machine": machine.facts(),
            "options": {"duration_s": duration, "warmup_s": bench.warmup, "quick": args.quick, "only": args.scenarios,
                        "packs": args.packs,
                        "wrk": bench.wrk_settings, "runs": args.runs},
        }
        try:
            if args.runs == 1:
                results["scenarios"] = run(bench, args.scenarios)
            else:
                results["runs"] = []
                for index in range(args.runs):
                    print(f"run {index + 1} of {args.runs}", flush=True)
                    started = time.perf_counter()
                    scenarios = run(bench, args.scenarios)
                    results["runs"].append({"run": index + 1, "seconds": round(time.perf_counter() - started, 1),
                                            "load_average_at_end": round(os.getloadavg()[0], 2),
                                            "scenarios": scenarios})
        except KeyboardInterrupt:
            print("\ninterrupted; servers stopped, nothing written", file=sys.stderr)
            return 130
        finally:
            stop_all()
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 2)
    results["notes"] = bench.notes
    markdown, data, messages = report.write(results, args.output)
    print(f"wrote {markdown} and {data}")
    for message in messages:
        print(message)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
