"""Fast response validation: OpenAPI 3.0 schemas compiled once with jsonschema-rs.

Connexion's stock JSON response validator builds a new ``jsonschema`` validator for every response
(measured at ~200 req/s for a 50-user list). Here each response schema is converted to plain JSON
Schema (``nullable`` → ``null`` in the type) and compiled once per app; bodies are parsed with orjson.
A body that does not fit still fails the request with 500, exactly like the stock validator.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Generator, MutableMapping
from typing import Any

import jsonschema_rs
import orjson
from connexion.exceptions import NonConformingResponseBody
from connexion.validators import JSONResponseBodyValidator

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
