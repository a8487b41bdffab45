"""A Cytomine app per session (default recipe, seed 1); the world is reset per test. Clients sign as the real
client does (``signed``) or send a bearer token (``as_role``)."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.packs.cytomine.auth import sign

Headers = Callable[..., dict[str, str]]


@pytest.fixture(scope="session")
def cy_app() -> MockApp:
    return create_app(Settings(api="cytomine", seed=1, recipe="default"))


@pytest.fixture
def cy(cy_app: MockApp) -> Iterator[TestClient]:
    """A client on the freshly reset default world."""
    cy_app.backend.store.reset()
    with cy_app.test_client() as client:
        yield client


@pytest.fixture
def as_role(cy_app: MockApp) -> Callable[[str], dict[str, str]]:
    """``as_role("user")``: the bearer header of a known user (admin, user, guest)."""
    return lambda role: {"Authorization": cy_app.backend.world.token(role)}


@pytest.fixture
def keys(cy_app: MockApp) -> Callable[[str], tuple[str, str]]:
    """(publicKey, privateKey) of a known user."""

    def of(role: str) -> tuple[str, str]:
        user = next(u for u in cy_app.backend.world.known_users if u.role == role)
        found = dict(user.credentials)
        return found["publicKey"], found["privateKey"]

    return of


def signature_headers(public: str, private: str, method: str, path: str, content_type: str = "",
                      legacy: bool = False, date: str | None = None) -> dict[str, str]:
    """The headers client 4.x (or, ``legacy``, 3.x) sends: ``date``, content type and the CYTOMINE signature."""
    date = date or email.utils.formatdate(usegmt=False).replace("-0000", "+0000")
    token = f"{method}\n\n{content_type}\n{date}" + (f"\n{path}" if legacy else "")
    headers = {"date": date, "authorization": f"CYTOMINE {public}:{sign(private, token)}"}
    if content_type:
        headers["content-type"] = content_type
    return headers


@pytest.fixture
def signed(keys: Callable[[str], tuple[str, str]]) -> Headers:
    def headers(role: str, method: str, path: str, **options: Any) -> dict[str, str]:
        return signature_headers(*keys(role), method, path, **options)

    return headers


def created(response: Any, key: str) -> dict[str, Any]:
    """The object of a command envelope, after checking the envelope."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"message", "callback", "printMessage", "command"} <= set(body), body
    assert isinstance(body["command"], int)
    found: dict[str, Any] = body[key]
    return found
