"""The core's tests run against the echo pack (``tests/packs/echo``): nothing here knows WEBKNOSSOS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.pack import Pack, load_pack, register, unregister
from tests.packs.echo import pack as echo_pack


@pytest.fixture(scope="session", autouse=True)
def echo() -> Iterator[Pack]:
    """The echo pack, registered as an installed pack would be."""
    register("echo", echo_pack)
    yield load_pack("echo")
    unregister("echo")


@pytest.fixture(scope="session")
def echo_app(echo: Pack) -> MockApp:
    return create_app(Settings(api="echo", seed=3))


@pytest.fixture
def echo_client(echo_app: MockApp) -> Iterator[TestClient]:
    """A client on a freshly reset echo world."""
    echo_app.backend.store.reset()
    echo_app.control.rules.clear()
    with echo_app.test_client() as client:
        yield client


@pytest.fixture
def key(echo_app: MockApp) -> dict[str, str]:
    """The plain account's headers."""
    return {"X-Echo-Key": echo_app.backend.world.token("user")}
