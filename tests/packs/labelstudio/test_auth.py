"""serve --username/--password: HTTP Basic auth as ``label-studio start --username U --password P`` asks for it."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app


def basic(pair: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}


@pytest.fixture(scope="module")
def guarded() -> Iterator[TestClient]:
    with create_app(Settings(api="labelstudio", recipe="empty", username="alice", password="s3cret")
                    ).test_client() as client:
        yield client


def test_every_route_asks_for_the_pair(guarded: TestClient) -> None:
    for method, path in (("GET", "/api/health"), ("GET", "/version"), ("POST", "/api/project/import"),
                         ("POST", "/predict"), ("HEAD", "/api/health"), ("GET", "/api/tasks/0/")):
        refused = guarded.request(method, path)
        assert (refused.status_code, refused.headers["www-authenticate"]) == (401, 'Basic realm="Login Required"')
    refused = guarded.get("/api/project", headers=basic("alice:nope"))
    assert (refused.headers["content-type"], refused.text) == (
        "text/html; charset=utf-8", "Could not verify your access level for that URL.\n"
                                    "You have to login with proper credentials")
    assert guarded.get("/api/health", headers={"Authorization": "Bearer s3cret"}).status_code == 401
    assert guarded.get("/api/health", headers=basic("alice:s3cret")).status_code == 200


def test_options_unknown_routes_and_wrong_methods_stay_open(guarded: TestClient) -> None:
    assert guarded.options("/api/project").status_code == 200
    assert guarded.get("/api/nope").status_code == 404
    assert guarded.delete("/api/health").status_code == 405


def test_the_default_user_is_ls() -> None:
    with create_app(Settings(api="labelstudio", recipe="empty", password="pw")).test_client() as client:
        assert client.get("/api/health", headers=basic("ls:pw")).status_code == 200
        assert client.get("/api/health", headers=basic("alice:pw")).status_code == 401
