"""Connexion's parameter validation as the real servers check parameters: jsonschema-rs accepts the valid majority
first (Connexion's validator words the errors and has the last word), integers are held to their format's range, and
a pack's id pattern is left to its handlers (``Pack.id_pattern``)."""

from __future__ import annotations

import functools
from collections.abc import MutableMapping
from typing import Any

import jsonschema_rs
import orjson
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import ParameterValidator
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from mockserver.arguments import remember_resolved
from mockserver.violations import parameter_invalid

INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class RealServerParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Connexion's parameter validation, plus the ranges of ``int32``/``int64``, minus the pack's id pattern.

    A pack may declare its path and query ids with a ``pattern`` (``Pack.id_pattern``, WEBKNOSSOS:
    ObjectIds) and leave malformed ids to its handlers, which answer them as the real server does on
    that route. Integers beyond their format's range are rejected, as a real server's ``Int``/``Long``
    parsing does (Connexion does not check formats). Failures raise ``RequestInvalid`` (``violations``).
    """

    id_pattern: str | None = None

    def validate(self, scope: MutableMapping[str, Any]) -> None:
        """Connexion's check; the parameters it resolved are kept for the handler's arguments (``arguments``)."""
        request = ConnexionRequest(scope, uri_parser=self.uri_parser)
        self.validate_request(request)
        remember_resolved(scope, request)

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        """Connexion's check with one compiled validator per parameter schema; raises ``RequestInvalid``
        (rendered in the API's words by ``validation_messages``)."""
        schema = param.get("schema", param)
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            schema_json = canonical_json(schema)
            error = None if quickly_accepted(schema_json, value) else next(
                iter(parameter_validator(schema_json).iter_errors(value)), None)
            if error is not None:
                raise parameter_invalid(parameter_type, param, value, error)
        elif param.get("required"):
            raise parameter_invalid(parameter_type, param, None, None, "missing")
        bounds = INTEGER_RANGES.get(schema.get("format", ""))
        if bounds and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
            raise parameter_invalid(parameter_type, param, value, None, "range")
        return None

    def validate_path_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        error: str | None = super().validate_path_parameter(self.without_id_pattern(param), request)
        return error

    def validate_query_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        error: str | None = super().validate_query_parameter(self.without_id_pattern(param), request)
        return error

    def without_id_pattern(self, param: dict[str, Any]) -> dict[str, Any]:
        """``param`` without the pack's id ``pattern`` in its schema (the handler checks ids, with real texts)."""
        schema = param.get("schema", {})
        if self.id_pattern is not None and schema.get("pattern") == self.id_pattern:
            return {**param, "schema": {key: value for key, value in schema.items() if key != "pattern"}}
        return param


def canonical_json(schema: Any) -> bytes:
    return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)


@functools.lru_cache(maxsize=1024)
def parameter_validator(schema: bytes) -> Draft4Validator:
    """Connexion's parameter validator (``Draft4Validator`` with formats) for a schema given as JSON."""
    return Draft4Validator(orjson.loads(schema), format_checker=Draft4Validator.FORMAT_CHECKER)


@functools.lru_cache(maxsize=1024)
def quick_validator(schema: bytes) -> jsonschema_rs.Draft4Validator | None:
    """jsonschema-rs's Draft 4 validator of a parameter schema without ``format`` (where the two libraries' format
    checks differ); None for the others."""
    if b'"format"' in schema:
        return None
    try:
        return jsonschema_rs.Draft4Validator(orjson.loads(schema))
    except ValueError:
        return None


def quickly_accepted(schema: bytes, value: Any) -> bool:
    """Whether jsonschema-rs accepts ``value`` at once. A value it rejects, or a schema it is not used for, goes to
    Connexion's validator, which words the error and has the last word: jsonschema-rs only saves the time of
    the valid majority (it is the stricter of the two: a pattern's ``$`` does not match before a final newline)."""
    quick = quick_validator(schema)
    if quick is None:
        return False
    try:
        return bool(quick.is_valid(value))
    except ValueError:
        return False


def parameter_validator_class(id_pattern: str | None) -> type[RealServerParameterValidator]:
    """``RealServerParameterValidator`` leaving path ids of ``id_pattern`` to the handlers."""
    return type("PackParameterValidator", (RealServerParameterValidator,), {"id_pattern": id_pattern})
