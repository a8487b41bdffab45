"""Accepted differences: a YAML list of exchanges known to differ, how, and why.

    - exchange: "tasks: a line break in the id"     # an exchange's name, or instead:
      request: GET /api/tasks/a%0Ab                 # METHOD target as sent to A
      differs: [status, media-type, body]            # the aspects that differ (Aspect values)
      reason: why the two sides answer differently

An exchange differs as accepted when an entry names it and its differing aspects are exactly the entry's (a
different status ends the comparison of an exchange: then the entry must name the status, and what else it names
cannot be told); an entry whose exchange ran without differing is stale. ``content-type`` is another name of
``media-type``; ``bytes`` (the body byte for byte, which a compare does not judge apart from the body) and ``calls``
(what a side's own backends were asked) are kept for suites that compare more, and ignored here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import yaml

from mockserver.compare.model import Aspect, Difference, Report, Stale
from mockserver.errors import ConfigurationError

ALIASES = {"content-type": Aspect.MEDIA_TYPE.value}
IGNORED = frozenset({"bytes", "calls"})
KNOWN = frozenset(a.value for a in Aspect) | set(ALIASES) | IGNORED


@dataclasses.dataclass(frozen=True)
class Accepted:
    """One entry of an accepted-differences file."""

    differs: tuple[str, ...]
    reason: str
    exchange: str = ""
    request: str = ""

    @property
    def aspects(self) -> frozenset[str]:
        """The entry's aspects as a compare names them."""
        return frozenset(ALIASES.get(a, a) for a in self.differs) - IGNORED

    @property
    def name(self) -> str:
        return self.exchange or self.request

    def matches(self, found: set[str]) -> bool:
        """True if the aspects ``found`` differing in its exchange are the entry's."""
        if Aspect.STATUS.value in found:
            return Aspect.STATUS.value in self.aspects and found - {Aspect.STATUS.value} <= self.aspects
        return found == self.aspects

    def names(self, exchange: str, request: str) -> bool:
        return exchange == self.exchange if self.exchange else request == self.request


def load(path: Path) -> list[Accepted]:
    """The entries of an accepted-differences file (``ConfigurationError`` naming the first bad one)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path} is not YAML: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigurationError(f"{path} must hold a list of accepted differences")
    return [_entry(path, number, item) for number, item in enumerate(data, 1)]


def _entry(path: Path, number: int, item: object) -> Accepted:
    where = f"{path}: entry {number}"
    if not isinstance(item, dict):
        raise ConfigurationError(f"{where} is not a mapping")
    exchange, request, reason, differs = (item.get("exchange"), item.get("request"), item.get("reason"),
                                          item.get("differs"))
    if bool(exchange) == bool(request):
        raise ConfigurationError(f"{where} needs exactly one of exchange (a name) and request (METHOD target)")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigurationError(f"{where} needs a reason")
    if not isinstance(differs, list) or not differs or not all(isinstance(a, str) and a in KNOWN for a in differs):
        raise ConfigurationError(f"{where}: differs must list aspects out of {', '.join(sorted(KNOWN))}")
    return Accepted(tuple(differs), reason.strip(), str(exchange or ""), str(request or ""))


def apply(report: Report, entries: Sequence[Accepted]) -> Report:
    """The report with the differences the entries accept marked, and the entries that no longer differ as stale
    (only entries whose exchange ran)."""
    by_exchange: dict[str, list[Difference]] = {}
    for difference in report.differences:
        by_exchange.setdefault(difference.exchange, []).append(difference)
    accepted: dict[str, str] = {}
    for name, found in by_exchange.items():
        entry = next((e for e in entries if e.names(name, found[0].request)), None)
        if entry is not None and entry.matches({d.aspect.value for d in found}):
            accepted[name] = entry.reason
    differences = tuple(dataclasses.replace(d, accepted=accepted.get(d.exchange, "")) for d in report.differences)
    stale = tuple(Stale(entry.name, entry.differs, entry.reason) for entry in entries
                  if any(entry.names(e.name, e.request) for e in report.exchanges) and not _differs(entry, by_exchange))
    return dataclasses.replace(report, differences=differences, stale=stale)


def _differs(entry: Accepted, by_exchange: dict[str, list[Difference]]) -> bool:
    return any(entry.names(name, found[0].request) for name, found in by_exchange.items())
