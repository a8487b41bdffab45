"""``create_app``: one Connexion app serving every version of one API pack from one world."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import connexion
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import ConnexionMiddleware, MiddlewarePosition
from connexion.validators import VALIDATOR_MAP, TextResponseBodyValidator
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Receive, Scope, Send

from mockserver import operations, statefile
from mockserver.admin import ADMIN_ERRORS, Control, mount_admin
from mockserver.backend import Backend
from mockserver.body_validation import request_body_validator_class
from mockserver.checks import with_checks
from mockserver.engines import open_store
from mockserver.errors import ConfigurationError, HttpError
from mockserver.fastpath import FastPathMiddleware, vary_headers
from mockserver.index_page import ApiVersion, IndexPage, IndexPageMiddleware
from mockserver.journal import ADMIN_PREFIX
from mockserver.media_types import KnownMediaTypes
from mockserver.middleware import BodyLimitMiddleware
from mockserver.pack import ErrorFormat, Middleware, Pack, load_pack
from mockserver.parameter_validation import parameter_validator_class
from mockserver.resolver import PackResolver
from mockserver.resources import spec_dir
from mockserver.response_validation import ValidatorCache, response_validator_class
from mockserver.routeindex import index_routers
from mockserver.scenarios import apply_all
from mockserver.security import with_known_signatures
from mockserver.settings import Settings
from mockserver.specs import SpecLoader, tested_documents
from mockserver.store import Store
from mockserver.world import WorldInfo

logger = logging.getLogger("mockserver")

ErrorHandler = Callable[[ConnexionRequest, Exception], ConnexionResponse]


class MockApp(connexion.AsyncApp):  # type: ignore[misc]
    """A Connexion ``AsyncApp`` that also carries its ``Backend`` (store, world, settings, pack)."""

    backend: Backend
    control: Control
    """Journal, latency and fault rules, snapshots (``/__admin``, the pytest plugin)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._middleware_app.api_cls = operations.Api  # handler wiring built once per operation
        self._routes_indexed = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._routes_indexed:  # the first call (uvicorn's lifespan start, or a test's first request)
            self._routes_indexed = True
            stack = self.middleware
            if stack.middleware_stack is None:  # built now, as Connexion's first call would
                stack.app, stack.middleware_stack = stack._build_middleware_stack()
            index_routers(stack.middleware_stack)
        await self.middleware(scope, receive, send)

    @property
    def pack(self) -> Pack:
        return self.backend.pack


def open_world(settings: Settings, pack: Pack, store: Store | None = None) -> tuple[Store, WorldInfo]:
    """The store of ``settings`` (a fresh seeded world, or the persisted one of ``--state``)."""
    tables = frozenset(cls.table for cls in pack.schema.records)
    resumed = statefile.check(settings, tables) if store is None else None
    if store is None:
        store = open_store(pack.schema, settings.state, pack.name)
        if store.engine != "sqlite" and settings.reset_state:
            store.drop()
            store.create_schema()
    built = None
    with store.transaction():  # the first of several servers builds the world, the others wait and join it
        if store.is_empty():
            world = built = pack.build_world(store, settings.seed, settings.recipe, settings.base_url)
            apply_all(pack, settings.scenario, store, world)  # the world, its scenarios and its identity land together
            statefile.stamp(store, world.seed, world.recipe)
            store.origin = f"built the world of seed {world.seed}, recipe {world.recipe}"
    if built is None:
        found = statefile.identity(store)
        if store.engine != "sqlite":
            resumed = statefile.matching(settings, found, store.location)
        found = found or statefile.Identity(settings.seed, settings.recipe)
        world = pack.open_world(store, found.seed, found.recipe)
        store.origin = f"joined the world of {found}"
        if resumed:
            logger.info("resumed %s (%s)", store.location if store.engine != "sqlite" else settings.state, found)
    if built is not None or not store.has_initial():
        store.mark_initial()
    return store, world


def create_app(settings: Settings | None = None, *, store: Store | None = None, pack: Pack | None = None) -> MockApp:
    """Build the app of ``pack`` (default: the one ``settings.api`` names): every version, validation on."""
    settings = settings or Settings()
    pack = pack or load_pack(settings.api)
    store, world = open_world(settings, pack, store)
    # a resumed --state world keeps its own seed and recipe (the default admin key follows them too)
    settings = dataclasses.replace(settings, seed=world.seed, recipe=world.recipe, reset_state=False)
    backend = Backend(store=store, settings=settings, world=world, pack=pack)
    validator = response_validator_class(ValidatorCache())
    app = MockApp(
        __name__,
        middlewares=with_checks(ConnexionMiddleware.default_middlewares),
        pythonic_params=True,
        security_map=with_known_signatures(pack.security(store)),
        validator_map={"parameter": parameter_validator_class(pack.id_pattern),
                       "body": KnownMediaTypes({**VALIDATOR_MAP["body"],
                                                "*/*json": request_body_validator_class(pack.id_pattern)}),
                       "response": KnownMediaTypes({"*/*json": validator, "text/plain": TextResponseBodyValidator})},
    )
    app.backend = backend
    app.control = mount_admin(app, backend)  # first: its journal middleware must be the outermost
    loader = SpecLoader()
    documents = {version.name: loader.bundle(version.spec_path) for version in pack.versions}
    contexts = {version.name: pack.context(backend, version) for version in pack.versions}
    common = {"validate_responses": settings.validate_responses, "strict_validation": False, "resolver_error": 501}
    with tested_documents():
        for version in pack.versions:
            app.add_api(documents[version.name], base_path=version.base_path, name=f"{pack.name}-{version.name}",
                        resolver=PackResolver(pack.handlers, contexts[version.name]), **common)
        for mount in pack.mounts:
            security = {"security_map": with_known_signatures(mount.security(store))} if mount.security else {}
            app.add_api(loader.bundle(spec_dir() / mount.spec),
                        base_path=mount.base_path, name=mount.name,
                        resolver=PackResolver(pack.handlers, contexts[mount.version]), **security, **common)
    app.add_middleware(IndexPageMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, page=lambda: index_page(app))
    if backend.answers.enabled:  # inside the journal, CORS, rules and index page; before the pack's middleware
        app.add_middleware(FastPathMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, answers=backend.answers,
                           vary=vary_headers(pack.auth_header, pack.vary))
    # the mode's first (outside the pack's: Label Studio's sessions come before its routing quirks), Basic auth last
    for middleware, options in (*mode_middleware(pack, backend), *pack.middleware(pack), *basic_auth(pack, settings)):
        app.add_middleware(middleware, MiddlewarePosition.BEFORE_EXCEPTION, **options)
    app.add_middleware(BodyLimitMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, max_bytes=settings.max_body_bytes,
                       errors=pack.errors)
    add_error_handlers(app, pack, [(v.base_path, documents[v.name]) for v in pack.versions])
    return app


def mode_middleware(pack: Pack, backend: Backend) -> tuple[Middleware, ...]:
    """What ``settings.mode`` adds (nothing in the default mode); an unknown mode is a ``ConfigurationError``."""
    name = backend.settings.mode
    if name is None:
        return ()
    mode = pack.modes.get(name)
    if mode is None:
        offered = ", ".join(sorted(pack.modes)) or "none"
        raise ConfigurationError(f"--mode {name}: the {pack.name} pack has no such mode (its modes: {offered})")
    if backend.settings.password is not None and not mode.basic_auth:
        raise ConfigurationError(f"--password: the {pack.name} pack's {name} mode has no HTTP Basic auth")
    return mode.middleware(pack, backend)


def basic_auth(pack: Pack, settings: Settings) -> tuple[Middleware, ...]:
    """The pack's HTTP Basic middleware when ``settings`` has a password (inside the pack's own middleware)."""
    if settings.password is None:
        return ()
    if pack.basic_auth is None:
        raise ConfigurationError(f"--password: the {pack.name} pack has no HTTP Basic auth")
    return (pack.basic_auth(pack, settings.username, settings.password),)


def add_error_handlers(app: MockApp, pack: Pack, mounts: list[tuple[str, dict[str, Any]]]) -> None:
    """Every failure of a request in the error format of the API it was for (the pack's, or the admin API's)."""
    renderer = ErrorRenderer(pack.errors, mounts, pack.translate)
    app.add_error_handler(HttpError, renderer.http_error)
    app.add_error_handler(ProblemException, renderer.problem)
    app.add_error_handler(HTTPException, renderer.http_exception)
    for exception, text in FAILURE_TEXTS.items():
        app.add_error_handler(exception, renderer.failure(text))
    app.add_error_handler(Exception, renderer.unexpected)


FAILURE_TEXTS: dict[type[Exception], Callable[[Exception], str]] = {
    UnicodeDecodeError: lambda exc: f"the body is not valid UTF-8 ({exc})",
    RecursionError: lambda exc: "the body is nested too deeply",
    OverflowError: lambda exc: f"Number out of range: {exc}",
    MultiPartException: lambda exc: f"Malformed multipart body: {exc}",
}
"""Request bodies the framework cannot read: a 400 with these texts."""


class ErrorRenderer:
    """Renders errors in ``errors``' format (``/__admin``: the admin API's); 405s list every method of the path."""

    def __init__(self, errors: ErrorFormat, mounts: list[tuple[str, dict[str, Any]]],
                 translate: Callable[[Exception, Mapping[str, Any]], HttpError | None] | None = None) -> None:
        self.errors, self.translate = errors, translate
        self.routes = [(re.compile(base + re.sub(r"\{[^/}]+\}", "[^/]+", path)),
                        {m.upper() for m in item if m in {"get", "put", "post", "patch", "delete"}})
                       for base, document in mounts for path, item in document["paths"].items()]

    def format_of(self, request: ConnexionRequest) -> ErrorFormat:
        return ADMIN_ERRORS if request.url.path.startswith(ADMIN_PREFIX) else self.errors

    def response(self, request: ConnexionRequest, status: int, detail: str | None) -> ConnexionResponse:
        return self.as_response(status, self.format_of(request).render(status, detail))

    @staticmethod
    def as_response(status: int, rendered: tuple[bytes, str, dict[str, str]]) -> ConnexionResponse:
        body, media_type, headers = rendered
        return ConnexionResponse(status_code=status, body=body, mimetype=media_type, headers=headers)

    def translated(self, request: ConnexionRequest, exc: Exception) -> HttpError | None:
        """The pack's own answer to a framework failure (not under ``/__admin``), or None."""
        if self.translate is None or request.url.path.startswith(ADMIN_PREFIX):
            return None
        return self.translate(exc, request.scope)

    def http_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HttpError)
        rendered = exc.rendered()
        if rendered is None:
            return self.response(request, exc.status, exc.detail)
        return self.as_response(exc.status, rendered)

    def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Connexion's problems (validation, security, routing)."""
        assert isinstance(exc, ProblemException)
        if exc.status >= 500:
            logger.error("%s: %s", exc.title, exc.detail)
        if (answer := self.translated(request, exc)) is not None:
            return self.http_error(request, answer)
        return self.response(request, exc.status, str(exc.detail or exc.title))

    def http_exception(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Starlette's 404/405 with the API's own texts; a 405 lists every method the spec gives the path."""
        assert isinstance(exc, HTTPException)
        detail = None if exc.status_code in (404, 405) else str(exc.detail)
        response = self.response(request, exc.status_code, detail)
        if exc.status_code == 405:  # RFC 9110: every method of the path, not just those of the first route
            methods = set().union(*(m for pattern, m in self.routes if pattern.fullmatch(request.url.path)))
            methods |= {"HEAD"} if "GET" in methods else set()
            response.headers["Allow"] = ", ".join(sorted(methods)) or (exc.headers or {}).get("Allow", "")
        return response

    def failure(self, text: Callable[[Exception], str]) -> ErrorHandler:
        def render(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
            if (answer := self.translated(request, exc)) is not None:
                return self.http_error(request, answer)
            return self.response(request, 400, text(exc))

        return render

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        logger.exception("unexpected error", exc_info=exc)
        return self.response(request, 500, f"Internal error: {type(exc).__name__}")


def describe(app: MockApp) -> dict[str, Any]:
    """What ``mockserver serve`` prints: the server URL (the root), the API URL (the latest version; WEBKNOSSOS:
    ``/api``), each version's URL, docs, admin UI and the known users with their tokens."""
    server, pack = app.backend.settings.base_url, app.pack
    return {
        "server_url": server,
        "api_url": pack.api_url(server),
        "latest": pack.latest.name,
        "versions": {version.name: pack.api_url(server, version.name) for version in pack.versions},
        "docs": pack.docs_url(server),
        "admin": f"{server}{ADMIN_PREFIX}/ui/",
        "auth_header": pack.auth_header,
        "users": [(u.role, u.email, u.token) for u in app.backend.world.known_users],
    }


def index_page(app: MockApp) -> IndexPage:
    """The page a browser gets at the server, API and version URLs: versions, admin UI, the known users' roles."""
    pack = app.pack
    latest_note = f"the latest, also at {pack.latest_path}" if pack.latest_path else "the latest"
    versions = tuple(ApiVersion(v.name, v.base_path, latest_note if v is pack.latest else "")
                     for v in reversed(pack.versions))
    return IndexPage(title=f"mockserver: {pack.title} {', '.join(pack.version_names)}",
                     api_path=pack.latest_path or pack.latest.base_path or "/", versions=versions,
                     admin_path=f"{ADMIN_PREFIX}/ui/", auth_header=pack.auth_header,
                     users=tuple((u.role, u.email) for u in app.backend.world.known_users))
