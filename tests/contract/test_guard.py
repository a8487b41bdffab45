from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
import pytest

from mockserver.contract.guard import Guard, RateLimiter, Redactor, Refused, parse_rate
from mockserver.contract.policy import Created, Policy
from mockserver.contract.profile import Cleaned, delete_each
from mockserver.errors import ConfigurationError

POLICIES = {("POST", "/projects"): Policy.CREATE, ("POST", "/tasks/list"): Policy.READ,
            ("DELETE", "/tasks/{id}"): Policy.ON_CREATED}
"""A pack's table of safe writes (every write not in it is never sent)."""


@pytest.mark.parametrize(("text", "rate"), [("10/s", 10.0), ("600/m", 10.0), ("3600/h", 1.0), ("5", 5.0),
                                            ("off", None), ("0", None), (None, None)])
def test_rates(text: str | None, rate: float | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "-1/s", "10/d"])
def test_bad_rates_are_configuration_errors(text: str) -> None:
    with pytest.raises(ConfigurationError):
        parse_rate(text)


def test_rate_limiter_spaces_requests() -> None:
    limiter = RateLimiter(50.0)
    started = time.monotonic()
    for _ in range(6):
        limiter.wait()
    assert time.monotonic() - started >= 0.09


def test_read_only_guard_refuses_every_write() -> None:
    guard = Guard(allow_writes=False, rate=None, max_requests=None, policies=POLICIES)
    guard.admit("GET", "/tasks/{id}", {"id": "a" * 24})
    for method, path in [("POST", "/projects"), ("POST", "/tasks/list"), ("TRACE", "/buildinfo")]:
        with pytest.raises(Refused):
            guard.admit(method, path, {})
    assert guard.sent == {"GET": 1}


def test_writes_only_touch_the_runs_own_resources() -> None:
    guard = Guard(allow_writes=True, rate=None, max_requests=None, policies=POLICIES)
    assert guard.refusal("POST", "/projects", {}) is None
    assert guard.refusal("DELETE", "/tasks/{id}", {"id": "a" * 24}) == "targets a resource this run did not create"
    guard.sandbox.add(Created("tasks", "a" * 24))
    assert guard.refusal("DELETE", "/tasks/{id}", {"id": "a" * 24}) is None
    assert guard.refusal("PATCH", "/users/{id}", {"id": "a" * 24}) == "changes data this run does not own"
    assert guard.refusal("TRACE", "/users/{id}", {}) is None


def test_request_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    interrupted = []
    monkeypatch.setattr("_thread.interrupt_main", lambda: interrupted.append(True))
    guard = Guard(allow_writes=False, rate=None, max_requests=2, policies=POLICIES)
    guard.admit("GET", "/health", {})
    guard.admit("GET", "/health", {})
    with pytest.raises(Refused):
        guard.admit("GET", "/health", {})
    assert guard.budget_exhausted and interrupted == [True] and sum(guard.sent.values()) == 2


def test_redactor_scrubs_streams_and_files(tmp_path: Path) -> None:
    redact = Redactor(["s3cr3t"])
    target = io.StringIO()
    redact.stream(target).write("X-Auth-Token: s3cr3t\n")
    assert target.getvalue() == "X-Auth-Token: [Filtered]\n"
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("<pre>s3cr3t</pre>")
    redact.files(tmp_path)
    assert (tmp_path / "html" / "index.html").read_text() == "<pre>[Filtered]</pre>"


def test_the_cleanup_deletes_in_the_packs_order_at_the_packs_paths() -> None:
    """What holds others goes last (a Cytomine ontology after the project using it); 404 counts as deleted."""
    guard = Guard(allow_writes=True, rate=None, max_requests=None, policies={})
    for created in (Created("ontology", "1"), Created("project", "2"), Created("note", "3"), Created("project", "4")):
        guard.sandbox.add(created)
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(404 if request.url.path.endswith("/4.json") else 200)

    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://h") as client:
        cleaned = delete_each(client, guard, "v", path=lambda item: f"/api/{item.kind}/{item.id}.json",
                              order=("project", "ontology"))
    assert sent == ["/api/project/2.json", "/api/project/4.json", "/api/ontology/1.json", "/api/note/3.json"]
    assert cleaned == Cleaned(4, 0, ()) and guard.sent["DELETE"] == 4
