"""Connexion's JSON request body validation with one compiled validator per schema, the pack's id patterns left to
its handlers, and every violation of a body reported at once in the API's words (``violations``)."""

from __future__ import annotations

import json
from typing import Any

from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.validators import JSONRequestBodyValidator
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from mockserver.violations import body_invalid, malformed_json


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
