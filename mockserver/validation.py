"""Fast response validation: OpenAPI 3.0 schemas compiled once with jsonschema-rs.

Connexion's stock JSON response validator builds a new ``jsonschema`` validator for every response
(measured at ~200 req/s for a 50-user list). Here each response schema is converted to plain JSON
Schema (``nullable`` → ``null`` in the type) and compiled once per app; bodies are parsed with orjson.
A body that does not fit still fails the request with 500, exactly like the stock validator.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, MutableMapping
from typing import Any

import jsonschema_rs
import orjson
from connexion.exceptions import NonConformingResponseBody
from connexion.validators import JSONRequestBodyValidator, JSONResponseBodyValidator, ParameterValidator

logger = logging.getLogger("mockserver.validation")

_DROP = frozenset({"nullable", "example", "examples", "discriminator", "xml", "externalDocs", "deprecated",
                   "readOnly", "writeOnly"})


def to_json_schema(schema: Any) -> Any:
    """Rewrite an OpenAPI 3.0 schema object (refs already resolved) as a JSON Schema."""
    if isinstance(schema, list):
        return [to_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: _convert_member(key, value) for key, value in schema.items() if key not in _DROP
                 and not key.startswith("x-")}
    if schema.get("nullable") is True:
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def _convert_member(key: str, value: Any) -> Any:
    if key in {"properties", "patternProperties", "definitions", "$defs"} and isinstance(value, dict):
        return {name: to_json_schema(sub) for name, sub in value.items()}
    if key in {"enum", "required", "const"}:
        return value
    return to_json_schema(value)


class ValidatorCache:
    """Compiled validators of one app, keyed by the identity of the (resolved) schema object."""

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[Any, Any]] = {}

    def get(self, schema: dict[str, Any]) -> Any:
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, jsonschema_rs.validator_for(to_json_schema(schema)))
            self._compiled[id(schema)] = entry
        return entry[1]


def response_validator_class(cache: ValidatorCache) -> type[JSONResponseBodyValidator]:
    """A connexion response validator class bound to ``cache`` (for ``validator_map``)."""

    class FastJSONResponseBodyValidator(JSONResponseBodyValidator):  # type: ignore[misc]
        def _parse(self, stream: Generator[bytes, None, None]) -> Any:
            body = b"".join(stream)
            if not body:
                return None
            try:
                return orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise NonConformingResponseBody(str(exc)) from None

        def _validate(self, body: Any) -> None:
            if not self._schema:
                return
            validator = cache.get(self._schema)
            error = next(iter(validator.iter_errors(body)), None)
            if error is not None:
                path = ".".join(str(p) for p in error.instance_path)
                scope: MutableMapping[str, Any] = self._scope
                logger.error("response of %s %s does not conform to the spec: %s at %r",
                             scope.get("method"), scope.get("path"), error.message, path)
                raise NonConformingResponseBody(
                    detail=f"Response body does not conform to specification. {error.message} - '{path}'")

    return FastJSONResponseBodyValidator


OBJECT_ID_PATTERN = "^[0-9a-f]{24}$"


INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class RealServerParameterValidator(ParameterValidator):  # type: ignore[misc]
    """Connexion's parameter validation, plus the ranges of ``int32``/``int64``, minus path id formats.

    The specs declare path ids as ObjectIds; the handlers answer a malformed one as the real server
    does on that route (400 with the route's own text and the ``The passed resource id ‘x’ is
    invalid`` chain, or 404 where the server looks the id up unchecked). Integers beyond their
    format's range are rejected, as the real server's ``Int``/``Long`` parsing does (Connexion does
    not check formats).
    """

    @staticmethod
    def validate_parameter(parameter_type: str, value: Any, param: dict[str, Any],
                           param_name: str | None = None) -> str | None:
        error: str | None = ParameterValidator.validate_parameter(parameter_type, value, param, param_name)
        schema = param.get("schema", param)
        bounds = INTEGER_RANGES.get(schema.get("format", ""))
        if error is None and bounds and isinstance(value, int) and not bounds[0] <= value <= bounds[1]:
            return f"{value} is out of the {schema['format']} range of {parameter_type} parameter '{param['name']}'"
        return error

    def validate_path_parameter(self, param: dict[str, Any], request: Any) -> str | None:
        schema = param.get("schema", {})
        if schema.get("pattern") == OBJECT_ID_PATTERN:
            param = {**param, "schema": {key: value for key, value in schema.items() if key != "pattern"}}
        error: str | None = super().validate_path_parameter(param, request)
        return error


def without_object_id_patterns(schema: Any, copies: dict[int, Any] | None = None) -> Any:
    """``schema`` without the ObjectId ``pattern`` (the handlers check ids, with the real error texts).

    Shared sub-schemas stay shared and cycles stay cycles (Connexion attaches the document's
    ``components`` to the schemas it validates with, and bundled documents share sub-schemas).
    """
    copies = {} if copies is None else copies
    if not isinstance(schema, (dict, list)):
        return schema
    if id(schema) in copies:
        return copies[id(schema)]
    if isinstance(schema, list):
        items: list[Any] = copies.setdefault(id(schema), [])
        items.extend(without_object_id_patterns(item, copies) for item in schema)
        return items
    result: dict[str, Any] = copies.setdefault(id(schema), {})
    for key, value in schema.items():
        if not (key == "pattern" and value == OBJECT_ID_PATTERN):
            result[key] = without_object_id_patterns(value, copies)
    return result


def request_body_validator_class() -> type[JSONRequestBodyValidator]:
    """Connexion's JSON body validator, minus the ObjectId patterns (converted once per schema)."""
    converted: dict[int, tuple[Any, Any]] = {}

    class IdTolerantJSONRequestBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
        def __init__(self, *, schema: dict[str, Any], **kwargs: Any) -> None:
            entry = converted.get(id(schema))
            if entry is None or entry[0] is not schema:
                entry = converted[id(schema)] = (schema, without_object_id_patterns(schema))
            super().__init__(schema=entry[1], **kwargs)

    return IdTolerantJSONRequestBodyValidator
