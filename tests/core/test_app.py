"""create_app over a pack: its versions, auth, error format and context, the admin API in its own format."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp, describe
from mockserver.cli import main
from mockserver.errors import ConfigurationError
from mockserver.pack import Mode, Pack
from mockserver.store import Store
from mockserver.world import WorldInfo
from tests.packs.echo import Account


def error(response: object) -> dict[str, object]:
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert set(body) == {"error"}, body
    return dict(body["error"])


def test_every_version_is_mounted_under_its_base_path_with_its_context(echo_client: TestClient,
                                                                        key: dict[str, str]) -> None:
    v1 = echo_client.get("/echo/v1/notes", headers=key).json()
    v2 = echo_client.get("/echo/v2/notes", headers=key).json()
    assert v1 and [n["text"].upper() for n in v1] == [n["text"] for n in v2]  # the read cache keeps versions apart


def test_the_packs_auth_header_and_error_format(echo_client: TestClient, key: dict[str, str]) -> None:
    assert echo_client.get("/echo/v1/me", headers=key).json()["role"] == "user"
    assert error(echo_client.get("/echo/v1/me")) == {"status": 401, "detail": "no or unknown X-Echo-Key"}
    assert echo_client.get("/echo/v1/me", headers={"X-Auth-Token": key["X-Echo-Key"]}).status_code == 401
    assert error(echo_client.get("/echo/v1/nowhere", headers=key)) == {"status": 404, "detail": "no such route"}
    assert error(echo_client.get("/echo/v1/notes/999", headers=key)) == {"status": 404, "detail": "note 999 not found"}


def test_validation_and_unreadable_bodies_in_the_packs_format(echo_client: TestClient, key: dict[str, str]) -> None:
    assert error(echo_client.get("/echo/v1/notes?limit=-1", headers=key)) == {
        "status": 400, "detail": "query parameter limit must be at least 0"}
    assert error(echo_client.get("/echo/v1/notes?limit=x", headers=key)) == {
        "status": 400, "detail": "query parameter limit must be of type integer"}
    assert error(echo_client.post("/echo/v1/notes", headers=key, json={})) == {
        "status": 400, "detail": "field text is missing"}
    broken = echo_client.post("/echo/v1/notes", headers={**key, "Content-Type": "application/json"}, content=b"\xff{")
    assert error(broken)["status"] == 400


def test_405_lists_the_methods_of_the_path(echo_client: TestClient, key: dict[str, str]) -> None:
    response = echo_client.put("/echo/v1/notes/1", headers=key, json={})
    assert response.status_code == 405 and response.headers["Allow"] == "DELETE, GET, HEAD"
    assert error(response) == {"status": 405, "detail": "method not allowed"}


def test_body_limit_answers_413_in_the_packs_format(echo_app: MockApp, echo_client: TestClient,
                                                      key: dict[str, str]) -> None:
    limit = echo_app.backend.settings.max_body_bytes
    response = echo_client.post("/echo/v1/notes", headers={**key, "Content-Length": str(limit + 1)}, content=b"{}")
    assert response.status_code == 413 and error(response)["status"] == 413


def test_a_chunked_body_is_read_as_sent(echo_client: TestClient, key: dict[str, str]) -> None:
    """Without Content-Length (Transfer-Encoding: chunked) the body still reaches validation and handler."""
    def chunks() -> Iterator[bytes]:
        yield b'{"text": '
        yield b'"sent in pieces"}'

    created = echo_client.post("/echo/v2/notes", headers={**key, "Content-Type": "application/json"},
                               content=chunks())
    assert created.status_code == 201, created.text
    assert created.json()["text"] == "SENT IN PIECES"

    def too_long() -> Iterator[bytes]:
        yield b'{"text": "'
        yield b"x" * (64 * 1024 * 1024)
        yield b'"}'

    refused = echo_client.post("/echo/v2/notes", headers={**key, "Content-Type": "application/json"},
                               content=too_long())
    assert refused.status_code == 413 and error(refused)["status"] == 413


def test_writes_are_stateful_and_reset_restores_the_start(echo_app: MockApp, echo_client: TestClient,
                                                          key: dict[str, str]) -> None:
    created = echo_client.post("/echo/v2/notes", headers=key, json={"text": "hello"})
    assert created.status_code == 201 and created.json()["text"] == "HELLO"
    assert echo_client.get(f"/echo/v1/notes/{created.json()['id']}", headers=key).json()["text"] == "hello"
    echo_app.backend.store.reset()
    assert echo_client.get(f"/echo/v1/notes/{created.json()['id']}", headers=key).status_code == 404


def test_injected_faults_use_the_packs_error_format(echo_client: TestClient, echo_app: MockApp,
                                                    key: dict[str, str]) -> None:
    admin = {"X-Admin-Key": echo_app.backend.settings.effective_admin_key}
    rule = {"kind": "status", "path": "/echo/**", "status": 503}
    assert echo_client.post("/__admin/rules", headers=admin, json=rule).status_code == 201
    response = echo_client.get("/echo/v1/notes", headers=key)
    assert response.status_code == 503 and error(response) == {"status": 503, "detail": "Injected fault (mockserver)"}


def test_the_admin_api_keeps_its_own_format(echo_client: TestClient, echo_app: MockApp) -> None:
    admin = {"X-Admin-Key": echo_app.backend.settings.effective_admin_key}
    info = echo_client.get("/__admin/", headers=admin).json()
    assert [u["role"] for u in info["users"]] == ["owner", "user"]
    missing = echo_client.post("/__admin/snapshots/nope/restore", headers=admin)
    assert missing.status_code == 404 and missing.json() == {"messages": [{"error": "No snapshot named 'nope'"}]}
    wrong = echo_client.get("/__admin/", headers={"X-Admin-Key": "wrong"})
    assert wrong.status_code == 401 and wrong.text.startswith("Missing or wrong X-Admin-Key")


def test_describe_names_the_packs_urls_and_header(echo_app: MockApp) -> None:
    info = describe(echo_app)
    assert info["api_url"] == f"{info['server_url']}/echo/v2" and info["docs"] == f"{info['server_url']}/echo/v2/ui/"
    assert info["auth_header"] == "X-Echo-Key" and [role for role, _, _ in info["users"]] == ["owner", "user"]


def test_the_store_has_the_packs_tables_only(echo_app: MockApp) -> None:
    store: Store = echo_app.backend.store
    tables = set(store.scalars("SELECT name FROM sqlite_master WHERE type = 'table'"))
    assert tables == {"accounts", "notes", "mockserver_world"}  # the pack's tables and the world's identity


def test_browsers_get_the_packs_index_page(echo_client: TestClient) -> None:
    for path in ("/", "/echo/v1", "/echo/v2/"):
        page = echo_client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Echo notes" in page.text and "/echo/v1/ui/" in page.text, path
        assert "X-Echo-Key" in page.text and "key-" not in page.text  # roles, never the tokens
    assert error(echo_client.get("/echo/v1", headers={"Accept": "application/json"}))["status"] == 404


def test_a_pack_at_the_root_serves_its_paths_index_page_and_docs(echo: Pack) -> None:
    """Base path "" (Label Studio's paths carry their own prefix): routes, 404s, docs and the index page at /,
    and a world without known users."""
    version = dataclasses.replace(echo.versions[0], base_path="")

    def build(store: Store, seed: int, recipe: str, base_url: str) -> WorldInfo:
        echo.build_world(store, seed, recipe, base_url)
        return WorldInfo(seed, recipe, ())

    rooted = dataclasses.replace(echo, name="echoroot", versions=(version,), build_world=build,
                                 open_world=lambda store, seed, recipe: WorldInfo(seed, recipe, ()))
    app = create_app(Settings(api="echo", seed=3), pack=rooted)
    with app.test_client() as client:
        token = next(iter(app.backend.store.select(Account))).token
        assert client.get("/notes", headers={"X-Echo-Key": token}).status_code == 200
        assert error(client.get("/nowhere", headers={"X-Echo-Key": token}))["status"] == 404
        assert client.get("/ui/").status_code == 200
        page = client.get("/", headers={"Accept": "text/html"}).text
        assert "API URL: <code>/</code>" in page and "none: the API needs no credentials" in page
    assert describe(app)["api_url"] == app.backend.settings.base_url and describe(app)["users"] == []


class Refusing:
    """A middleware that refuses every request not carrying its password (what ``Pack.basic_auth`` builds)."""

    def __init__(self, app: Any, username: str | None, password: str) -> None:
        self.app, self.expected = app, f"{username}:{password}"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and dict(scope["headers"]).get(b"x-pass", b"").decode() != self.expected:
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


def test_a_password_needs_a_pack_with_basic_auth(echo: Pack) -> None:
    with pytest.raises(ConfigurationError, match="--password: the echo pack has no HTTP Basic auth"):
        create_app(Settings(api="echo", password="x"))


def test_a_password_adds_the_packs_basic_auth_middleware(echo: Pack) -> None:
    guarded = dataclasses.replace(echo, basic_auth=lambda pack, user, password: (
        Refusing, {"username": user, "password": password}))
    app = create_app(Settings(api="echo", username="u", password="p"), pack=guarded)
    with app.test_client() as client:  # refused: an empty 401; passed on: the echo pack's own 401 (no X-Echo-Key)
        assert client.get("/echo/v2/notes").content == b""
        assert error(client.get("/echo/v2/notes", headers={"X-Pass": "u:p"}))["status"] == 401
    with create_app(Settings(api="echo"), pack=guarded).test_client() as client:
        assert error(client.get("/echo/v2/notes"))["status"] == 401  # no password: nothing is asked


class Stamping:
    """A mode's middleware: answers every request with the backend's seed (proves it got the served backend)."""

    def __init__(self, app: Any, backend: Any) -> None:
        self.app, self.seed = app, backend.settings.seed

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": str(self.seed).encode()})


def test_a_mode_adds_its_middleware_only_when_asked_for(echo: Pack) -> None:
    moded = dataclasses.replace(echo, modes={"stamped": Mode("answers its seed", lambda pack, backend: (
        (Stamping, {"backend": backend}),), basic_auth=False)})
    with create_app(Settings(api="echo", seed=7, mode="stamped"), pack=moded).test_client() as client:
        assert (client.get("/echo/v2/notes").status_code, client.get("/echo/v2/notes").text) == (299, "7")
    with create_app(Settings(api="echo", seed=7), pack=moded).test_client() as client:
        assert client.get("/echo/v2/notes").status_code == 401
    with pytest.raises(ConfigurationError, match=r"--mode other: the echo pack has no such mode \(its modes: stamped"):
        create_app(Settings(api="echo", mode="other"), pack=moded)
    with pytest.raises(ConfigurationError, match="--password: the echo pack's stamped mode has no HTTP Basic auth"):
        create_app(Settings(api="echo", mode="stamped", password="p"), pack=dataclasses.replace(
            moded, basic_auth=lambda pack, user, password: (Refusing, {"username": user, "password": password})))


def test_serve_refuses_an_unknown_mode_in_one_line() -> None:
    result = CliRunner().invoke(main, ["serve", "--api", "webknossos", "--port", "0", "--mode", "multi-session"])
    assert result.exit_code == 2
    assert result.output.strip() == ("error: --mode multi-session: the webknossos pack has no such mode "
                                     "(its modes: none)")


def test_serve_refuses_a_password_for_a_pack_without_basic_auth() -> None:
    result = CliRunner().invoke(main, ["serve", "--api", "webknossos", "--port", "0", "--password", "x"])
    assert result.exit_code == 2 and "the webknossos pack has no HTTP Basic auth" in result.output
