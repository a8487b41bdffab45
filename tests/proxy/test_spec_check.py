"""``SpecCheck``: which operation an exchange is, and what of its answer the spec does not document."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mockserver.pack import load_pack
from mockserver.proxy.spec_check import SpecCheck
from tests.proxy.drafts import drafted, task_count_as_text


def answer(status: int, media_type: str, body: bytes, method: str = "GET", path: str = "/") -> httpx.Response:
    response = httpx.Response(status, headers={"content-type": media_type}, content=body,
                              request=httpx.Request(method, f"http://deployment{path}"))
    response.read()
    return response


@pytest.fixture(scope="module")
def labelstudio() -> SpecCheck:
    return SpecCheck(load_pack("labelstudio"))


def test_operations_are_found_under_the_versions_base_path_and_without_a_trailing_slash(
        labelstudio: SpecCheck) -> None:
    webknossos = SpecCheck(load_pack("webknossos"), "v4")
    assert webknossos.operation("GET", "/api/v4/users").label == "GET /users"
    assert webknossos.operation("GET", "/api/v5/users") is None and webknossos.operation("GET", "/users") is None
    assert labelstudio.operation("GET", "/api/health/").label == "GET /api/health"
    assert labelstudio.operation("GET", "/api/tasks/12").label == "GET /api/tasks/{task_id}"


def test_a_conforming_answer_has_no_violation(labelstudio: SpecCheck) -> None:
    assert labelstudio.check("GET", "/api/health", answer(200, "text/html; charset=utf-8", b'{"status": "up"}')) == []


def test_status_media_type_and_schema_are_checked(labelstudio: SpecCheck) -> None:
    [status] = labelstudio.check("GET", "/api/health", answer(201, "text/html", b"up"))
    assert (status.check, status.message) == ("undocumented_status", "201 is not documented (documented: 200)")
    [media] = labelstudio.check("GET", "/api/health", answer(200, "application/xml", b"<up/>"))
    assert media.check == "undocumented_content_type" and "application/xml" in media.message
    broken = labelstudio.check("GET", "/api/tasks/1", answer(200, "application/json", b'{"id": "one", "data": {}}'))
    assert [(v.operation, v.path) for v in broken] == [("GET /api/tasks/{task_id}", "/id")]


def test_head_is_its_get_without_a_body_and_options_is_not_checked(labelstudio: SpecCheck) -> None:
    assert labelstudio.check("HEAD", "/api/health", answer(200, "text/html", b"", "HEAD")) == []
    assert labelstudio.check("HEAD", "/api/health", answer(500, "text/html", b"", "HEAD"))[0].check == (
        "undocumented_status")
    assert labelstudio.check("OPTIONS", "/api/anything", answer(200, "text/html", b"", "OPTIONS")) == []


def test_a_draft_spec_is_checked_under_the_versions_base_path(tmp_path: Path) -> None:
    draft = SpecCheck(load_pack("labelstudio"), spec=drafted(tmp_path, "labelstudio", "components.yaml",
                                                             task_count_as_text))
    project = answer(200, "application/json", b'{"task_count": 3}')
    own = SpecCheck(load_pack("labelstudio")).check("GET", "/api/project", project)
    assert [v.path for v in own if v.path == "/task_count"] == []
    [violation] = [v for v in draft.check("GET", "/api/project", project) if v.path == "/task_count"]
    assert violation.operation == "GET /api/project" and "string" in violation.message


def test_a_repeated_exchange_is_not_checked_again_and_any_change_is(monkeypatch: pytest.MonkeyPatch) -> None:
    check, checked = SpecCheck(load_pack("labelstudio")), []
    inner = check._check
    monkeypatch.setattr(check, "_check", lambda *args: checked.append(args[1]) or inner(*args))
    broken = b'{"id": "one", "data": {}}'
    first = check.check("GET", "/api/tasks/1", answer(200, "application/json", broken, path="/api/tasks/1"))
    again = answer(200, "application/json", broken, path="/api/tasks/1")
    again.headers["date"] = "Thu, 03 Dec 2026 19:00:00 GMT"  # the moment of an answer is no part of it
    assert check.check("GET", "/api/tasks/1", again) == first and len(first) == 1 and len(checked) == 1
    for changed in (answer(200, "application/json", b'{"id": 1, "data": {}}', path="/api/tasks/1"),
                    answer(200, "application/json", broken, path="/api/tasks/2"),
                    answer(201, "application/json", broken, path="/api/tasks/1")):
        check.check("GET", changed.request.url.path, changed)
    assert len(checked) == 4
