"""parameter_validation.py: parameters accepted by jsonschema-rs first, Connexion's validator having the last word."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import parameter_validation
from mockserver.parameter_validation import (
    RealServerParameterValidator,
    canonical_json,
    quick_validator,
    quickly_accepted,
)
from mockserver.violations import RequestInvalid

INTEGER = {"type": "integer", "minimum": 1, "maximum": 1000}
NAMES = {"type": "array", "items": {"type": "string", "enum": ["dataset", "project"]}}


@pytest.mark.parametrize(("schema", "value", "accepted"), [
    (INTEGER, 5, True), (INTEGER, 0, False), (INTEGER, 1.0, False), (INTEGER, True, False), (INTEGER, "5", False),
    (NAMES, ["dataset"], True), (NAMES, ["nope"], False), (NAMES, "dataset", False),
    ({"type": "string", "pattern": "^abc$"}, "abc", True),
    ({"type": "string", "pattern": "^abc$"}, "abc\n", False),  # Python's `$` matches before it; the slow path decides
])
def test_jsonschema_rs_accepts_only_what_it_finds_valid(schema: dict[str, Any], value: Any, accepted: bool) -> None:
    assert quickly_accepted(canonical_json(schema), value) is accepted


def test_schemas_with_a_format_are_left_to_connexion() -> None:
    assert quick_validator(canonical_json({"type": "string", "format": "date-time"})) is None
    assert not quickly_accepted(canonical_json({"type": "string", "format": "date-time"}), "2026-01-01T00:00:00Z")


@pytest.mark.parametrize(("schema", "value"), [
    (INTEGER, 5), (INTEGER, 0), (INTEGER, 10_000), (NAMES, ["dataset", "project"]), (NAMES, ["dataset", 3]),
    ({"type": "string", "pattern": "^abc$"}, "abc\n"), ({"type": "string", "format": "date-time"}, "yesterday"),
])
def test_the_outcome_is_connexions_either_way(monkeypatch: pytest.MonkeyPatch, schema: dict[str, Any],
                                              value: Any) -> None:
    param = {"name": "p", "in": "query", "schema": schema}

    def outcome() -> tuple[Any, ...] | None:
        try:
            RealServerParameterValidator.validate_parameter("query", value, param)
        except RequestInvalid as error:
            return error.violations
        return None

    quick = outcome()
    monkeypatch.setattr(parameter_validation, "quickly_accepted", lambda schema, value: False)
    assert quick == outcome()


def test_a_value_it_accepts_never_reaches_the_slow_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(schema: bytes) -> Any:
        raise AssertionError("the slow validator was asked")

    monkeypatch.setattr(parameter_validation, "parameter_validator", slow)
    RealServerParameterValidator.validate_parameter("query", 7, {"name": "p", "in": "query", "schema": INTEGER})
    with pytest.raises(AssertionError, match="slow validator"):
        RealServerParameterValidator.validate_parameter("query", 0, {"name": "p", "in": "query", "schema": INTEGER})
