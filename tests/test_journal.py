"""The request journal and the rate-limited request log (units; over HTTP in test_admin.py)."""

from __future__ import annotations

import logging

import pytest

from mockserver.journal import CURRENT, CapturedError, Entry, ErrorCapture, Journal, Pending, redact_query
from mockserver.requestlog import RequestLog


def entry(number: int, method: str = "GET", path: str = "/api/v5/user", status: int | None = 200) -> Entry:
    return Entry(number, 0, method, path, "", status, 1.0)


def test_newest_first_bounded_and_filtered() -> None:
    journal = Journal(size=3)
    for number, (method, path) in enumerate([("GET", "/a"), ("POST", "/api/v5/tasks"), ("GET", "/api/v3/tasks"),
                                             ("GET", "/b")], start=1):
        journal.record(entry(number, method, path))
    assert [e.id for e in journal.entries()] == [4, 3, 2]
    assert [e.id for e in journal.entries(path="/api/*/tasks")] == [3, 2]
    assert journal.count("POST") == 1 and journal.entries(limit=1)[0].id == 4


def test_admin_entries_only_reach_listeners() -> None:
    journal, seen = Journal(), []
    journal.listeners.append(seen.append)
    journal.record(entry(1, path="/__admin/journal"), keep=False)
    assert journal.entries() == [] and len(seen) == 1


def test_token_values_are_redacted() -> None:
    assert redact_query(b"token=secret&limit=5") == "token=redacted&limit=5"
    assert redact_query(b"sharingToken=abc") == "sharingToken=redacted"
    assert redact_query(b"limit=5&x") == "limit=5&x"


def test_errors_are_attributed_to_the_request_being_served() -> None:
    journal = Journal()
    ErrorCapture.install()
    pending = Pending(journal, "GET", "/api/v5/user", "", 0.0, 0)
    token = CURRENT.set(pending)
    try:
        logging.getLogger("mockserver.test").error("boom", exc_info=ValueError("bad"))
    finally:
        CURRENT.reset(token)
    logging.getLogger("mockserver.test").error("outside any request")
    [error] = journal.take_errors()
    assert isinstance(error, CapturedError) and isinstance(error.exception, ValueError)
    assert error.message == "boom: ValueError: bad" and pending.errors == [error.message]
    assert journal.take_errors() == []


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_request_log_is_rate_limited_with_a_summary(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    log = RequestLog(2, logging.getLogger("mockserver.requests"), clock)
    with caplog.at_level(logging.INFO, "mockserver.requests"):
        for number in range(5):
            log(entry(number))
        clock.now = 1.5
        log(entry(9, "POST", status=None))
    lines = [record.getMessage() for record in caplog.records]
    assert lines[:2] == ["GET /api/v5/user 200 1.0 ms"] * 2
    assert lines[2].startswith("… and 3 more requests (mean 1.0 ms")
    assert lines[3] == "POST /api/v5/user - 1.0 ms"


class Untouchable:
    """A lock that fails the test when it is taken."""

    def __enter__(self) -> None:
        raise AssertionError("the request log took its lock although it is off")

    def __exit__(self, *exc: object) -> None:
        return None


def test_request_log_off(caplog: pytest.LogCaptureFixture) -> None:
    """``--request-log 0`` writes nothing and does not even take its lock (no cost per request)."""
    log = RequestLog(0, logging.getLogger("mockserver.requests"))
    lock, log._lock = log._lock, Untouchable()  # type: ignore[assignment]
    with caplog.at_level(logging.INFO, "mockserver.requests"):
        for number in range(50):
            log(entry(number))
        log._lock = lock
        log.flush()
    assert caplog.records == []
