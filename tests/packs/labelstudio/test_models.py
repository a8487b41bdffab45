"""/api/project POST and PATCH, the ML backend routes of a project without backends, /api/states."""

from __future__ import annotations

from starlette.testclient import TestClient

HTML = "text/html; charset=utf-8"


def test_posting_the_project_reads_it_and_new_projects_need_multi_session_mode(ls: TestClient) -> None:
    assert ls.post("/api/project").json() == ls.get("/api/project").json()
    new = ls.post("/api/project?new=1&desc=x")
    assert (new.status_code, new.json()["detail"], new.json()["request"]) == (
        500, '"multi_session_force_recreate" option supported only with "start-multi-session" mode',
        {"new": "1", "desc": "x"})


def test_patching_the_project_changes_nothing_but_needs_a_body(ls: TestClient) -> None:
    before = ls.get("/api/project").json()
    patched = ls.patch("/api/project", json={"title": "x"})
    assert (patched.status_code, patched.json()) == (201, before)
    assert ls.patch("/api/project").json()["detail"] == "argument of type 'NoneType' is not iterable"
    assert ls.patch("/api/project", json=5).json()["detail"] == "argument of type 'int' is not iterable"
    assert ls.patch("/api/project", json={"ml_backend": "http://localhost:9"}).status_code == 500


def test_without_ml_backends(ls: TestClient) -> None:
    assert ls.get("/api/models").json() == {"models": []}
    for method, path in (("POST", "/api/models/train"), ("GET", "/api/models/predictions"),
                         ("POST", "/api/models/predictions?mode=all_tasks")):
        response = ls.request(method, path)
        assert (response.status_code, response.content) == (400, b'"No ML backend"\n'), path
    unknown = ls.request("DELETE", "/api/models", json={"name": "x"}).json()
    assert unknown["detail"] == "'Can\\'t remove ML backend with name \"x\": not found.'"
    assert ls.request("DELETE", "/api/models", json={}).json()["detail"] == "'name'"
    states = ls.get("/api/states")
    assert (states.headers["content-type"], states.text) == (HTML, '{"status": "done"}')
