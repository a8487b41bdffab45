"""Read cache and validated-body memo: fast repeated reads that never hide a change or a drift."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.response_validation import ValidatorCache
from mockserver.store import Store


def test_a_repeated_read_is_served_from_the_cache_until_a_write(app: MockApp, client: TestClient, auth: Any) -> None:
    reads = app.backend.reads
    first = client.get("/api/v5/users", headers=auth("admin"))
    hits = reads.hits
    # another Accept: the same handler arguments, but not the fast path's answer to the first request
    second = client.get("/api/v5/users", headers={**auth("admin"), "Accept": "application/json"})
    assert reads.hits == hits + 1 and second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"]
    me = client.get("/api/v5/user", headers=auth("user")).json()
    updated = client.patch(f"/api/v5/users/{me['id']}", headers=auth("admin"), json={**me, "firstName": "Renamed"})
    assert updated.status_code == 200, updated.text
    third = client.get("/api/v5/users", headers=auth("admin")).json()
    assert "Renamed" in {u["firstName"] for u in third}


def test_requesters_versions_and_parameters_get_their_own_entries(client: TestClient, auth: Any) -> None:
    as_admin = client.get("/api/v5/users", headers=auth("admin")).json()
    as_user = client.get("/api/v5/users", headers=auth("user")).json()
    assert len(as_user) < len(as_admin)
    admins = client.get("/api/v5/users", params={"isAdmin": "true"}, headers=auth("admin")).json()
    assert {u["isAdmin"] for u in admins} == {True}
    v1 = client.get("/api/v1/user", headers=auth("user"))
    v5 = client.get("/api/v5/user", headers=auth("user"))
    assert v1.status_code == v5.status_code == 200


def test_total_count_header_is_kept_with_the_body(client: TestClient, auth: Any) -> None:
    project = client.get("/api/v5/projects", headers=auth("admin")).json()[0]
    url = f"/api/v5/projects/{project['id']}/tasks"
    first = client.get(url, params={"limit": 1, "includeTotalCount": "true"}, headers=auth("admin"))
    second = client.get(url, params={"limit": 1, "includeTotalCount": "true"}, headers=auth("admin"))
    assert second.headers["x-total-count"] == first.headers["x-total-count"]
    assert "x-total-count" not in client.get(url, params={"limit": 1}, headers=auth("admin")).headers


def test_random_task_samples_are_never_cached(app: MockApp, client: TestClient, auth: Any) -> None:
    hits = app.backend.reads.hits
    for _ in range(3):
        assert client.post("/api/v5/tasks/list", json={"random": True}, headers=auth("admin")).status_code == 200
    assert app.backend.reads.hits == hits


def test_disabled_cache_builds_every_read() -> None:
    app = create_app(Settings(recipe="tiny", cache_reads=False))
    token = app.backend.world.known_users[0].token
    with app.test_client() as client:
        for _ in range(3):
            assert client.get("/api/v5/users", headers={"X-Auth-Token": token}).status_code == 200
    assert app.backend.reads.hits == 0


def test_a_record_that_drifts_from_the_spec_still_fails_validation(app: MockApp, client: TestClient,
                                                                   auth: Any) -> None:
    """The body memo only skips bodies already accepted: a changed record makes a new body, checked again."""
    me = client.get("/api/v5/user", headers=auth("user")).json()
    assert client.get(f"/api/v5/users/{me['id']}", headers=auth("admin")).status_code == 200
    app.backend.store.execute("UPDATE users SET experiences = ? WHERE id = ?", ('{"skill": "high"}', me["id"]))
    drifted = client.get(f"/api/v5/users/{me['id']}", headers=auth("admin"))
    assert drifted.status_code == 500
    assert "does not conform" in drifted.json()["messages"][0]["error"]


def test_validator_cache_remembers_only_accepted_bodies_and_stays_bounded() -> None:
    cache = ValidatorCache(max_bytes=100)
    schema: dict[str, Any] = {"type": "array"}
    cache.get(schema)
    assert not cache.accepted(schema, b"[1]")
    cache.remember(schema, b"[1]")
    assert cache.accepted(schema, b"[1]") and not cache.accepted(schema, b"[2]")
    assert not cache.accepted({"type": "array"}, b"[1]")  # an equal but different schema object
    for n in range(50):
        cache.remember(schema, f"[{n:08d}]".encode())
    assert not cache.accepted(schema, b"[1]")  # dropped, oldest first
    assert cache.accepted(schema, f"[{49:08d}]".encode())


def test_a_body_is_accepted_only_if_equal_byte_for_byte() -> None:
    """Bodies are looked up by length and ends, then compared whole: one differing inside only is new."""
    cache = ValidatorCache()
    schema: dict[str, Any] = {"type": "array"}
    cache.get(schema)
    head, tail = b"[" + b"1," * 200, b"2," * 200 + b"3]"
    cache.remember(schema, head + b"4," + tail)
    assert cache.accepted(schema, bytes(bytearray(head + b"4," + tail)))  # an equal body, another object
    assert not cache.accepted(schema, head + b"5," + tail)
    cache.remember(schema, head + b"5," + tail)
    assert cache.accepted(schema, head + b"5," + tail) and cache.accepted(schema, head + b"4," + tail)


def test_a_commit_by_another_process_changes_the_version(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    first, second = Store.open(SCHEMA, path), Store.open(SCHEMA, path)
    try:
        first.insert(r.Organization(id="5" * 24, name="one", display_name="One", created=1))
        before = second.version()
        assert second.get(r.Organization, "6" * 24) is None  # memoized "missing"
        first.insert(r.Organization(id="6" * 24, name="two", display_name="Two", created=2))
        assert second.version() != before
        assert second.get(r.Organization, "6" * 24) is not None
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("path", ["/api/user", "/api/v5/user"])
def test_unversioned_api_is_the_latest(client: TestClient, auth: Any, path: str) -> None:
    assert client.get(path, headers=auth("user")).json()["email"]
