"""One log line per request with its timing, quiet under load.

At most ``limit`` lines per second are written; the requests beyond that are counted and summed up
in one line when the second is over (or at ``flush()``, e.g. on shutdown).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from mockserver.journal import Entry

logger = logging.getLogger("mockserver.requests")


class RequestLog:
    """A journal listener that logs ``GET /api/v5/user?… 200 1.2 ms`` lines, rate-limited."""

    def __init__(self, limit_per_second: int, log: logging.Logger = logger,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.log, self.clock = limit_per_second, log, clock
        self._lock = threading.Lock()
        self._window = clock()
        self._written = 0
        self._skipped = 0
        self._skipped_ms = 0.0
        self._skipped_max = 0.0

    def __call__(self, entry: Entry) -> None:
        if self.limit <= 0 or not self.log.isEnabledFor(logging.INFO):
            return
        with self._lock:
            if self.clock() - self._window >= 1.0:
                self._summary()
                self._window = self.clock()
            if self._written < self.limit:
                self._written += 1
                self.log.info("%s", line(entry))
                return
            self._skipped += 1
            self._skipped_ms += entry.duration_ms
            self._skipped_max = max(self._skipped_max, entry.duration_ms)

    def flush(self) -> None:
        with self._lock:
            self._summary()

    def _summary(self) -> None:
        if self._skipped:
            self.log.info("… and %d more requests (mean %.1f ms, max %.1f ms; at most %d lines per second)",
                          self._skipped, self._skipped_ms / self._skipped, self._skipped_max, self.limit)
        self._written = self._skipped = 0
        self._skipped_ms = self._skipped_max = 0.0


def line(entry: Entry) -> str:
    target = f"{entry.path}?{entry.query}" if entry.query else entry.path
    status = entry.status if entry.status is not None else "-"
    fault = f" [fault: {entry.fault}]" if entry.fault else ""
    return f"{entry.method} {target} {status} {entry.duration_ms:.1f} ms{fault}"
