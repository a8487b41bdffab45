"""The fast path: repeated identical reads answered before Connexion, and never an answer they must not get."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from connexion.middleware.routing import RoutingMiddleware
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.fastpath import FastPathMiddleware, keepable, vary_headers
from mockserver.readcache import CachedResponse, ReadCache, Served
from mockserver.store import Store
from tests.packs.echo import SCHEMA

NOTES = "/echo/v1/notes"


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the requests that reached Connexion's routing (where the fast path is not taken)."""
    paths: list[str] = []
    original = RoutingMiddleware.__call__

    async def counting(self: RoutingMiddleware, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            paths.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(RoutingMiddleware, "__call__", counting)
    return paths


def handler_calls(app: MockApp) -> int:
    """How often a ``@cached_read`` handler was entered (its read cache counts every call)."""
    return app.backend.reads.hits + app.backend.reads.misses


def test_a_repeated_read_is_answered_before_connexion_with_the_same_bytes(
        echo_app: MockApp, echo_client: TestClient, key: dict[str, str], routed: list[str]) -> None:
    first = echo_client.get(NOTES, headers=key)
    calls = handler_calls(echo_app)
    second = echo_client.get(NOTES, headers=key)
    assert routed == [NOTES]
    assert handler_calls(echo_app) == calls
    assert (second.status_code, second.headers.items(), second.content) == (
        first.status_code, first.headers.items(), first.content)


def test_other_credentials_get_their_own_answers(echo_app: MockApp, echo_client: TestClient,
                                                 key: dict[str, str]) -> None:
    owner = {"X-Echo-Key": echo_app.backend.world.token("owner")}
    mine = echo_client.get(NOTES, headers=key)
    assert echo_client.get(NOTES, headers=key).json() == mine.json()
    theirs = echo_client.get(NOTES, headers=owner).json()
    assert theirs != mine.json() and {note["owner"] for note in theirs} == {echo_app.backend.world.known_users[0].id}
    for _ in range(2):  # a 401 is never kept, and never turns into another credential's answer
        assert echo_client.get(NOTES).status_code == 401
        assert echo_client.get(NOTES, headers={"X-Echo-Key": "wrong"}).status_code == 401
        assert echo_client.get(NOTES, headers={"X-Echo-Key": key["X-Echo-Key"] + "x"}).status_code == 401


def test_a_token_that_stops_being_valid_is_refused(echo_app: MockApp, echo_client: TestClient,
                                                   key: dict[str, str]) -> None:
    assert echo_client.get(NOTES, headers=key).status_code == echo_client.get(NOTES, headers=key).status_code == 200
    echo_app.backend.store.execute("UPDATE accounts SET token = ? WHERE token = ?", ("revoked", key["X-Echo-Key"]))
    assert echo_client.get(NOTES, headers=key).status_code == 401


def test_a_write_between_two_reads_is_seen(echo_client: TestClient, key: dict[str, str]) -> None:
    before = echo_client.get(NOTES, headers=key).json()
    assert echo_client.get(NOTES, headers=key).json() == before
    assert echo_client.post(NOTES, headers=key, json={"text": "fresh"}).status_code == 201
    assert [note["text"] for note in echo_client.get(NOTES, headers=key).json()] == [
        *(note["text"] for note in before), "fresh"]


def test_a_reset_empties_it(echo_app: MockApp, echo_client: TestClient, key: dict[str, str]) -> None:
    before = echo_client.get(NOTES, headers=key).json()
    echo_client.post(NOTES, headers=key, json={"text": "fresh"})
    assert len(echo_client.get(NOTES, headers=key).json()) == len(before) + 1
    echo_app.control.reset()
    assert echo_client.get(NOTES, headers=key).json() == before


def test_hits_are_journaled_and_logged(echo: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(Settings(api="echo", seed=3, request_log_limit=100))
    key = {"X-Echo-Key": app.backend.world.token("user")}
    with app.test_client() as client, caplog.at_level(logging.INFO, "mockserver.requests"):
        for _ in range(3):
            assert client.get(NOTES, params={"limit": 2}, headers=key).status_code == 200
    assert app.backend.answers.hits == 2
    assert [(e.method, e.path, e.query, e.status) for e in app.control.journal.entries()] == [
        ("GET", NOTES, "limit=2", 200)] * 3
    assert [r.getMessage().rsplit(" ", 2)[0] for r in caplog.records] == [f"GET {NOTES}?limit=2 200"] * 3


def test_rules_added_after_the_first_read_still_apply(echo_app: MockApp, echo_client: TestClient,
                                                      key: dict[str, str]) -> None:
    expected = echo_client.get(NOTES, headers=key).json()
    rule = echo_app.control.rules.add({"kind": "status", "path": NOTES, "status": 503})
    refused = echo_client.get(NOTES, headers=key)
    assert refused.status_code == 503 and refused.json()["error"]["status"] == 503
    echo_app.control.rules.remove(rule.id)
    echo_app.control.rules.add({"kind": "latency", "path": NOTES, "delayMs": 1})
    hits = echo_app.backend.answers.hits
    assert echo_client.get(NOTES, headers=key).json() == expected
    assert echo_app.backend.answers.hits == hits + 1
    assert echo_app.control.journal.entries(limit=1)[0].fault == "latency"


def test_cors_headers_are_added_once_to_every_answer(echo: Any) -> None:
    app = create_app(Settings(api="echo", seed=3, cors_origins="https://app.example"))
    headers = {"X-Echo-Key": app.backend.world.token("user"), "Origin": "https://app.example"}
    with app.test_client() as client:
        answers = [client.get(NOTES, headers=headers) for _ in range(3)]
    assert app.backend.answers.hits == 2
    for answer in answers:  # the kept answer is the one before CORS added its headers
        assert answer.headers.get_list("access-control-allow-origin") == ["https://app.example"]
        assert answer.headers["vary"] == "Origin"


def test_head_is_answered_too(echo_app: MockApp, echo_client: TestClient, key: dict[str, str],
                              routed: list[str]) -> None:
    length = echo_client.get(NOTES, headers=key).headers["content-length"]
    heads = [echo_client.head(NOTES, headers=key) for _ in range(2)]
    assert routed == [NOTES, NOTES]  # the GET, the first HEAD
    assert [(h.status_code, h.headers["content-length"], h.content) for h in heads] == [(200, length, b"")] * 2


@pytest.mark.parametrize(("first", "second"), [
    ({"params": "limit=2&x=1"}, {"params": "x=1&limit=2"}),
    ({"headers": {"Accept": "application/json"}}, {"headers": {"Accept": "*/*"}}),
])
def test_another_query_order_or_accept_is_another_key(echo_client: TestClient, key: dict[str, str],
                                                      routed: list[str], first: dict[str, Any],
                                                      second: dict[str, Any]) -> None:
    answers = []
    for options in (first, second, second):
        answers.append(echo_client.get(NOTES, params=options.get("params"),
                                       headers={**key, **options.get("headers", {})}).json())
    assert routed == [NOTES, NOTES]
    assert answers[0] == answers[1] == answers[2]


def test_uncached_handlers_and_failed_validation_are_never_kept(echo_app: MockApp, echo_client: TestClient,
                                                                key: dict[str, str], routed: list[str]) -> None:
    for _ in range(2):
        assert echo_client.get("/echo/v1/me", headers=key).status_code == 200
    echo_app.backend.store.execute("UPDATE notes SET text = NULL")  # no longer a string: the spec refuses it
    for _ in range(2):
        assert echo_client.get(NOTES, headers=key).status_code == 500
    assert routed == ["/echo/v1/me"] * 2 + [NOTES] * 2


def test_the_admin_api_never_takes_it(echo_app: MockApp, echo_client: TestClient) -> None:
    admin = {"X-Admin-Key": echo_app.backend.settings.effective_admin_key}
    answers = echo_app.backend.answers
    counted = answers.hits + answers.misses
    for _ in range(2):
        assert echo_client.get("/__admin/journal/count", headers=admin).status_code == 200
    assert answers.hits + answers.misses == counted
    middleware = FastPathMiddleware(echo_app, answers, vary_headers("X-Echo-Key"))
    assert middleware.key({"type": "http", "method": "GET", "path": "/__admin/", "headers": []}) is None


def test_reads_with_a_body_and_other_methods_have_no_key() -> None:
    middleware = FastPathMiddleware(lambda *_: None, ReadCache(Store.open(SCHEMA)), vary_headers("X-Key"))  # type: ignore[arg-type]
    scope = {"type": "http", "method": "GET", "path": NOTES, "query_string": b"", "headers": [(b"x-key", b"k")]}
    assert middleware.key(scope) == ("GET", "", NOTES, b"", (b"x-key", b"k"))
    raw = {**scope, "raw_path": b"/echo/v1/%6Eotes"}  # the path as sent: another spelling is another key
    assert middleware.key(raw) == ("GET", "", b"/echo/v1/%6Eotes", b"", (b"x-key", b"k"))
    assert middleware.key({**scope, "headers": [(b"content-length", b"2")]}) is None
    assert middleware.key({**scope, "method": "POST"}) is None


def test_answers_that_set_cookies_or_differ_from_the_handlers_are_not_kept() -> None:
    served = Served((1, 0), b"[]")
    assert keepable(CachedResponse(200, b"[]", ((b"content-type", b"application/json"),)), served)
    assert not keepable(CachedResponse(200, b"[]", ((b"set-cookie", b"session=1"),)), served)
    assert not keepable(CachedResponse(200, b"[1]", ()), served)
    assert not keepable(CachedResponse(201, b"[]", ()), served)
    assert keepable(CachedResponse(200, b"", ()), served, head=True)


@pytest.mark.parametrize("settings", [{"fast_path": False}, {"cache_reads": False}])
def test_it_can_be_turned_off_and_is_off_without_the_read_cache(echo: Any, routed: list[str],
                                                                 settings: dict[str, Any]) -> None:
    app = create_app(Settings(api="echo", seed=3, **settings))
    key = {"X-Echo-Key": app.backend.world.token("user")}
    with app.test_client() as client:
        for _ in range(2):
            assert client.get(NOTES, headers=key).status_code == 200
    assert routed == [NOTES, NOTES] and not app.backend.answers.enabled


def test_the_switch_has_an_environment_variable() -> None:
    assert Settings.from_env({"MOCKSERVER_FAST_PATH": "false"}).fast_path is False
    assert Settings().fast_path is True


@pytest.fixture
def two_processes(echo: Any, tmp_path: Path) -> Iterator[tuple[MockApp, MockApp]]:
    """Two apps on one ``--state`` file, as two worker processes have."""
    settings = Settings(api="echo", seed=3, state=str(tmp_path / "state.sqlite"))
    first = create_app(settings)
    second = create_app(settings)
    yield first, second
    first.backend.store.close()
    second.backend.store.close()


def test_a_commit_by_another_process_empties_it(two_processes: tuple[MockApp, MockApp]) -> None:
    first, second = two_processes
    key = {"X-Echo-Key": first.backend.world.token("user")}
    with first.test_client() as reader, second.test_client() as writer:
        before = reader.get(NOTES, headers=key).json()
        assert reader.get(NOTES, headers=key).json() == before and first.backend.answers.hits == 1
        assert writer.post(NOTES, headers=key, json={"text": "elsewhere"}).status_code == 201
        assert [note["text"] for note in reader.get(NOTES, headers=key).json()][-1] == "elsewhere"


def test_headers_a_pack_declares_are_part_of_the_key() -> None:
    middleware = FastPathMiddleware(lambda *_: None, ReadCache(Store.open(SCHEMA)),  # type: ignore[arg-type]
                                    vary_headers("X-Key", ("Date",)))
    scope = {"type": "http", "method": "GET", "path": NOTES, "headers": [(b"date", b"Mon"), (b"user-agent", b"a")]}
    assert middleware.key(scope) != middleware.key({**scope, "headers": [(b"date", b"Tue"), (b"user-agent", b"a")]})
    assert middleware.key(scope) == middleware.key({**scope, "headers": [(b"date", b"Mon"), (b"user-agent", b"b")]})
