"""Fast response validation: OpenAPI 3.0 schemas compiled once with jsonschema-rs.

Connexion's stock JSON response validator builds a new ``jsonschema`` validator for every response
(measured at ~200 req/s for a 50-user list). Here each response schema is converted to plain JSON
Schema (``nullable`` → ``null`` in the type) and compiled once per app; bodies are parsed with orjson.
A body that does not fit still fails the request with 500, exactly like the stock validator.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import logging
from collections import OrderedDict
from collections.abc import Generator, MutableMapping
from typing import Any

import jsonschema_rs
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import JSONRequestBodyValidator, JSONResponseBodyValidator, ParameterValidator
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from mockserver.arguments import remember_resolved
from mockserver.violations import body_invalid, malformed_json, parameter_invalid

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


class Body:
    """A response body as a key: hashed by its length and its first and last bytes, equal by all of them. A new
    body (a new ``bytes`` object each response) is looked up without hashing it whole, 0.2 ms a megabyte; one that
    matches is compared byte for byte, which is ten times faster than the hash."""

    __slots__ = ("_hash", "data")
    ENDS = 128

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._hash = hash((len(data), data[:self.ENDS], data[-self.ENDS:]))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Body) and self.data == other.data


class ValidatorCache:
    """Compiled validators of one app, keyed by the identity of the (resolved) schema object, and the
    response bodies each one has already accepted.

    Validation is a pure function of (schema, body bytes): a body byte-for-byte equal to one that
    passed needs no second check. Accepted bodies are remembered up to ``max_bytes`` in all (least
    recently used first out); a body that was never seen, such as one built from a record that no
    longer fits its schema, is always validated.
    """

    def __init__(self, max_bytes: int = 32 * 1024 * 1024, max_body_bytes: int = 2 * 1024 * 1024) -> None:
        self._compiled: dict[int, tuple[Any, Any]] = {}
        self._accepted: OrderedDict[tuple[int, Body], None] = OrderedDict()
        self._accepted_bytes = 0
        self.max_bytes, self.max_body_bytes = max_bytes, max_body_bytes

    def get(self, schema: dict[str, Any]) -> Any:
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            entry = (schema, jsonschema_rs.validator_for(to_json_schema(schema)))
            self._compiled[id(schema)] = entry
            self._forget(id(schema))
        return entry[1]

    def accepted(self, schema: dict[str, Any], body: bytes) -> bool:
        """Whether ``body`` already passed ``schema``'s validator."""
        key = (id(schema), Body(body))
        if key in self._accepted and self._compiled.get(id(schema), (None,))[0] is schema:
            self._accepted.move_to_end(key)
            return True
        return False

    def remember(self, schema: dict[str, Any], body: bytes) -> None:
        """Note that ``body`` passed ``schema``'s validator."""
        key = (id(schema), Body(body))
        if len(body) > self.max_body_bytes or key in self._accepted:
            return
        self._accepted[key] = None
        self._accepted_bytes += len(body)
        while self._accepted_bytes > self.max_bytes:
            (_, dropped), _ = self._accepted.popitem(last=False)
            self._accepted_bytes -= len(dropped.data)

    def _forget(self, schema_id: int) -> None:
        for key in [key for key in self._accepted if key[0] == schema_id]:
            del self._accepted[key]
            self._accepted_bytes -= len(key[1].data)


def response_validator_class(cache: ValidatorCache) -> type[JSONResponseBodyValidator]:
    """A connexion response validator class bound to ``cache`` (for ``validator_map``)."""

    class FastJSONResponseBodyValidator(JSONResponseBodyValidator):  # type: ignore[misc]
        _raw: bytes = b""

        def _parse(self, stream: Generator[bytes, None, None]) -> Any:
            body = self._raw = b"".join(stream)
            if not body:
                return None
            if self._schema and cache.accepted(self._schema, body):
                return ACCEPTED
            try:
                return orjson.loads(body)
            except orjson.JSONDecodeError as exc:
                raise NonConformingResponseBody(str(exc)) from None

        def _validate(self, body: Any) -> None:
            if not self._schema or body is ACCEPTED:
                return
            validator = cache.get(self._schema)
            error = next(iter(validator.iter_errors(body)), None)
            if error is None:
                cache.remember(self._schema, self._raw)
                return
            path = ".".join(str(p) for p in error.instance_path)
            scope: MutableMapping[str, Any] = self._scope
            logger.error("response of %s %s does not conform to the spec: %s at %r",
                         scope.get("method"), scope.get("path"), error.message, path)
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to specification. {error.message} - '{path}'")

    return FastJSONResponseBodyValidator


ACCEPTED = object()
"""What ``_parse`` returns for a body the schema already accepted (nothing left to validate)."""


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


def without_id_patterns(schema: Any, id_pattern: str, copies: dict[int, Any] | None = None) -> Any:
    """``schema`` without the id ``pattern`` (the handlers check ids, with the real error texts).

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
        items.extend(without_id_patterns(item, id_pattern, copies) for item in schema)
        return items
    result: dict[str, Any] = copies.setdefault(id(schema), {})
    for key, value in schema.items():
        if not (key == "pattern" and value == id_pattern):
            result[key] = without_id_patterns(value, id_pattern, copies)
    return result


def request_body_validator_class(id_pattern: str | None) -> type[JSONRequestBodyValidator]:
    """Connexion's JSON body validator, minus the pack's id patterns (converted once per schema)."""
    converted: dict[int, tuple[Any, Any, Any]] = {}

    class IdTolerantJSONRequestBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
        def __init__(self, *, schema: dict[str, Any], **kwargs: Any) -> None:
            entry = converted.get(id(schema))
            if entry is None or entry[0] is not schema:
                stripped = schema if id_pattern is None else without_id_patterns(schema, id_pattern)
                validator = Draft4RequestValidator(stripped, format_checker=Draft4Validator.FORMAT_CHECKER)
                entry = converted[id(schema)] = (schema, stripped, validator)
            super().__init__(schema=entry[1], **kwargs)
            self._compiled = entry[2]

        @property
        def _validator(self) -> Any:
            """Connexion builds a validator per request; the schema's own one is reused here."""
            return self._compiled

        async def _parse(self, stream: Any, scope: Any) -> Any:
            try:
                return await super()._parse(stream, scope)
            except BadRequestProblem as problem:
                if isinstance(problem.__context__, json.JSONDecodeError):
                    raise malformed_json(problem.__context__) from None
                raise

        def _validate(self, body: Any) -> None:
            """Every violation of the body at once (as Play reports them), in the API's words."""
            if body is None and not self._nullable:
                super()._validate(body)
            problem = body_invalid(self._compiled.iter_errors(body))
            if problem is not None:
                raise problem

    return IdTolerantJSONRequestBodyValidator


class KnownMediaTypes(MediaTypeDict):  # type: ignore[misc]
    """Connexion's ``MediaTypeDict`` (keys may be ranges, ``*/*json``; the most specific one answers) that
    remembers which key answered a media type: Connexion looks the validator up two or three times a request,
    and each lookup sorts the keys and matches them one by one. Up to ``MEMORY`` media types are remembered
    (a request's ``Content-Type`` is the client's to choose)."""

    MEMORY = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys: dict[str, str | None] = {}

    def __getitem__(self, item: str) -> Any:
        if item in self._keys:
            key = self._keys[item]
            if key is None:
                raise KeyError(item)
            return dict.__getitem__(self, key)
        key = next((key for key in sorted(self, key=lambda k: ("*" not in k, k), reverse=True)
                    if isinstance(item, str) and fnmatch.fnmatch(item, key)), None)
        if len(self._keys) < self.MEMORY and isinstance(item, str):
            self._keys[item] = key
        if key is None:
            raise KeyError(item)
        return dict.__getitem__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._keys.clear()
