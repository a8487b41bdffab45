"""The arguments a handler is called with, with what depends on the operation alone worked out once.

Connexion's parameter decorator (``prep_kwargs``) finds, for every request, the operation's path and query
parameter definitions, their defaults, the body's name and schema, and parses a form even when the body is no
form. ``ArgumentPlan`` keeps those per operation and builds the same arguments from a request whose body is not
a form: path parameters typed by their schema, query parameters over their defaults, the body (or its
schema's default), the security context (``user``, ``token_info``). The path and query parameters are
those request validation resolved (``remember_resolved``), not resolved a second time. A form body
(``multipart/form-data``, ``application/x-www-form-urlencoded``) takes Connexion's own way, as does a Swagger 2
operation.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, MutableMapping
from typing import Any

from connexion.context import _context, _operation
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    _get_query_defaults,
    _get_val_from_param,
    unwrap_decorators,
)
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.lifecycle import ConnexionRequest
from connexion.operations import Swagger2Operation
from connexion.utils import deep_merge, inspect_function_arguments, is_null, is_nullable

RESOLVED = "mockserver.resolved_parameters"
"""The scope extension holding the path and query parameters request validation resolved."""

KNOWN_MEDIA_TYPES = 32
"""Media types whose body schema an operation remembers (clients may send any; the rest are looked up)."""


class ArgumentPlan:
    """The handler arguments of one operation (see the module's docstring)."""

    def __init__(self, operation: Any, function: Callable[..., Any], sanitize: Callable[[str], str]) -> None:
        names, self.has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        self.wanted = frozenset(names)
        self.operation, self.sanitize = operation, sanitize
        parameters = operation.parameters
        self.path = {p["name"]: p for p in parameters if p["in"] == "path"}
        self.query = {p["name"]: p for p in parameters if p["in"] == "query"}
        self.query_defaults = _get_query_defaults(self.query)
        self.trace = operation.method.upper() == "TRACE"
        self.takes_body = bool(names or self.has_kwargs) and operation.is_request_body_defined
        self.body_name = sanitize(operation.body_name(""))  # OpenAPI 3: x-body-name, whatever the media type
        self.reads_body = self.body_name in self.wanted or self.has_kwargs
        self._schemas: dict[str, dict[str, Any]] = {}

    @classmethod
    def of(cls, function: Callable[..., Any], sanitize: Callable[[str], str]) -> ArgumentPlan | None:
        """The plan of the operation of the current request (None for Swagger 2: Connexion's way throughout)."""
        operation = _operation.get()
        return None if isinstance(operation, Swagger2Operation) else cls(operation, function, sanitize)

    def wants(self, name: str) -> bool:
        return self.has_kwargs or name in self.wanted

    async def arguments(self, request: Any) -> dict[str, Any] | None:
        """The handler's keyword arguments for ``request``; None for a form body (Connexion's way)."""
        mimetype = request.mimetype
        if mimetype in FORM_CONTENT_TYPES:
            return None
        body = await request.get_body() if self.reads_body else None
        sanitize = self.sanitize
        found: dict[str, Any] = {}
        for name, value in request.path_params.items():
            definition = self.path.get(name)
            found[sanitize(name)] = value if definition is None else _get_val_from_param(value, definition)
        query = deep_merge(copy.deepcopy(self.query_defaults), request.query_params)
        for name, value in query.items():
            key = sanitize(name)
            definition = self.query.get(name)
            if definition is not None and self.wants(key):
                found[key] = _get_val_from_param(value, definition)
        if self.takes_body and not self.trace and self.reads_body:
            found[self.body_name] = self.body_value(body, mimetype)
        kwargs = {sanitize(key): value for key, value in found.items()}
        context = _context.get()
        for key, value in context.items():
            if self.wants(key):
                kwargs[key] = value
        if CONTEXT_NAME in self.wanted:
            kwargs[CONTEXT_NAME] = context
        return kwargs

    def body_value(self, body: Any, mimetype: str) -> Any:
        """The body argument: the body; None for a null the schema allows; the schema's default for none."""
        schema = self.body_schema(mimetype)
        if is_nullable(schema) and is_null(body):
            return None
        if body is None:
            return copy.deepcopy(schema.get("default", {}))
        return body

    def body_schema(self, mimetype: str) -> dict[str, Any]:
        schema = self._schemas.get(mimetype)
        if schema is None:
            schema = self.operation.body_schema(mimetype)
            if len(self._schemas) < KNOWN_MEDIA_TYPES:
                self._schemas[mimetype] = schema
        return schema


def remember_resolved(scope: MutableMapping[str, Any], request: ConnexionRequest) -> None:
    """Keep the path and query parameters ``request`` resolved (each None if it did not) in ``scope``."""
    scope.setdefault("extensions", {})[RESOLVED] = (request._path_params, request._query_params)


def adopt_resolved(request: ConnexionRequest) -> ConnexionRequest:
    """``request`` with the parameters kept in its scope by ``remember_resolved`` (those not kept: resolved when
    asked for). The handler's request is another object than validation's, over the same scope and the
    operation's same parameters, so the resolution would be the same."""
    kept = request.scope.get("extensions", {}).get(RESOLVED)
    if kept is not None:
        request._path_params, request._query_params = kept
    return request
