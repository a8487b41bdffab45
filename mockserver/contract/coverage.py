"""Coverage as part of a contract run's verdict: what each operation was sent and answered.

A run in which an operation only ever got 401, 404 or nothing at all says nothing about that
operation, although every check "passed". ``Coverage`` counts, per operation, the requests sent and
the answers by status class (from the run's hooks, every phase included); an operation the run
selected is *covered* when it got at least one 2xx. ``verdict`` lists the others with the reason
(never sent: the budget or time ran out, or no case could be generated; only 401/403: the token;
only 404: no data to address; other 4xx or 5xx) and says whether ``min_coverage`` (percent of the
selected operations) is met.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from collections.abc import Iterable, Mapping


@dataclasses.dataclass(frozen=True)
class OperationCoverage:
    label: str
    sent: int
    statuses: dict[str, int]
    """Status class (``2xx``, ``4xx`` …) or a single status (401, 403, 404) → answers."""

    @property
    def covered(self) -> bool:
        return self.statuses.get("2xx", 0) > 0

    @property
    def reason(self) -> str:
        """Why an operation is not covered."""
        answered = sum(count for key, count in self.statuses.items() if key.endswith("xx"))
        if not self.sent:
            return "never sent (no case generated, or the time or request budget ran out)"
        if not answered:
            return f"sent {self.sent}, no answer"
        only = {key for key, count in self.statuses.items() if count and not key.endswith("xx")}
        if only and sum(self.statuses[key] for key in only) == answered:
            names = "/".join(sorted(only))
            hint = {"401": "the token", "403": "the token's rights", "404": "no data to address"}
            return f"only {names} ({', '.join(hint[n] for n in sorted(only) if n in hint)})"
        classes = ", ".join(f"{key} {count}" for key, count in sorted(self.statuses.items())
                            if key.endswith("xx") and count)
        return f"no 2xx ({classes})"


class Coverage:
    """Counts of one run; thread-safe (schemathesis sends from several workers)."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels = list(labels)
        self._lock = threading.Lock()
        self._sent: collections.Counter[str] = collections.Counter()
        self._statuses: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)

    def sent(self, label: str) -> None:
        with self._lock:
            self._sent[label] += 1

    def answered(self, label: str, status: int) -> None:
        with self._lock:
            counts = self._statuses[label]
            counts[f"{status // 100}xx"] += 1
            if status in (401, 403, 404):
                counts[str(status)] += 1

    def operations(self) -> list[OperationCoverage]:
        with self._lock:
            return [OperationCoverage(label, self._sent[label], dict(self._statuses[label])) for label in self.labels]


@dataclasses.dataclass(frozen=True)
class Verdict:
    operations: tuple[OperationCoverage, ...]
    min_coverage: float
    excused: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Operations the pack says a run cannot cover (data it cannot discover), with the reason."""

    @property
    def required(self) -> list[OperationCoverage]:
        return [op for op in self.operations if op.covered or op.label not in self.excused]

    @property
    def covered(self) -> list[OperationCoverage]:
        return [op for op in self.operations if op.covered]

    @property
    def not_covered(self) -> list[OperationCoverage]:
        return [op for op in self.required if not op.covered]

    @property
    def percent(self) -> float:
        required = self.required
        return 100.0 * len(self.covered) / len(required) if required else 100.0

    @property
    def met(self) -> bool:
        return self.percent >= self.min_coverage

    def lines(self) -> list[str]:
        """The summary: the figure, then each operation that is not covered with its reason."""
        head = (f"coverage: {len(self.covered)} of {len(self.required)} operations got a 2xx "
                f"({self.percent:.0f} %, at least {self.min_coverage:g} % wanted: "
                f"{'met' if self.met else 'NOT MET'})")
        excused = [op for op in self.operations if op not in self.required]
        return [head, *(f"  not covered: {op.label}: {op.reason}" for op in self.not_covered),
                *(f"  excused: {op.label}: {self.excused[op.label]}" for op in excused)]


    def to_json(self) -> dict[str, object]:
        """Per operation: requests sent, answers by status class, covered or why not (``coverage.json``)."""
        required = {op.label for op in self.required}
        return {
            "percent": round(self.percent, 1), "min_coverage": self.min_coverage, "met": self.met,
            "operations": [{"operation": op.label, "sent": op.sent, "answers": op.statuses, "covered": op.covered,
                            "excused": None if op.label in required else self.excused[op.label],
                            "reason": None if op.covered else op.reason} for op in self.operations],
        }


def verdict(coverage: Coverage, min_coverage: float, excused: Mapping[str, str] | None = None) -> Verdict:
    return Verdict(tuple(coverage.operations()), min_coverage, excused or {})
