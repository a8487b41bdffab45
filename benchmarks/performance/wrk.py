"""wrk, the load generator: one run as a subprocess, and its text output parsed into a ``WrkResult``.

``parse_wrk_output`` is pure (tested in ``tests/test_benchmark_parsing.py`` on recorded output); a
Lua script may add one line ``BENCH {json}`` from its ``done()`` callback, kept as ``extra``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

WRK = "/usr/bin/wrk"
THREADS = 2
CONNECTIONS = 20
SOCKET_TIMEOUT = "10s"
"""wrk's own default is 2 s; slow answers of big lists then count as latency, not as timeouts."""

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"
_DISTRIBUTION = re.compile(rf"^\s*([\d.]+)%\s+{_TIME}\s*$", re.MULTILINE)
_AVERAGE = re.compile(rf"^\s*Latency\s+{_TIME}\s", re.MULTILINE)
_TOTAL = re.compile(rf"^\s*(\d+) requests in {_TIME}", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_EXTRA = re.compile(r"^BENCH (\{.*\})\s*$", re.MULTILINE)


class WrkError(RuntimeError):
    """wrk failed or printed something that is not a wrk report."""


@dataclasses.dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    requests_per_s: float
    latency_ms: dict[str, float]
    """Percentile ("50", "75", "90", "99") → milliseconds; "avg" the mean."""
    non_2xx: int = 0
    socket_errors: dict[str, int] = dataclasses.field(default_factory=dict)
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(self.socket_errors.values())

    @property
    def p50(self) -> float | None:
        return self.latency_ms.get("50")

    @property
    def p99(self) -> float | None:
        return self.latency_ms.get("99")

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "errors": self.errors}


def to_ms(value: str, unit: str) -> float:
    return float(value) * UNIT_MS[unit]


def parse_wrk_output(text: str) -> WrkResult:
    """The numbers of one ``wrk --latency`` report (requests, rate, percentiles, non-2xx, socket errors)."""
    total, rate = _TOTAL.search(text), _RATE.search(text)
    if total is None or rate is None:
        raise WrkError(f"not a wrk report:\n{text}")
    latency = {_percentile(p): round(to_ms(v, u), 3) for p, v, u in _DISTRIBUTION.findall(text)}
    if average := _AVERAGE.search(text):
        latency["avg"] = round(to_ms(*average.groups()), 3)
    non_2xx = _NON_2XX.search(text)
    socket = _SOCKET.search(text)
    names = ("connect", "read", "write", "timeout")
    extra = _EXTRA.search(text)
    return WrkResult(
        requests=int(total.group(1)), seconds=round(to_ms(total.group(2), total.group(3)) / 1000, 3),
        requests_per_s=float(rate.group(1)), latency_ms=latency,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(zip(names, map(int, socket.groups()), strict=True)) if socket else dict.fromkeys(names, 0),
        extra=json.loads(extra.group(1)) if extra else {},
    )


def _percentile(text: str) -> str:
    number = float(text)
    return str(int(number)) if number.is_integer() else str(number)


def available() -> bool:
    return Path(WRK).exists() or shutil.which("wrk") is not None


def run_wrk(url: str, duration: float, *, headers: Mapping[str, str] | None = None, script: Path | None = None,
            env: Mapping[str, str] | None = None, connections: int = CONNECTIONS) -> WrkResult:
    """``wrk -t2 -c20 -d<duration> --latency`` against ``url`` (one thread for one connection); the parsed report."""
    binary = WRK if Path(WRK).exists() else shutil.which("wrk") or "wrk"
    threads = min(THREADS, connections)
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency",
               "--timeout", SOCKET_TIMEOUT]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})},
                               timeout=duration + 60, check=False)
    if completed.returncode != 0:
        raise WrkError(f"wrk exited with {completed.returncode}: {completed.stderr or completed.stdout}")
    return parse_wrk_output(completed.stdout)
