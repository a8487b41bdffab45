"""An IDAH app per session on the default recipe (seed 1) and one on the empty recipe; worlds reset per test.

``Client`` sends requests the way the IDAH frontend does: the ``auth-token`` cookie (or a bearer header),
``application/vnd.api+json`` bodies and Rack-style query strings with percent-encoded brackets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp

BASE = "/api/v1/dataset"
JSONAPI = "application/vnd.api+json"


def rack_query(*pairs: tuple[str, Any]) -> str:
    """``key=value`` pairs as the frontend encodes them (brackets and colons percent-encoded)."""
    return "&".join(f"{quote(key, safe='')}={quote(str(value), safe='')}" for key, value in pairs)


class Client:
    """A frontend-like client of one role (its token in the ``auth-token`` cookie, or as a bearer header)."""

    def __init__(self, http: TestClient, token: str | None, cookie: bool = True) -> None:
        self.http, self.headers = http, {}
        if token is not None and cookie:
            self.headers["Cookie"] = f"auth-token={token.removeprefix('Bearer ')}"
        elif token is not None:
            self.headers["Authorization"] = token

    def get(self, path: str, *pairs: tuple[str, Any]) -> Any:
        query = f"?{rack_query(*pairs)}" if pairs else ""
        return self.http.get(f"{BASE}{path}{query}", headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, media_type: str = JSONAPI) -> Any:
        content = None if body is None else __import__("json").dumps(body)
        headers = {**self.headers, **({"Content-Type": media_type} if body is not None else {})}
        return self.http.request(method, f"{BASE}{path}", content=content, headers=headers)

    def post(self, path: str, body: Any = None, media_type: str = JSONAPI) -> Any:
        return self.send("POST", path, body, media_type)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.send("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.send("DELETE", path)

    def rpc(self, calls: Any) -> Any:
        return self.post("/annotations/_rpc", calls, "application/json")


@pytest.fixture(scope="session")
def idah_app() -> MockApp:
    return create_app(Settings(api="idah", seed=1, recipe="default"))


@pytest.fixture(scope="session")
def empty_app() -> MockApp:
    return create_app(Settings(api="idah", seed=1, recipe="empty"))


@pytest.fixture
def http(idah_app: MockApp) -> Iterator[TestClient]:
    idah_app.backend.store.reset()
    with idah_app.test_client() as client:
        yield client


@pytest.fixture
def fresh_http(empty_app: MockApp) -> Iterator[TestClient]:
    empty_app.backend.store.reset()
    with empty_app.test_client() as client:
        yield client


@pytest.fixture
def as_role(http: TestClient, idah_app: MockApp) -> Any:
    """``as_role("annotator")``: a frontend-like client of a seeded account (default world)."""
    return lambda role, cookie=True: Client(http, idah_app.backend.world.token(role), cookie)


@pytest.fixture
def fresh_role(fresh_http: TestClient, empty_app: MockApp) -> Any:
    """``fresh_role("owner")``: a client of a seeded account on the empty world."""
    return lambda role, cookie=True: Client(fresh_http, empty_app.backend.world.token(role), cookie)
