"""Shared fixtures: one app per session (default world, seed 1), world reset before each test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

# httpx imports httpcore on first use; if that happened inside a pytester run (a plugin test of any pack), the run's
# module snapshot would drop it again and httpx would no longer map the errors of a fresh httpcore: a refused
# connection would escape as httpcore.ConnectError instead of httpx.ConnectError. Imported here, for every run.
import httpcore  # noqa: F401
import pytest

from mockserver import Settings, create_app, engines  # first: imports Connexion with its foreign warnings silenced
from mockserver.app import MockApp
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.store import Schema, Store
from tests import ci_skips, postgres

if TYPE_CHECKING:
    from starlette.testclient import TestClient

VERSIONS = tuple(ADAPTERS)
"""The WEBKNOSSOS versions, oldest first (the pack's one list)."""


FIGURES = "figures"
"""A test's ``record_property(FIGURES, line)``: the line is shown in the run's summary (also from xdist workers)."""
_figures: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    ci_skips.register(config)  # in CI a skip needs an allowed reason


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _figures.extend(f"{report.nodeid}: {value}" for name, value in report.user_properties if name == FIGURES)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _figures:
        terminalreporter.section("figures")
        for line in _figures:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def app() -> MockApp:
    return create_app(Settings(seed=1, recipe="default"))


@pytest.fixture(scope="session")
def session_client(app: MockApp) -> Iterator[TestClient]:
    with app.test_client() as client:
        yield client


@pytest.fixture
def client(app: MockApp, session_client: TestClient) -> TestClient:
    """A client on a freshly reset world."""
    app.backend.store.reset()
    return session_client


@pytest.fixture(scope="session")
def tokens(app: MockApp) -> dict[str, str]:
    return {u.role: u.token for u in app.backend.world.known_users}


@pytest.fixture(scope="session")
def auth(tokens: dict[str, str]) -> Any:
    """``auth("admin")`` → the headers of that known user."""

    def headers(role: str) -> dict[str, str]:
        return {"X-Auth-Token": tokens[role]}

    return headers


ENGINES = ("sqlite", "postgresql")
"""The store engines; tests of the store interface run on each (``open_store``)."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL server the tests may create databases on (``tests/postgres.py``)."""
    yield from postgres.server()


@pytest.fixture(scope="session", autouse=True)
def store_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """``MOCKSERVER_TEST_ENGINE=postgresql``: every app a test builds without ``state`` keeps its world in a new
    PostgreSQL database instead of memory (a pack's whole suite, run on the other engine)."""
    engine = os.environ.get("MOCKSERVER_TEST_ENGINE", "sqlite")
    if engine == "sqlite":
        yield engine
        return
    server = request.getfixturevalue("postgres_server")

    def on_postgres(schema: Schema, state: str | None = None, namespace: str = "mockserver") -> Store:
        return engines.open_store(schema, state or postgres.new_database(server), namespace)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mockserver.app.open_store", on_postgres)
        yield engine


@pytest.fixture
def postgres_database(postgres_server: str) -> str:
    """The URL of a new, empty database."""
    return postgres.new_database(postgres_server)


@pytest.fixture(params=ENGINES)
def open_store(request: pytest.FixtureRequest) -> Iterator[Callable[[Schema], Store]]:
    """``open_store(schema)`` → an empty store of that engine (PostgreSQL: a schema of its own), closed after."""
    stores: list[Store] = []
    if request.param == "sqlite":
        def opened(schema: Schema) -> Store:
            stores.append(Store.open(schema))
            return stores[-1]
    else:
        from mockserver.store_postgres import PostgresStore

        url = request.getfixturevalue("postgres_server")

        def opened(schema: Schema) -> Store:
            stores.append(PostgresStore.connect(schema, url, postgres.namespace()))
            return stores[-1]
    yield opened
    for store in stores:
        if store.engine != "sqlite":
            store.drop()
        store.close()
