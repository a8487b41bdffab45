"""The data of a comparison: ``Aspect``, ``Difference`` (one way two answers differ), ``Exchange`` (one request
as both sides answered it) and ``Report``. Frozen dataclasses of strings, numbers and enums."""

from __future__ import annotations

import dataclasses
import enum


class Aspect(enum.Enum):
    """What part of an exchange differs (its value is what accept files and reports name)."""

    REQUEST = "request"
    """A replay step whose two sides chose different request variants (each the first its spec accepts)."""
    STATUS = "status"
    MEDIA_TYPE = "media-type"
    HEADER = "header"
    BODY = "body"


@dataclasses.dataclass(frozen=True)
class Difference:
    """One difference between the answers of A and B to one exchange."""

    exchange: str
    """The exchange's name: a replay step's, a HAR entry's comment, or else ``METHOD target``."""
    request: str
    """``METHOD target`` as sent to A."""
    operation: str
    """The spec operation that served it (``GET /api/tasks/{id}``), or the request when no spec names one."""
    aspect: Aspect
    location: str
    """``status``, ``content-type``, a header name, or a JSON path into the body (``$.items[0].name``)."""
    a: str
    b: str
    explained_by: tuple[str, ...] = ()
    """Ids of structural changes between the sides' specs that account for it (a version compare)."""
    explanation: str = ""
    """Those changes in words (``explained by property-renamed``)."""
    accepted: str = ""
    """The reason of the accepted-differences entry that covers it; empty: not accepted."""
    note: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.explained_by)

    @property
    def expected(self) -> bool:
        """Accepted, or explained by a structural change."""
        return bool(self.accepted) or self.explained


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request as sent to both sides and how each answered (None: no answer)."""

    name: str
    request: str
    """``METHOD target`` as sent to A."""
    method: str
    a_url: str
    b_url: str
    a_status: int | None
    b_status: int | None


@dataclasses.dataclass(frozen=True)
class Stale:
    """An accepted difference that no longer differs (its exchange ran and answered alike)."""

    exchange: str
    differs: tuple[str, ...]
    reason: str


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything one comparison found."""

    a_label: str
    b_label: str
    source: str
    """What was sent: the replay's name or the HAR file's."""
    exchanges: tuple[Exchange, ...]
    differences: tuple[Difference, ...]
    stale: tuple[Stale, ...] = ()
    seconds: float = 0.0

    @property
    def unexpected(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.expected)

    @property
    def accepted(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.accepted)

    @property
    def differing(self) -> list[str]:
        """The names of the exchanges that differ, in order."""
        return list(dict.fromkeys(d.exchange for d in self.differences))

    def fails(self) -> bool:
        """True if a difference is unexpected or an accepted one is stale (``--fail-on-difference``)."""
        return bool(self.unexpected or self.stale)
