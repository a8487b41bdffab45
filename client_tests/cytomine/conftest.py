"""Fixtures of the Cytomine client tests: one ``mockserver serve --api cytomine`` per session, the world reset
and the client connected as the superadmin before each test."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
from cytomine import Cytomine
from mockserve import CLIENT_VERSION, Mock


@pytest.fixture(scope="session")
def mock() -> Iterator[Mock]:
    server = Mock("--seed", "1")
    yield server
    server.stop()


@pytest.fixture
def connect(mock: Mock) -> Callable[[str], Cytomine]:
    """``connect("user")``: the client connected with that user's key pair from the banner."""
    return lambda role: Cytomine.connect(mock.host, *mock.keys(role))


@pytest.fixture
def admin(mock: Mock, connect: Callable[[str], Cytomine]) -> Cytomine:
    """A fresh world and the client connected as the superadmin."""
    mock.reset()
    return connect("admin")


def pytest_report_header() -> list[str]:
    return [f"cytomine-python-client {CLIENT_VERSION}, Python {sys.version.split()[0]}"]
