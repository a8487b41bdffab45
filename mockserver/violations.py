"""Request-validation failures as data: ``Violation`` (where, which field, what kind of check).

Connexion and jsonschema describe a failed check in Python terms (``-1 is less than the minimum of
0\\n\\nFailed validating 'minimum' in schema: {…}``). The mock's validators (``parameter_validation``,
``body_validation``) raise ``RequestInvalid`` instead, carrying every ``Violation`` of the request:
where (``query``, ``path``, ``header``, ``cookie``, ``form``, ``body``), which field (a parameter
name, or the JSON path in the body) and what kind of check failed (``missing``, ``type``,
``minimum``, ``enum`` …). A pack turns them into its API's own answer (``Pack.translate``);
``describe`` is the short neutral text every other pack gets.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from connexion.exceptions import BadRequestProblem
from jsonschema import ValidationError  # type: ignore[import-untyped]
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

Path = tuple[str | int, ...]


@dataclasses.dataclass(frozen=True)
class Violation:
    """One failed check of a request: ``location`` (query, path, header, cookie, form, body), ``field``
    (parameter name first; the JSON path in a body) and ``kind`` (see ``KINDS``)."""

    location: str
    field: Path
    kind: str
    expected: Any = None
    """The schema's value for the failed keyword: a type, a bound, the enum values, a pattern."""
    value: Any = None
    schema: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def name(self) -> str:
        """The parameter (or form field) name."""
        return str(self.field[0]) if self.field else ""


KINDS = {"required": "missing", "type": "type", "enum": "enum", "minimum": "minimum", "maximum": "maximum",
         "minLength": "minLength", "maxLength": "maxLength", "minItems": "minItems", "maxItems": "maxItems",
         "pattern": "pattern", "format": "format"}
"""jsonschema keyword → violation kind; every other keyword is ``invalid``. The mock adds ``range`` (an
integer beyond its format), ``malformed`` (not JSON), ``empty`` (no body) and ``key`` (a route's own
error key, in ``expected``)."""


class RequestInvalid(BadRequestProblem):  # type: ignore[misc]
    """Connexion's 400 problem, carrying the violations (``detail``: the neutral text of the first one)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__(detail=describe(self.violations[0]))


def violations_of(errors: Iterable[ValidationError], location: str, prefix: Path = ()) -> list[Violation]:
    """The violations of jsonschema ``errors`` (anyOf/oneOf: their most relevant branch), in order, once each."""
    found: dict[tuple[Path, str], Violation] = {}
    for error in errors:
        leaf = best_match([error])
        while leaf.context:  # anyOf/oneOf branches of equal relevance: the first (the spec's main form)
            leaf = leaf.context[0]
        path: Path = (*prefix, *leaf.absolute_path)
        schema = leaf.schema if isinstance(leaf.schema, Mapping) else {}
        if leaf.validator == "required" and isinstance(leaf.instance, Mapping):
            for name in leaf.validator_value:
                if name not in leaf.instance:
                    found.setdefault(((*path, name), "missing"), Violation(location, (*path, name), "missing"))
            continue
        kind = KINDS.get(str(leaf.validator), "invalid")
        found.setdefault((path, kind), Violation(location, path, kind, leaf.validator_value, leaf.instance, schema))
    return list(found.values())


def parameter_invalid(location: str, param: Mapping[str, Any], value: Any, error: ValidationError | None,
                      kind: str | None = None) -> RequestInvalid:
    """The problem for one parameter: from a jsonschema ``error``, or of ``kind`` (``missing``, ``range``)."""
    schema = param.get("schema", param)
    if error is not None:
        return RequestInvalid(violations_of([error], location, (param["name"],)))
    return RequestInvalid([Violation(location, (param["name"],), kind or "invalid", None, value, schema)])


def body_invalid(errors: Iterable[ValidationError], location: str = "body") -> RequestInvalid | None:
    """The problem for a body's jsonschema ``errors`` (all of them, as real servers report every field), or None."""
    violations = violations_of(errors, location)
    return RequestInvalid(violations) if violations else None


def malformed_json(exc: json.JSONDecodeError) -> RequestInvalid:
    return RequestInvalid([Violation("body", (), "malformed", exc.msg, (exc.lineno, exc.colno))])


def field_text(v: Violation) -> str:
    """``limit`` for a parameter, ``tasks[0].name`` for a body field, ``the body`` for the body itself."""
    if v.location != "body":
        return f"{v.location} parameter {v.name}"
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in v.field).lstrip(".")
    return f"field {path}" if path else "the body"


NEUTRAL_TEXTS = {
    "missing": "is missing", "type": "must be of type {expected}", "enum": "must be one of {values}",
    "minimum": "must be at least {expected}", "maximum": "must be at most {expected}",
    "minLength": "must be at least {expected} characters long",
    "maxLength": "must be at most {expected} characters long",
    "minItems": "must have at least {expected} items", "maxItems": "must have at most {expected} items",
    "pattern": "must match {expected}", "format": "must be a valid {expected}", "range": "is out of range",
    "malformed": "is not valid JSON ({expected})", "empty": "is empty",
}
"""Violation kind → the neutral text of ``describe`` (packs without their own words)."""


def describe(v: Violation) -> str:
    """A short text for a violation: ``query parameter limit must be at least 0``."""
    template = NEUTRAL_TEXTS.get(v.kind, "is invalid")
    values = ", ".join(map(str, v.expected)) if isinstance(v.expected, list) else str(v.expected)
    return f"{field_text(v)} {template.format(expected=v.expected, values=values)}"
