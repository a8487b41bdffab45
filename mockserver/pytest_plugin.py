"""pytest plugin (entry point ``pytest11``): a running mock per test session, a clean world per test.

Fixtures::

    mockserver              (function) a real server on 127.0.0.1 (uvicorn in a thread), world reset
                            for the test: ``url`` (server URL), ``api_url`` (API URL of the test's version),
                            ``url_for(version)``, ``token(role)``, ``client(role)``,
                            ``world`` (arrangement), ``journal``, ``assert_called(…)``, ``fault(…)``
    mockserver_inprocess    (function) the same without a socket, for httpx/starlette test clients
    mockserver_factory      (session)  ``mockserver_factory(settings)``: more servers (or apps) by settings
    mockserver_settings     (session)  override: settings of the shared server (not seed or recipe)
    mockserver_seed         override: seed of the world (default 1)
    mockserver_recipe       override: recipe of the world (default ``default``)
    mockserver_api          override: the API pack served (default ``webknossos``)
    mockserver_version      override: API version of ``url_for()``/``client()`` (default: the pack's latest)

Markers: ``@pytest.mark.mockserver_scenario("paused_project", …)`` loads scenarios after the reset;
``@pytest.mark.mockserver_allow_errors`` lets a test pass although the mock logged errors (else any
error inside the mock while serving the test fails that test, with the mock's exception chained).

One app per process serves every world: a world is built once per (seed, recipe) and each test
starts from a restored snapshot of it (about a millisecond for the default recipe).
"""

from __future__ import annotations

import dataclasses
import functools
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from mockserver.errors import ServerError
from mockserver.foreign_warnings import silenced

if TYPE_CHECKING:
    from mockserver.admin import Control
    from mockserver.app import MockApp
    from mockserver.faults import Rule
    from mockserver.journal import Entry, Journal
    from mockserver.pack import Pack
    from mockserver.scenarios import Applied
    from mockserver.server import BackgroundServer
    from mockserver.settings import Settings
    from mockserver.store import Store

LOCAL_URL = "http://mockserver.local"
"""Base URL of in-process clients (no socket)."""


# servers of this process ---------------------------------------------------------------------------


class Running:
    """An app of the pool; ``serve()`` starts its uvicorn thread on first use."""

    def __init__(self, settings: Settings) -> None:
        self.sock = socket.socket()
        try:
            self.sock.bind(("127.0.0.1", 0))
            port = self.sock.getsockname()[1]
            with silenced():
                from mockserver.app import create_app

            self.app: MockApp = create_app(dataclasses.replace(settings, host="127.0.0.1", port=port))
        except BaseException:
            self.sock.close()  # a failed start must not leak the socket (ResourceWarning in the user's run)
            raise
        self.url = f"http://127.0.0.1:{port}"
        self.server: BackgroundServer | None = None
        self._lock = threading.Lock()

    @property
    def control(self) -> Control:
        return self.app.control

    def serve(self) -> str:
        with self._lock:
            if self.server is None:
                from mockserver.server import BackgroundServer

                self.server = BackgroundServer(self.app, self.sock).start()
        return self.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        else:
            self.sock.close()
        self.app.backend.store.close()


class Pool:
    """The apps of this process by settings; a session stops the ones it started (see ``Factory``)."""

    def __init__(self) -> None:
        self.running: dict[Settings, Running] = {}
        self.lock = threading.Lock()


@functools.cache
def _pool() -> Pool:
    return Pool()


class Factory:
    """``mockserver_factory``: ``factory(settings, serve=True)`` → a ``Running`` app, shared in the process."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.owned: list[Settings] = []

    def __call__(self, settings: Settings | None = None, *, serve: bool = True) -> Running:
        from mockserver.settings import Settings

        settings = settings or Settings(request_log_limit=0)
        with self.pool.lock:
            running = self.pool.running.get(settings)
            if running is None:
                running = self.pool.running[settings] = Running(settings)
                self.owned.append(settings)
        if serve:
            running.serve()
        return running

    def close(self) -> None:
        with self.pool.lock:
            for settings in self.owned:
                self.pool.running.pop(settings).stop()
            self.owned.clear()


# what a test sees ---------------------------------------------------------------------------------


class MockServer:
    """One mock seen from a test: URLs and tokens, arrangement, journal, rules and assertions."""

    def __init__(self, running: Running, url: str, version: str, *, in_process: bool = False) -> None:
        self.running, self.url, self.version, self.in_process = running, url.rstrip("/"), version, in_process
        self.refs: dict[str, str] = {}
        """Ids kept by the steps (``as:``) of the scenarios loaded for this test."""
        self._clients: list[httpx.Client] = []
        self._world: Any = None

    # where and who

    @property
    def app(self) -> MockApp:
        return self.running.app

    @property
    def control(self) -> Control:
        return self.running.control

    @property
    def pack(self) -> Pack:
        return self.app.pack

    def url_for(self, version: str | None = None) -> str:
        """The API URL of ``version`` (WEBKNOSSOS ``"v3"``: ``…/api/v3``); the test's ``mockserver_version`` by
        default; ``"latest"``: the latest version (WEBKNOSSOS: ``…/api``). ``url`` is the server URL (the root)."""
        return self.pack.api_url(self.url, version or self.version)

    @property
    def api_url(self) -> str:
        """The API URL of the test's version (``url_for()``; ``…/api/v5`` unless ``mockserver_version`` says)."""
        return self.url_for()

    @property
    def tokens(self) -> dict[str, str]:
        """Role (WEBKNOSSOS: ``admin``, ``manager``, ``user``) → token (sent in the pack's ``auth_header``)."""
        return {u.role: u.token for u in self.control.world.known_users}

    def token(self, role: str = "user") -> str:
        return self.tokens[role]

    def headers(self, role: str | None = "user") -> dict[str, str]:
        return {self.pack.auth_header: self.token(role)} if role else {}

    @property
    def admin_key(self) -> str:
        return self.app.backend.settings.effective_admin_key

    @property
    def asgi(self) -> Any:
        """The app for ``httpx.ASGITransport(app=…)``: connection faults raise in the client."""
        from mockserver.faults import InProcess

        return InProcess(self.app)

    def client(self, role: str | None = "user", version: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client on ``url_for(version)`` sending ``role``'s token (None: anonymous); closed after the test."""
        return self._client(self.url_for(version), self.headers(role), kwargs)

    def admin(self, **kwargs: Any) -> httpx.Client:
        """An httpx client on ``/__admin`` sending the admin key."""
        return self._client(f"{self.url}/__admin", {"X-Admin-Key": self.admin_key}, kwargs)

    def _client(self, base_url: str, headers: dict[str, str], kwargs: dict[str, Any]) -> httpx.Client:
        options: dict[str, Any] = {"base_url": base_url, "headers": headers, **kwargs}
        if self.in_process:
            with silenced():
                from starlette.testclient import TestClient

            client: httpx.Client = TestClient(self.asgi, **options)
        else:
            client = httpx.Client(**options)
        self._clients.append(client)
        return client

    # the world

    @property
    def store(self) -> Store:
        return self.control.store

    @property
    def world(self) -> Any:
        """The pack's arrangement helpers over the store (WEBKNOSSOS: ``mockserver.world.add_task(project=…)``)."""
        if self._world is None:
            self._world = self.control.arranger("test")
        return self._world

    def load_scenario(self, name_or_path: str) -> Applied:
        applied = self.control.load_scenario(name_or_path)
        self.refs.update(applied.refs)
        return applied

    def reset(self, seed: int, recipe: str) -> None:
        self.control.reset(seed, recipe)
        self.control.journal.take_errors()
        self._world = None
        self.refs.clear()

    # journal and rules

    @property
    def journal(self) -> Journal:
        return self.control.journal

    def calls(self, method: str | None = None, path: str | None = None) -> list[Entry]:
        """The requests of this test, newest first (``path`` is a route pattern: ``/api/*/tasks/{id}``)."""
        return self.journal.entries(method, path)

    def assert_called(self, method: str, path: str, times: int | None = None) -> list[Entry]:
        """Assert that ``method path`` was requested (exactly ``times`` times, if given); returns the calls."""
        calls = self.calls(method, path)
        if (times is None and not calls) or (times is not None and len(calls) != times):
            expected = "at least once" if times is None else f"{times} time(s)"
            seen = "\n".join(f"  {e.method} {e.path} → {e.status}" for e in reversed(self.calls()[:30])) or "  (none)"
            raise AssertionError(f"expected {method} {path} {expected}, got {len(calls)}; requests so far:\n{seen}")
        return calls

    def assert_not_called(self, method: str, path: str) -> None:
        self.assert_called(method, path, times=0)

    def fault(self, kind: str, path: str = "/**", *, method: str | None = None, **params: Any) -> Rule:
        """Add a fault rule (``status``, ``reset``, ``drop``, ``timeout``, ``truncate``); keyword names as in
        the admin API, snake_case allowed (``keep_bytes=10``)."""
        return self.control.rules.add({"kind": kind, "path": path, "method": method, **_camel(params)})

    def latency(self, path: str = "/**", *, method: str | None = None, **params: Any) -> Rule:
        """Add latency: ``delay_ms=200`` or ``min_ms=50, max_ms=300`` (seeded random)."""
        return self.fault("latency", path, method=method, **params)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()


def _camel(params: dict[str, Any]) -> dict[str, Any]:
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    return {camel(key): value for key, value in params.items()}


# fixtures -----------------------------------------------------------------------------------------

_HANDLES = pytest.StashKey[list[MockServer]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mockserver_scenario(*names): load these scenarios (names or YAML paths) "
                                       "into the mockserver world before the test")
    config.addinivalue_line("markers", "mockserver_allow_errors: do not fail the test when the mock logged errors")


@pytest.fixture(scope="session")
def mockserver_factory() -> Iterator[Factory]:
    """Start (or reuse) mock servers by ``Settings``; the ones started here stop at the end of the session."""
    factory = Factory(_pool())
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def mockserver_settings() -> Settings:
    """Settings of the shared server (host, port, seed and recipe are chosen by the plugin and the test)."""
    from mockserver.settings import Settings

    return Settings(request_log_limit=0)


@pytest.fixture
def mockserver_seed() -> int:
    """Seed of the test's world; override to use another world."""
    return 1


@pytest.fixture
def mockserver_recipe() -> str:
    """Recipe of the test's world (``default``, ``large``, ``tiny`` or a path); override to change."""
    return "default"


@pytest.fixture
def mockserver_api() -> str:
    """The API pack of the test's mock (``webknossos``, or any installed pack); override to change."""
    return "webknossos"


@pytest.fixture
def mockserver_version(mockserver_api: str) -> str:
    """API version of ``mockserver.url_for()`` and ``mockserver.client()`` (default: the pack's latest)."""
    from mockserver.pack import load_pack

    return load_pack(mockserver_api).latest.name


def _prepared(request: pytest.FixtureRequest, handle: MockServer, seed: int, recipe: str) -> MockServer:
    handle.reset(seed, recipe)
    for marker in request.node.iter_markers("mockserver_scenario"):
        for name in marker.args:
            handle.load_scenario(name)
    request.node.stash.setdefault(_HANDLES, []).append(handle)
    return handle


@pytest.fixture
def mockserver(request: pytest.FixtureRequest, mockserver_factory: Factory, mockserver_settings: Settings,
               mockserver_api: str, mockserver_seed: int, mockserver_recipe: str,
               mockserver_version: str) -> Iterator[MockServer]:
    """A running mock on 127.0.0.1 with the world of ``mockserver_seed``/``mockserver_recipe``, fresh for this test."""
    running = mockserver_factory(dataclasses.replace(mockserver_settings, api=mockserver_api))
    handle = _prepared(request, MockServer(running, running.url, mockserver_version), mockserver_seed,
                       mockserver_recipe)
    yield handle
    handle.close()


@pytest.fixture
def mockserver_inprocess(request: pytest.FixtureRequest, mockserver_factory: Factory, mockserver_settings: Settings,
                         mockserver_api: str, mockserver_seed: int, mockserver_recipe: str,
                         mockserver_version: str) -> Iterator[MockServer]:
    """Like ``mockserver`` without a socket: ``client()`` is a starlette ``TestClient``, ``asgi`` the app."""
    running = mockserver_factory(dataclasses.replace(mockserver_settings, api=mockserver_api), serve=False)
    handle = _prepared(request, MockServer(running, LOCAL_URL, mockserver_version, in_process=True),
                       mockserver_seed, mockserver_recipe)
    yield handle
    handle.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail the test in which the mock logged an error, with the mock's exception chained."""
    __tracebackhide__ = True
    try:
        return (yield)
    finally:
        for handle in item.stash.get(_HANDLES, []):
            errors = handle.control.journal.take_errors()
            if errors and item.get_closest_marker("mockserver_allow_errors") is None:
                lines = "\n".join(f"  {e.method} {e.path}: {e.message}" for e in errors)
                raise ServerError(f"the mock failed while serving this test:\n{lines}") from errors[0].exception
