"""The data of a version diff: ``Change`` (structural), ``Difference`` (behavioural), ``DiffReport``.

Everything here is a frozen dataclass of strings, numbers and enums, so reports compare, hash and
serialize without surprises. ``Kind`` values and ``Severity`` values are part of the JSON schema
(``report.schema.json``) and must not be renamed.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections import Counter
from collections.abc import Iterable

from mockserver.compare.model import Difference, Exchange


class Severity(enum.Enum):
    """How a change affects existing clients, most severe first."""

    BREAKING = "breaking"
    POTENTIALLY_BREAKING = "potentially-breaking"
    NON_BREAKING = "non-breaking"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for breaking … 3 for info."""
        return list(Severity).index(self)

    def at_least(self, threshold: Severity) -> bool:
        """True if this severity is ``threshold`` or more severe."""
        return self.rank <= threshold.rank

    @property
    def label(self) -> str:
        """``potentially breaking`` (with a space), the other values as they are."""
        return "potentially breaking" if self is Severity.POTENTIALLY_BREAKING else self.value


class Section(enum.Enum):
    """The part of an operation a change is in."""

    OPERATION = "operation"
    SECURITY = "security"
    PARAMETER = "parameter"
    REQUEST_BODY = "request-body"
    RESPONSE = "response"
    RESPONSE_HEADER = "response-header"

    @property
    def request_side(self) -> bool:
        return self in {Section.OPERATION, Section.SECURITY, Section.PARAMETER, Section.REQUEST_BODY}


class Kind(enum.Enum):
    """The class of a structural change (its value is the stable identifier used in JSON)."""

    OPERATION_ADDED = "operation-added"
    OPERATION_REMOVED = "operation-removed"
    OPERATION_DEPRECATED = "operation-deprecated"
    OPERATION_UNDEPRECATED = "operation-undeprecated"
    PATH_PARAMETER_RENAMED = "path-parameter-renamed"
    SECURITY_CHANGED = "security-changed"
    PARAMETER_ADDED = "parameter-added"
    PARAMETER_REMOVED = "parameter-removed"
    PARAMETER_BECAME_REQUIRED = "parameter-became-required"
    PARAMETER_BECAME_OPTIONAL = "parameter-became-optional"
    PARAMETER_LOCATION_CHANGED = "parameter-location-changed"
    PARAMETER_DEPRECATED = "parameter-deprecated"
    REQUEST_BODY_ADDED = "request-body-added"
    REQUEST_BODY_REMOVED = "request-body-removed"
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required"
    REQUEST_BODY_BECAME_OPTIONAL = "request-body-became-optional"
    MEDIA_TYPE_ADDED = "media-type-added"
    MEDIA_TYPE_REMOVED = "media-type-removed"
    RESPONSE_STATUS_ADDED = "response-status-added"
    RESPONSE_STATUS_REMOVED = "response-status-removed"
    RESPONSE_HEADER_ADDED = "response-header-added"
    RESPONSE_HEADER_REMOVED = "response-header-removed"
    PROPERTY_ADDED = "property-added"
    PROPERTY_REMOVED = "property-removed"
    PROPERTY_RENAMED = "property-renamed"
    PROPERTY_BECAME_REQUIRED = "property-became-required"
    PROPERTY_BECAME_OPTIONAL = "property-became-optional"
    PROPERTY_DEPRECATED = "property-deprecated"
    TYPE_CHANGED = "type-changed"
    FORMAT_CHANGED = "format-changed"
    ENUM_VALUE_ADDED = "enum-value-added"
    ENUM_VALUE_REMOVED = "enum-value-removed"
    ENUM_ADDED = "enum-added"
    ENUM_REMOVED = "enum-removed"
    BECAME_NULLABLE = "became-nullable"
    BECAME_NON_NULLABLE = "became-non-nullable"
    CONSTRAINT_TIGHTENED = "constraint-tightened"
    CONSTRAINT_LOOSENED = "constraint-loosened"
    CONSTRAINT_CHANGED = "constraint-changed"
    DEFAULT_CHANGED = "default-changed"
    ADDITIONAL_PROPERTIES_CHANGED = "additional-properties-changed"
    VARIANT_ADDED = "variant-added"
    VARIANT_REMOVED = "variant-removed"
    IDENTIFIER_CHANGED = "identifier-changed"
    DESCRIPTION_CHANGED = "description-changed"


@dataclasses.dataclass(frozen=True)
class Location:
    """Where in an operation a change is: a section plus, as far as they apply, its coordinates."""

    section: Section
    status: str | None = None
    """Response status code (``"200"``, ``"4XX"``, ``"default"``)."""
    media_type: str | None = None
    parameter: str | None = None
    """``"<in> <name>"`` of a parameter (``"query timestamp"``), or the name of a response header."""
    json_path: str | None = None
    """Inside a schema: ``$`` is the body or parameter value, ``.name`` a property, ``[]`` array items."""

    def __str__(self) -> str:
        parts: list[str] = []
        if self.section is Section.PARAMETER and self.parameter:
            where, _, name = self.parameter.partition(" ")
            parts.append(f"{where} parameter `{name}`")
        elif self.section is Section.REQUEST_BODY:
            parts.append("request body")
        elif self.section is Section.RESPONSE:
            parts.append(f"response {self.status}")
        elif self.section is Section.RESPONSE_HEADER:
            parts.append(f"response {self.status} header `{self.parameter}`")
        else:
            parts.append(self.section.value)
        if self.media_type:
            parts.append(f"({self.media_type})")
        if self.json_path and self.json_path != "$":
            parts.append(f"`{self.json_path}`")
        return " ".join(parts)


@dataclasses.dataclass(frozen=True)
class Change:
    """One structural difference between two API descriptions."""

    operation: str
    """``"METHOD /path/{template}"`` as in the newer document (the older one for removals)."""
    location: Location
    kind: Kind
    severity: Severity
    reason: str
    """One line a person reads: what changed and why it matters."""
    old: str | None = None
    new: str | None = None
    renamed_from: str | None = None
    """For renames: the old JSON path (properties) or the old path template (path parameters)."""

    @property
    def id(self) -> str:
        """A short stable identifier (operation, location, kind), e.g. for JUnit test names."""
        key = f"{self.operation}|{self.location}|{self.kind.value}|{self.renamed_from or ''}"
        return hashlib.sha1(key.encode()).hexdigest()[:10]

    @property
    def method(self) -> str:
        return self.operation.partition(" ")[0]

    @property
    def path(self) -> str:
        return self.operation.partition(" ")[2]


@dataclasses.dataclass(frozen=True)
class BehaviourReport:
    """One ``Replay`` run against two versions of a live server."""

    replay: str
    old_base: str
    new_base: str
    steps: tuple[Exchange, ...]
    differences: tuple[Difference, ...]

    @property
    def unexplained(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if not d.explained)


@dataclasses.dataclass(frozen=True)
class DiffReport:
    """Everything known about one pair of versions: structural changes and, optionally, behaviour."""

    old_label: str
    new_label: str
    changes: tuple[Change, ...]
    behaviour: BehaviourReport | None = None

    def counts(self) -> dict[Severity, int]:
        """Number of changes per severity (every severity present, most severe first)."""
        found = Counter(change.severity for change in self.changes)
        return {severity: found[severity] for severity in Severity}

    def by_operation(self) -> dict[str, list[Change]]:
        """The changes grouped by operation, operations sorted by path then method."""
        groups: dict[str, list[Change]] = {}
        for change in sorted(self.changes, key=sort_key):
            groups.setdefault(change.operation, []).append(change)
        return groups

    def fails(self, threshold: Severity) -> bool:
        """True if a change is at least as severe as ``threshold``."""
        return any(change.severity.at_least(threshold) for change in self.changes)


def sort_key(change: Change) -> tuple[str, str, int, str, str]:
    return (change.path, change.method, change.severity.rank, str(change.location), change.kind.value)


def total_counts(reports: Iterable[DiffReport]) -> dict[Severity, int]:
    """Counts per severity over several reports."""
    total = dict.fromkeys(Severity, 0)
    for report in reports:
        for severity, count in report.counts().items():
            total[severity] += count
    return total
