"""The request pipeline's own pieces answer exactly as Connexion's: handler arguments (``arguments``), the validation
layers (``checks``) and the parameters resolved once (validation → handler).

One small spec is served twice: by Connexion's ``AsyncApp`` as it comes (with the mock's validators), and with
the mock's handler wiring (``operations.Api``) and validation layers. Every request gets the same status, body
and headers from both, and each handler is called with the same arguments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import connexion
import pytest
from connexion.middleware import ConnexionMiddleware
from connexion.resolver import Resolver

from mockserver import operations
from mockserver.arguments import RESOLVED
from mockserver.body_validation import request_body_validator_class
from mockserver.checks import RequestChecksMiddleware, ResponseChecksMiddleware, content_type_of, with_checks
from mockserver.parameter_validation import parameter_validator_class
from mockserver.response_validation import ValidatorCache, response_validator_class

OBJECT = {"type": "object"}
ANSWER = {"200": {"description": "the arguments", "content": {"application/json": {"schema": OBJECT}}}}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "pipeline", "version": "1"},
    "components": {"securitySchemes": {"key": {
        "type": "apiKey", "in": "header", "name": "X-Key",
        "x-apikeyInfoFunc": "tests.core.test_request_pipeline.key_info"}}},
    "paths": {
        "/items/{itemId}": {
            "parameters": [{"name": "itemId", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {"operationId": "show", "responses": ANSWER, "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}},
                {"name": "tags", "in": "query", "explode": False,
                 "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "integer"}}},
                {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                {"name": "type", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                {"name": "ratio", "in": "query", "schema": {"type": "number", "nullable": True}},
                {"name": "unused", "in": "query", "schema": {"type": "string", "default": "u"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string", "pattern": "^t"}},
            ]},
            "post": {"operationId": "change", "responses": ANSWER, "requestBody": {"content": {
                "application/json": {"schema": {"type": "object", "default": {"name": "d"},
                                                "properties": {"name": {"type": "string"}}}}}}},
            "put": {"operationId": "replace", "responses": ANSWER, "security": [{"key": []}], "requestBody": {
                "x-body-name": "payload", "required": True,
                "content": {"application/json": {"schema": {"type": "object", "nullable": True}},
                            "text/plain": {"schema": {"type": "string"}}}}},
            "delete": {"operationId": "remove", "responses": ANSWER},
        },
        "/forms": {"post": {"operationId": "form", "responses": ANSWER, "requestBody": {"content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object",
                                                             "properties": {"n": {"type": "integer"}}}}}}}},
        "/anything/{name}": {"patch": {"operationId": "anything", "responses": ANSWER, "security": [{"key": []}],
                                       "parameters": [{"name": "name", "in": "path", "required": True,
                                                       "schema": {"type": "string"}},
                                                      {"name": "q", "in": "query", "schema": {"type": "string"}}],
                                       "requestBody": {"content": {"application/json": {"schema": OBJECT}}}}},
        "/wrong": {"get": {"operationId": "wrong", "responses": {"200": {
            "description": "declares JSON, answers text", "content": {"application/json": {"schema": OBJECT}}}}}},
    },
}


def key_info(key: str, required_scopes: Any = None) -> dict[str, Any] | None:
    return {"sub": f"user-{key}", "scope": []} if key.startswith("k") else None


def _answer(**kwargs: Any) -> dict[str, Any]:
    return {name: repr(value) for name, value in sorted(kwargs.items())}


async def show(item_id: int, limit: int, tags: Any = None, ids: Any = None, flag: Any = None, type_: Any = None,
               ratio: Any = None) -> dict[str, Any]:
    return _answer(item_id=item_id, limit=limit, tags=tags, ids=ids, flag=flag, type_=type_, ratio=ratio)


async def change(item_id: int, body: Any) -> dict[str, Any]:
    return _answer(item_id=item_id, body=body)


async def replace(item_id: int, payload: Any, user: Any = None, token_info: Any = None) -> dict[str, Any]:
    return _answer(item_id=item_id, payload=payload, user=user, token_info=token_info)


async def remove(item_id: int, context_: Any = None) -> dict[str, Any]:
    return _answer(item_id=item_id, context=dict(context_ or {}))


async def form(body: Any) -> dict[str, Any]:
    return _answer(body=body)


async def anything(**kwargs: Any) -> dict[str, Any]:
    return _answer(**kwargs)


async def wrong() -> Any:
    return connexion.lifecycle.ConnexionResponse(body="plain", mimetype="text/plain", status_code=200)


HANDLERS: dict[str, Callable[..., Any]] = {
    f.__name__: f for f in (show, change, replace, remove, form, anything, wrong)}


def _app(ours: bool) -> connexion.AsyncApp:
    validators = {"parameter": parameter_validator_class(None),
                  "body": {**connexion.validators.VALIDATOR_MAP["body"],
                           "application/json": request_body_validator_class(None)},
                  "response": {"application/json": response_validator_class(ValidatorCache())}}
    middlewares = with_checks(ConnexionMiddleware.default_middlewares) if ours else None
    app = connexion.AsyncApp(__name__, middlewares=middlewares, pythonic_params=True, validator_map=validators)
    if ours:
        app._middleware_app.api_cls = operations.Api
    app.add_api(SPEC, resolver=Resolver(function_resolver=HANDLERS.__getitem__), validate_responses=True)
    return app


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/items/7", {}),
    ("GET", "/items/7?limit=3&tags=a,b&ids=1&ids=2&flag=true&type=a&ratio=0.5&other=x", {}),
    ("GET", "/items/7?tags=&flag=no&ratio=null", {}),
    ("GET", "/items/7?limit=x", {}),
    ("GET", "/items/x", {}),
    ("GET", "/items/7?type=c", {}),
    ("GET", "/items/7", {"headers": {"X-Trace": "nope"}}),
    ("POST", "/items/7", {"json": {"name": "n"}}),
    ("POST", "/items/7", {}),
    ("POST", "/items/7", {"json": {"name": 3}}),
    ("POST", "/items/7", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
    ("POST", "/items/7", {"content": b'{"name": "c"}', "headers": {"content-type": "application/json; charset=utf-8"}}),
    ("POST", "/items/7", {"content": b"x", "headers": {"Content-Type": "text/csv"}}),
    ("POST", "/items/7", {"content": b"x", "headers": {"Content-Type": "APPLICATION/JSON"}}),
    ("PUT", "/items/7", {"json": {"a": 1}, "headers": {"X-Key": "k1"}}),
    ("PUT", "/items/7", {"content": b"null", "headers": {"X-Key": "k1", "Content-Type": "application/json"}}),
    ("PUT", "/items/7", {"content": b"text", "headers": {"X-Key": "k1", "Content-Type": "text/plain"}}),
    ("PUT", "/items/7", {"headers": {"X-Key": "k1"}}),
    ("PUT", "/items/7", {"json": {"a": 1}}),
    ("PUT", "/items/7", {"json": {"a": 1}, "headers": {"X-Key": "bad"}}),
    ("DELETE", "/items/7", {}),
    ("POST", "/forms", {"data": {"n": "4"}}),
    ("POST", "/forms", {"data": {"n": "x"}}),
    ("POST", "/forms", {"files": {"n": ("n.txt", b"4")}}),
    ("PATCH", "/anything/zed?q=1&z=2", {"json": {"b": [1]}, "headers": {"X-Key": "k2"}}),
    ("PATCH", "/anything/zed", {"headers": {"X-Key": "k2"}}),
    ("GET", "/wrong", {}),
]


@pytest.fixture(scope="module")
def clients() -> Any:
    with _app(ours=False).test_client() as connexions, _app(ours=True).test_client() as ours:
        yield connexions, ours


@pytest.mark.parametrize(("method", "path", "options"), REQUESTS, ids=[f"{m} {p} {i}" for i, (m, p, _) in
                                                                       enumerate(REQUESTS)])
def test_every_request_is_answered_as_connexion_answers_it(clients: Any, method: str, path: str,
                                                           options: dict[str, Any]) -> None:
    connexions, ours = clients
    expected = connexions.request(method, path, **options)
    found = ours.request(method, path, **options)
    assert (found.status_code, found.text) == (expected.status_code, expected.text)
    assert found.headers.get("content-type") == expected.headers.get("content-type")


def test_the_handlers_are_called_and_get_typed_arguments(clients: Any) -> None:
    """The equality above means something: the handlers run, with typed values and defaults."""
    _, ours = clients
    shown = ours.get("/items/7?tags=a,b&ids=1&ids=2&flag=true").json()
    assert shown == {"item_id": "7", "limit": "10", "tags": "['a', 'b']", "ids": "[1, 2]", "flag": "True",
                     "type_": "None", "ratio": "None"}
    # no body: the schema's default, inserted by body validation (as JSON bytes, the request having no Content-Type)
    assert ours.post("/items/7").json()["body"] == repr(b'{"name": "d"}')
    assert ours.post("/items/7", json={"name": "n"}).json()["body"] == "{'name': 'n'}"
    replaced = ours.put("/items/7", json={"a": 1}, headers={"X-Key": "k1"}).json()
    assert replaced["user"] == "'user-k1'" and replaced["payload"] == "{'a': 1}"
    assert ours.put("/items/7", json={"a": 1}).status_code == 401
    assert ours.post("/items/7", content=b"x", headers={"Content-Type": "text/csv"}).status_code == 415
    assert json.loads(ours.patch("/anything/zed?q=1", json={}, headers={"X-Key": "k2"}).text)["q"] == "'1'"


def test_the_handler_reads_the_parameters_validation_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parameters are resolved once a request: by validation, kept in the scope, taken by the handler."""
    from connexion.uri_parsing import OpenAPIURIParser

    resolved: list[str] = []
    resolve_path = OpenAPIURIParser.resolve_path

    def counted(self: Any, path_data: Any) -> Any:
        resolved.append("path")
        return resolve_path(self, path_data)

    monkeypatch.setattr(OpenAPIURIParser, "resolve_path", counted)
    seen: list[Any] = []

    async def spy(item_id: int, limit: int, **_: Any) -> dict[str, Any]:
        seen.append(connexion.context.scope["extensions"].get(RESOLVED))
        return {}

    monkeypatch.setitem(HANDLERS, "show", spy)
    with _app(ours=True).test_client() as ours:
        assert ours.get("/items/8?limit=2").status_code == 200
    assert resolved == ["path"]
    assert seen and seen[0][0] == {"itemId": 8}


def test_the_mock_app_runs_these_layers() -> None:
    from mockserver import Settings, create_app

    app = create_app(Settings(seed=1))
    with app.test_client():
        kinds = {type(layer) for layer in app.middleware.middleware_stack}
    assert {RequestChecksMiddleware, ResponseChecksMiddleware} <= kinds


@pytest.mark.parametrize(("headers", "expected"), [
    ([(b"content-type", b"application/json")], "application/json"),
    ([(b"Content-Type", b"text/plain; charset=latin-1"), (b"content-type", b"x/y")], "text/plain; charset=latin-1"),
    ([(b"accept", b"a/b")], None),
    ({"CONTENT-TYPE": "a/b"}, "a/b"),
    ([], None),
])
def test_the_content_type_is_the_first_header_of_that_name(headers: Any, expected: str | None) -> None:
    assert content_type_of(headers) == expected
