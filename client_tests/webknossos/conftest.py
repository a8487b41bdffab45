"""Fixtures of the client tests: one ``mockserver serve`` per session, client contexts per role."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import webknossos as wk
from mockserve import CLIENT_VERSION, RECIPE, Mock, api_prefix


@pytest.fixture(scope="session")
def mock() -> Iterator[Mock]:
    server = Mock("--recipe", str(RECIPE), "--seed", "1")
    yield server
    server.stop()


@pytest.fixture
def as_role(mock: Mock) -> Callable[[str], contextlib.AbstractContextManager[None]]:
    """``with as_role("admin"): …`` runs client calls with that user's token against the mock."""

    def context(role: str) -> contextlib.AbstractContextManager[None]:
        manager: contextlib.AbstractContextManager[None] = wk.webknossos_context(url=mock.url, token=mock.tokens[role])
        return manager

    return context


@pytest.fixture
def sent_urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs of every request the client sends through httpx during the test."""
    seen: list[str] = []
    original = httpx.Client.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        seen.append(str(request.url))
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    return seen


def pytest_report_header() -> list[str]:
    return [f"webknossos client {CLIENT_VERSION} (WK routes under {api_prefix()}), Python {sys.version.split()[0]}"]
