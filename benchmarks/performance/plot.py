"""The growth figure: one panel per pack, p50 (ms) of its list and its write against its main record count, both
axes logarithmic; with several runs the median with a min–max bar. Needs matplotlib (the ``bench`` extra)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.performance import growth

FILE = "growth.png"
MISSING = "matplotlib is not installed, so there is no growth plot (pip install -e '.[bench]')"


def series(tables: list[Mapping[str, Mapping[str, Mapping[int, float | None]]]], pack: str,
           op: str) -> list[tuple[int, float, float, float]]:
    """(records, median, min, max) of the p50s over the runs' ``growth.p50_table``s, sizes measured at least once
    (a p50 of 0, no answer in the run, is left out)."""
    sizes = sorted({size for table in tables for size in table.get(pack, {}).get(op, {})})
    out = []
    for size in sizes:
        values = [v for table in tables if (v := table.get(pack, {}).get(op, {}).get(size)) is not None and v > 0]
        if values:
            out.append((size, statistics.median(values), min(values), max(values)))
    return out


def draw(tables: list[Mapping[str, Mapping[str, Mapping[int, float | None]]]], directory: Path) -> tuple[Path | None,
                                                                                                           str]:
    """Write ``directory/growth.png``; (its path, a line saying so) or (None, why not)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        return None, MISSING
    packs = list(growth.MAIN_RECORD)
    figure, axes = plt.subplots(1, len(packs), figsize=(4 * len(packs), 3.6), squeeze=False)
    for axis, pack in zip(axes[0], packs, strict=True):
        for op, marker in zip(growth.OPS, ("o", "s"), strict=True):
            points = series(tables, pack, op)
            if not points:
                continue
            xs = [p[0] for p in points]
            ys = [p[1] for p in points]
            errors = [[p[1] - p[2] for p in points], [p[3] - p[1] for p in points]]
            axis.errorbar(xs, ys, yerr=errors, marker=marker, capsize=3, label=op)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        low, high = axis.get_ylim()
        narrow = high / low < 10  # within one decade the labels are on the minor ticks
        axis.yaxis.set_minor_formatter(ticker.FormatStrFormatter("%g") if narrow else ticker.NullFormatter())
        axis.set_title(pack)
        axis.set_xlabel(growth.MAIN_RECORD[pack])
        axis.set_ylabel("p50 ms (one connection, uncached)")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure.tight_layout()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILE
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path, f"wrote {path}"


def growth_tables(runs: list[Mapping[str, Any]]) -> list[dict[str, dict[str, dict[int, float | None]]]]:
    """Each run's ``growth.p50_table`` (runs without the growth scenario left out)."""
    return [growth.p50_table(run["scenarios"]["growth"]["rows"]) for run in runs
            if run["scenarios"].get("growth", {}).get("rows")]
