"""``create_app``: one Connexion app serving every WEBKNOSSOS API version from one world."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from typing import Any

import connexion
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.validators import VALIDATOR_MAP, TextResponseBodyValidator
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from mockserver import statefile
from mockserver.admin import Control, mount_admin
from mockserver.api import Api, Backend
from mockserver.auth import passthrough_security_handler_class, security_handler_class
from mockserver.errors import NOT_FOUND_TEXT, UNAUTHORIZED_TEXT, ApiError
from mockserver.middleware import ApiVersionMiddleware, BodyLimitMiddleware
from mockserver.resolver import VersionResolver
from mockserver.scenarios import apply_all
from mockserver.settings import Settings
from mockserver.specs import SpecLoader, spec_path, tested_documents
from mockserver.store import Store
from mockserver.validation import (
    RealServerParameterValidator,
    ValidatorCache,
    request_body_validator_class,
    response_validator_class,
)
from mockserver.versions import ADAPTERS, LATEST
from mockserver.world import Recipe, WorldInfo, build_world, known_users

logger = logging.getLogger("mockserver")

ErrorHandler = Callable[[ConnexionRequest, Exception], ConnexionResponse]


class MockApp(connexion.AsyncApp):  # type: ignore[misc]
    """A Connexion ``AsyncApp`` that also carries its ``Backend`` (store, world, settings)."""

    backend: Backend
    control: Control
    """Journal, latency and fault rules, snapshots (``/__admin``, the pytest plugin)."""


def open_world(settings: Settings, store: Store | None = None) -> tuple[Store, WorldInfo]:
    """The store of ``settings`` (a fresh seeded world, or the persisted one of ``--state``)."""
    resumed = statefile.check(settings) if store is None else None
    store = store or Store.open(settings.state)
    if store.is_empty():
        with store.transaction():  # the world, its scenarios and its identity land together
            world = build_world(store, settings.seed, Recipe.load(settings.recipe), settings.base_url)
            apply_all(settings.scenario, store, world)
            statefile.stamp(store, world.seed, world.recipe)
    else:
        found = statefile.identity(store) or statefile.Identity(settings.seed, settings.recipe)
        world = WorldInfo(found.seed, found.recipe, known_users(store))
        if resumed:
            logger.info("resumed %s (%s)", settings.state, found)
    store.mark_initial()
    return store, world


def create_app(settings: Settings | None = None, *, store: Store | None = None) -> MockApp:
    """Build the app: ``/api/v1`` … ``/api/v5``, ``/api`` (latest) and the datastore's ``/data``; validation on."""
    settings = settings or Settings()
    store, world = open_world(settings, store)
    # a resumed --state world keeps its own seed and recipe (the default admin key follows them too)
    settings = dataclasses.replace(settings, seed=world.seed, recipe=world.recipe, reset_state=False)
    backend = Backend(store=store, settings=settings, world=world)
    validator = response_validator_class(ValidatorCache())
    app = MockApp(
        __name__,
        pythonic_params=True,
        security_map={"apiKey": security_handler_class(store)},
        validator_map={"parameter": RealServerParameterValidator,
                       "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": request_body_validator_class()}),
                       "response": MediaTypeDict({"*/*json": validator, "text/plain": TextResponseBodyValidator})},
    )
    app.backend = backend
    app.control = mount_admin(app, backend)  # first: its journal middleware must be the outermost
    mounts = [(version, f"/api/{version}") for version in ADAPTERS]  # "/api" = latest: ApiVersionMiddleware
    loader = SpecLoader()
    documents = {version: loader.bundle(spec_path(version)) for version in ADAPTERS}
    with tested_documents():
        for version, base_path in mounts:
            app.add_api(
                documents[version],
                base_path=base_path,
                name=base_path.strip("/").replace("/", "-"),
                resolver=VersionResolver(Api(backend, ADAPTERS[version])),
                validate_responses=settings.validate_responses,
                strict_validation=False,
                resolver_error=501,
            )
        app.add_api(
            loader.bundle(spec_path("datastore")),
            base_path="/data",
            name="data",
            resolver=VersionResolver(Api(backend, ADAPTERS[LATEST])),
            validate_responses=settings.validate_responses,
            strict_validation=False,
            resolver_error=501,
            security_map={"apiKey": passthrough_security_handler_class()},
        )
    app.add_middleware(ApiVersionMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, versions=ADAPTERS, latest=LATEST)
    app.add_middleware(BodyLimitMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, max_bytes=settings.max_body_bytes)
    app.add_error_handler(ApiError, render_api_error)
    app.add_error_handler(ProblemException, render_problem)
    app.add_error_handler(HTTPException, http_exception_renderer(documents, mounts))
    app.add_error_handler(UnicodeDecodeError, render_undecodable)
    app.add_error_handler(RecursionError, render_too_deep)
    app.add_error_handler(OverflowError, render_overflow)
    app.add_error_handler(MultiPartException, render_malformed_multipart)
    app.add_error_handler(Exception, render_unexpected)
    return app


def error_response(status: int, error: str | None = None, body: dict[str, Any] | None = None) -> ConnexionResponse:
    """An error in the WEBKNOSSOS formats: plain text for 401, the JSON envelope otherwise."""
    if status == 401:
        return ConnexionResponse(status_code=401, body=UNAUTHORIZED_TEXT.encode(), mimetype="text/plain")
    payload = body if body is not None else {"messages": [{"error": error or ""}]}
    return ConnexionResponse(status_code=status, body=orjson.dumps(payload), mimetype="application/json",
                             headers={"Cache-Control": "no-cache"})


def render_api_error(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, body=exc.body)


def render_problem(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Connexion's problems (validation, security, routing) in the WEBKNOSSOS formats."""
    assert isinstance(exc, ProblemException)
    if exc.status >= 500:
        logger.error("%s: %s", exc.title, exc.detail)
    return error_response(exc.status, str(exc.detail or exc.title))


def http_exception_renderer(documents: dict[str, Any], mounts: list[tuple[str, str]]) -> ErrorHandler:
    """Starlette's 404/405 in the WEBKNOSSOS format; a 405 lists every method the spec gives the path."""
    routes = [(re.compile(base + re.sub(r"\{[^/}]+\}", "[^/]+", path)),
               {m.upper() for m in item if m in {"get", "put", "post", "patch", "delete"}})
              for version, base in mounts for path, item in documents[version]["paths"].items()]

    def render_http_exception(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        texts: dict[int, str] = {404: NOT_FOUND_TEXT, 405: "Method not allowed on this route."}
        response = error_response(exc.status_code, texts.get(exc.status_code, str(exc.detail)))
        if exc.status_code == 405:  # RFC 9110: every method of the path, not just those of the first route
            methods = set().union(*(m for pattern, m in routes if pattern.fullmatch(request.url.path)))
            methods |= {"HEAD"} if "GET" in methods else set()
            response.headers["Allow"] = ", ".join(sorted(methods)) or (exc.headers or {}).get("Allow", "")
        return response

    return render_http_exception


def render_undecodable(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return error_response(400, f"Invalid Json: the body is not valid UTF-8 ({exc})")


def render_too_deep(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return error_response(400, "Invalid Json: the body is nested too deeply")


def render_malformed_multipart(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return error_response(400, f"Malformed multipart body: {exc}")


def render_overflow(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    return error_response(400, f"Number out of range: {exc}")


def render_unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    logger.exception("unexpected error", exc_info=exc)
    return error_response(500, f"Internal error: {type(exc).__name__}")


def describe(app: MockApp) -> dict[str, Any]:
    """What ``mockserver serve`` prints: URLs and the known tokens."""
    base = app.backend.settings.base_url
    return {
        "url": f"{base}/api",
        "docs": f"{base}/api/{LATEST}/ui/",
        "users": [(u.role, u.email, u.token) for u in app.backend.world.known_users],
    }
