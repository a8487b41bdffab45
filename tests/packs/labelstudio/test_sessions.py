"""Multi-session mode (``serve --mode multi-session``): a project per session cookie, made from the recipe,
``POST /api/project?new=1``, project-switch, shared and poisoned sessions, persistence in ``--state``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.errors import ConfigurationError
from mockserver.packs.labelstudio.world import SESSIONS_ROOT

UNKNOWN = "0d4d4b4e-1c1c-4c1c-8c1c-1c1c1c1c1c1c"


@pytest.fixture(scope="module")
def multi_app() -> MockApp:
    return create_app(Settings(api="labelstudio", seed=1, recipe="tiny", mode="multi-session"))


@pytest.fixture
def browsers(multi_app: MockApp) -> Iterator[tuple[TestClient, TestClient]]:
    """Two browsers (cookie jars) on a fresh server."""
    multi_app.backend.store.reset()
    with multi_app.test_client() as alice, multi_app.test_client() as bob:
        yield alice, bob


def uuid_of(client: TestClient) -> str:
    return str(client.get("/api/project").json()["project_name"].split("/")[1])


def test_a_new_session_gets_a_cookie_and_a_project_made_from_the_recipe(browsers: tuple[TestClient, TestClient],
                                                                         multi_app: MockApp) -> None:
    alice, bob = browsers
    first = alice.get("/api/health")
    assert "session=" in first.headers["set-cookie"] and "HttpOnly" in first.headers["set-cookie"]
    assert "set-cookie" not in alice.get("/api/health").headers  # the session is kept
    project = alice.get("/api/project").json()
    user, uuid = project["project_name"].split("/")
    assert project["config"]["config_path"] == f"{SESSIONS_ROOT}/{user}/{uuid}/config.json"
    assert project["multi_session_mode"] is False  # inverted, as the real server does
    with create_app(Settings(api="labelstudio", seed=1, recipe="tiny")).test_client() as single:
        seeded = single.get("/api/tasks").json()
    assert alice.get("/api/tasks").json() == bob.get("/api/tasks").json() == seeded  # the same seed, the same tasks
    assert uuid_of(bob) != uuid


def test_sessions_do_not_see_each_others_work(browsers: tuple[TestClient, TestClient]) -> None:
    alice, bob = browsers
    before = len(bob.get("/api/tasks").json())
    created = alice.post("/api/project/import", json=[{"image": "a.jpg"}]).json()
    assert created["new_task_ids"] == [before]  # ids continue the session's own project
    assert len(alice.get("/api/tasks").json()) == before + 1
    assert len(bob.get("/api/tasks").json()) == before
    assert bob.delete("/api/tasks").status_code == 204
    assert len(alice.get("/api/tasks").json()) == before + 1


def test_a_client_without_cookies_gets_a_new_project_every_time(multi_app: MockApp) -> None:
    multi_app.backend.store.reset()
    with multi_app.test_client(cookies=None) as client:
        names = set()
        for _ in range(3):
            client.cookies.clear()
            names.add(client.get("/api/project").json()["project_name"])
    assert len(names) == 3


def test_an_unknown_cookie_starts_a_new_session(multi_app: MockApp) -> None:
    multi_app.backend.store.reset()
    with multi_app.test_client() as client:
        client.cookies.set("session", "not-one-the-mock-gave")
        answer = client.get("/api/health")
    assert answer.status_code == 200 and "not-one-the-mock-gave" not in answer.headers["set-cookie"]


def test_new_project_switches_the_session_and_sets_the_description_of_later_ones(
        browsers: tuple[TestClient, TestClient], multi_app: MockApp) -> None:
    alice, bob = browsers
    first = uuid_of(alice)
    made = alice.post("/api/project?new=1&desc=Second")
    assert made.status_code == 201 and made.json()["config"]["description"] == "Second"
    assert uuid_of(alice) != first and alice.get("/api/project").json()["config"]["description"] == "Second"
    assert bob.get("/api/project").json()["config"]["description"] == "Second"  # server-wide, as the real one
    alice.post("/api/project?new=1")
    with multi_app.test_client() as carol:
        assert carol.get("/api/project").json()["config"]["description"] == "Cats and dogs"  # the recipe's again


def test_switching_answers_the_previous_project_and_shares_another_users_one(
        browsers: tuple[TestClient, TestClient]) -> None:
    alice, bob = browsers
    first = uuid_of(alice)
    alice.post("/api/project/import", json=[{"image": "only-in-first.jpg"}])
    alice.post("/api/project?new=1&desc=Second")
    form = alice.post(f"/api/project-switch?uuid={first}")
    assert form.status_code == 200
    assert form.json()["config"]["description"] == "Second" and form.json()["multi_session_mode"] is True
    assert uuid_of(alice) == first
    link = bob.get(f"/api/project-switch?uuid={first}", follow_redirects=False)
    assert link.status_code == 302 and link.headers["location"].endswith("/setup")
    assert alice.get("/api/project").json()["project_name"] == bob.get("/api/project").json()["project_name"]
    task = bob.get("/api/tasks").json()[-1]
    assert task["data"] == {"image": "only-in-first.jpg"}
    assert bob.post(f"/api/tasks/{task['id']}/completions", json={"result": []}).status_code == 201
    assert alice.get(f"/api/tasks/{task['id']}").json()["completions"][0]["id"] == task["id"] * 1000 + 1


def test_switching_to_a_project_nobody_made_poisons_the_session(browsers: tuple[TestClient, TestClient]) -> None:
    alice, bob = browsers
    assert alice.get(f"/api/project-switch?uuid={UNKNOWN}", follow_redirects=False).status_code == 302
    for path in ("/api/health", "/api/project", "/api/tasks?page=2"):
        answer = alice.get(path)
        assert answer.status_code == 500, path
        assert answer.json()["detail"] == f"No such shared project found: project_uuid = {UNKNOWN}"
    assert alice.get("/api/tasks?page=2").json()["request"] == {"page": "2"}
    page = alice.get("/version")
    assert page.status_code == 200 and "Project loading error" in page.text and page.headers["content-type"].startswith(
        "text/html")
    assert bob.get("/api/health").status_code == 200  # only that session
    alice.cookies.clear()
    assert alice.get("/api/health").status_code == 200  # dropping the cookie heals it


def test_switch_without_a_uuid_is_400_in_both_modes(browsers: tuple[TestClient, TestClient],
                                                    ls: TestClient) -> None:
    alice, _ = browsers
    for client in (alice, ls):
        answer = client.get("/api/project-switch")
        assert (answer.status_code, answer.text) == (400, "Not a valid UUID")


def test_the_single_project_server_keeps_its_refusals(ls: TestClient) -> None:
    assert ls.post("/api/project?new=1").status_code == 500
    assert ls.get(f"/api/project-switch?uuid={UNKNOWN}").json()["detail"] == (
        "'_AppCtxGlobals' object has no attribute 'user'")
    assert "set-cookie" not in ls.get("/api/health").headers
    assert ls.get("/api/project").json()["multi_session_mode"] is True


def test_sessions_and_their_projects_survive_a_restart_with_state(tmp_path: Path) -> None:
    settings = Settings(api="labelstudio", seed=1, recipe="tiny", mode="multi-session", state=str(tmp_path / "w.db"))
    app = create_app(settings)
    with app.test_client() as alice:
        alice.post("/api/project/import", json=[{"image": "kept.jpg"}])
        cookie, name = alice.cookies["session"], uuid_of(alice)
    app.backend.store.close()
    with create_app(settings).test_client() as again:
        again.cookies.set("session", cookie)
        assert uuid_of(again) == name
        assert again.get("/api/tasks").json()[-1]["data"] == {"image": "kept.jpg"}


def test_multi_session_mode_has_no_basic_auth_and_other_packs_no_modes() -> None:
    with pytest.raises(ConfigurationError, match="multi-session mode has no HTTP Basic auth"):
        create_app(Settings(api="labelstudio", mode="multi-session", password="s3cret"))
    with pytest.raises(ConfigurationError, match=r"no such mode \(its modes: multi-session\)"):
        create_app(Settings(api="labelstudio", mode="single"))
    with pytest.raises(ConfigurationError, match=r"the webknossos pack has no such mode \(its modes: none\)"):
        create_app(Settings(api="webknossos", mode="multi-session"))
