"""/api/project POST and PATCH, the ML backend routes without and with a (fake) backend, /api/states."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.packs.labelstudio import mlapi
from tests.packs.labelstudio.conftest import choice
from tests.packs.labelstudio.fake_ml_backend import FakeMLBackend, prediction

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


# with a fake ML backend ------------------------------------------------------------------------------------------

ISO_MICROSECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


@pytest.fixture
def ml() -> Iterator[FakeMLBackend]:
    with FakeMLBackend.running() as backend:
        yield backend


@pytest.fixture
def connected(fresh: TestClient, ml: FakeMLBackend) -> TestClient:
    """The fresh project with two tasks (the second done) and the fake backend connected as ``fake``."""
    assert fresh.post("/api/project/import", json=[{"image": "a.png"}, {"image": "b.png"}]).status_code == 201
    assert fresh.post("/api/tasks/1/completions", json={"result": choice("Dog")}).status_code == 201
    patched = fresh.patch("/api/project", json={"ml_backend": f"fake={ml.url}"})
    assert patched.status_code == 201
    assert patched.json()["config"]["ml_backends"] == [{"name": "fake", "url": ml.url}]
    ml.calls.clear()
    return fresh


def test_connecting_asks_the_health_only_and_is_kept(fresh: TestClient, ml: FakeMLBackend) -> None:
    assert fresh.patch("/api/project", json={"ml_backend": ml.url}).status_code == 201
    assert ml.paths() == ["/health"]
    names = fresh.get("/api/models").json()["models"]
    assert len(names) == 1 and re.fullmatch(r"project[0-9a-f]{4}", names[0])
    assert fresh.get("/api/project").json()["config"]["ml_backends"] == [{"name": names[0], "url": ml.url}]
    assert ml.paths() == ["/health"]  # listing asks nothing


def test_reading_a_task_adds_a_fresh_prediction(connected: TestClient, ml: FakeMLBackend) -> None:
    task = connected.get("/api/tasks/0").json()
    assert ml.paths() == ["/health", "/setup", "/predict"]
    setup, predict = ml.calls[1].body, ml.calls[2].body
    line = connected.get("/api/project").json()["label_config_line"]
    assert setup == {"project": "fake", "schema": line}
    assert predict == {"tasks": [{"id": 0, "data": {"image": "a.png"}, "predictions": []}], "model_version": "fake-0",
                       "project": "fake", "label_config": line,
                       "params": {"force_load": True, "login": "", "password": ""}}
    [made] = task["predictions"]
    assert made == {**prediction({"data": {"image": "a.png"}}, "fake-0"), "created_by": "fake",
                    "created_date": made["created_date"]}
    assert ISO_MICROSECONDS.match(made["created_date"])
    assert "predictions" not in connected.get("/api/tasks?fields=all").json()[0]  # not stored


def test_the_next_task_gets_a_fresh_prediction_too(connected: TestClient, ml: FakeMLBackend) -> None:
    task = connected.get("/api/project/next").json()
    assert (task["id"], task["predictions"][0]["created_by"]) == (0, "fake")
    assert ml.paths() == ["/health", "/setup", "/predict"]


def test_a_failing_backend_leaves_the_stored_predictions(connected: TestClient, ml: FakeMLBackend) -> None:
    ml.failing.add("/predict")
    assert connected.get("/api/tasks/0").json()["predictions"] == []
    ml.failing = {"/health"}
    ml.calls.clear()
    assert connected.get("/api/tasks/0").json()["predictions"] == []
    assert ml.paths() == ["/health"]


def test_all_tasks_replaces_the_stored_predictions(connected: TestClient, ml: FakeMLBackend) -> None:
    answer = connected.post("/api/models/predictions?mode=all_tasks")
    assert (answer.status_code, answer.json()) == (200, {"details": "predictions are ready"})
    assert ml.paths() == ["/health", "/setup", "/predict"] * 2
    ml.failing.add("/health")  # stored predictions are now shown without the backend
    stored = connected.get("/api/tasks/1").json()["predictions"]
    assert [p["created_by"] for p in stored] == ["fake"]


def test_predictions_of_posted_data(connected: TestClient, ml: FakeMLBackend) -> None:
    made = connected.post("/api/models/predictions", json={"image": "c.png"}).json()
    assert made["data"] == {"image": "c.png"} and made["predictions"][0]["created_by"] == "fake"
    assert ml.calls[2].body["tasks"] == [{"data": {"image": "c.png"}, "predictions": []}]
    assert connected.post("/api/models/predictions").json() == {"detail": "no task data found in request json"}
    assert connected.post("/api/models/predictions?mode=x", json={}).status_code == 422


def test_training_sends_the_completions(connected: TestClient, ml: FakeMLBackend) -> None:
    answer = connected.post("/api/models/train")
    assert (answer.status_code, answer.json()) == (200, {"details": "Training started"})
    assert ml.paths() == ["/health", "/is_training", "/train"]
    assert ml.calls[1].query == {"project": ["fake"]}
    sent = ml.calls[2].body
    assert ([c["id"] for c in sent["completions"]], sent["project"], sent["params"]) == (
        [1], "fake", {"login": "", "password": ""})
    ml.training = True
    refused = connected.post("/api/models/train").json()
    assert refused["detail"] == "Can't start new training: Train job is running."


def test_a_train_job_is_asked_for_before_the_next_training(connected: TestClient, ml: FakeMLBackend) -> None:
    ml.job_ids = True
    assert connected.post("/api/models/train").status_code == 200
    ml.calls.clear()
    assert connected.post("/api/models/train").status_code == 200
    assert ml.paths() == ["/health", "/job_status", "/is_training", "/train"]
    assert ml.calls[1].body == {"job": "job-1"}
    connected.request("DELETE", "/api/models", json={"name": "fake"})
    connected.patch("/api/project", json={"ml_backend": f"fake={ml.url}"})  # the job is kept by backend name
    ml.calls.clear()
    ml.training = True
    assert connected.post("/api/models/train").json()["detail"] == "Can't start new training: Train job is running."
    assert [(c.path, c.body) for c in ml.calls] == [("/health", None), ("/job_status", {"job": "job-2"})]


def test_disconnecting(connected: TestClient, ml: FakeMLBackend) -> None:
    gone = connected.request("DELETE", "/api/models", json={"name": "fake"})
    assert (gone.status_code, gone.content) == (204, b"")
    assert connected.get("/api/models").json() == {"models": []}
    assert connected.post("/api/models/train").json() == "No ML backend"
    connected.get("/api/tasks/0")
    assert ml.calls == []


def test_unreachable_and_malformed_backends_are_refused(fresh: TestClient, ml: FakeMLBackend,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    refused = fresh.patch("/api/project", json={"ml_backend": "http://127.0.0.1:9"}).json()
    assert refused["detail"] == 'ML backend with URL: "http://127.0.0.1:9" is not connected.'
    assert fresh.patch("/api/project", json={"ml_backend": "nope"}).json()["detail"] == \
        'Specified string "nope" doesn\'t look like URL.'
    assert fresh.patch("/api/project", json={"ml_backend": 5}).json()["detail"] == \
        "argument of type 'int' is not iterable"
    monkeypatch.setattr(mlapi, "TIMEOUT", httpx.Timeout(0.3))
    ml.delay = 1.0
    started = time.monotonic()
    slow = fresh.patch("/api/project", json={"ml_backend": ml.url})
    assert slow.status_code == 500 and time.monotonic() - started < 1.0
    assert fresh.get("/api/models").json() == {"models": []}


def test_a_failing_train_is_a_500(connected: TestClient, ml: FakeMLBackend) -> None:
    ml.failing.add("/train")
    assert connected.post("/api/models/train").json()["detail"] == \
        'Can\'t update model: ML backend returns an error: "fake failure"'
    ml.failing = {"/health"}
    assert connected.post("/api/models/train").json() == \
        "Training is not started: seems that you don't have any ML backend connected"


def test_the_backend_is_told_when_all_tasks_are_deleted(connected: TestClient, ml: FakeMLBackend) -> None:
    assert connected.delete("/api/tasks").status_code == 204
    assert [(c.path, c.body) for c in ml.calls] == [("/delete", {"project": "fake"})]


def test_a_get_reads_its_body_too(connected: TestClient, ml: FakeMLBackend) -> None:
    assert connected.request("GET", "/api/models/predictions", json={"image": "g.png"}).json()["data"] == \
        {"image": "g.png"}
    assert connected.get("/api/models/predictions").status_code == 422


def test_the_connection_is_kept_in_a_state_file(tmp_path: Path, ml: FakeMLBackend) -> None:
    state = tmp_path / "ls.sqlite"
    first = create_app(Settings(api="labelstudio", seed=1, recipe="empty", state=str(state)))
    with first.test_client() as client:
        assert client.patch("/api/project", json={"ml_backend": f"kept={ml.url}"}).status_code == 201
    first.backend.store.close()
    resumed = create_app(Settings(api="labelstudio", state=str(state)))
    with resumed.test_client() as client:
        assert client.get("/api/models").json() == {"models": ["kept"]}
    resumed.backend.store.close()


def test_in_multi_session_mode_backends_belong_to_a_project(ml: FakeMLBackend) -> None:
    app = create_app(Settings(api="labelstudio", seed=1, recipe="tiny", mode="multi-session"))
    with app.test_client() as alice, app.test_client() as bob:
        assert alice.patch("/api/project", json={"ml_backend": ml.url}).status_code == 201
        uuid = alice.get("/api/project").json()["project_name"].split("/")[1]
        [name] = alice.get("/api/models").json()["models"]
        assert re.fullmatch(re.escape(uuid) + "[0-9a-f]{4}", name)  # the last part of <owner>/<uuid>
        assert bob.get("/api/models").json() == {"models": []}
        ml.calls.clear()
        bob.get("/api/tasks/0")
        assert ml.calls == []
    app.backend.store.close()
