"""Resident memory of a server: the summed ``VmRSS`` of its process group (Linux ``/proc``).

A server runs in a session of its own, so its group holds every process it started (uvicorn
workers, node under a launcher); ``RssSampler`` polls that sum in a thread and keeps the peak.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from types import TracebackType

MIB = 1024 * 1024
PROC = Path("/proc")


def group_members(pgid: int) -> list[int]:
    """Pids whose process group is ``pgid``."""
    members = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def rss_bytes(pid: int) -> int:
    """``VmRSS`` of one process in bytes (0 if it is gone)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def group_rss(pgid: int) -> int:
    return sum(rss_bytes(pid) for pid in group_members(pgid))


class RssSampler:
    """Samples ``group_rss(pgid)`` every ``interval`` seconds while the ``with`` block runs."""

    def __init__(self, pgid: int, interval: float = 0.1) -> None:
        self.pgid, self.interval = pgid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rss {pgid}", daemon=True)

    @property
    def peak_mib(self) -> float:
        return round(self.peak / MIB, 1)

    def _run(self) -> None:
        members: list[int] = []
        for tick in itertools.count():  # the group's members are looked up again once a second
            if tick % 10 == 0 or not members:
                members = group_members(self.pgid)
            self.peak = max(self.peak, sum(rss_bytes(pid) for pid in members))
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, group_rss(self.pgid))
