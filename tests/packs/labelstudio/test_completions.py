"""Completions: ids, cancelling, PATCH that creates, deletes that keep a task done, the missing-result poison."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.packs.labelstudio.api import LabelStudio
from tests.packs.labelstudio.conftest import choice

HTML = "text/html; charset=utf-8"


def completions(client: TestClient, task: int) -> list[dict[str, object]]:
    result: list[dict[str, object]] = client.get(f"/api/tasks/{task}").json().get("completions")
    return result


def test_ids_are_task_times_1000_plus_n(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}])
    first = fresh.post("/api/tasks/0/completions", json={"lead_time": 2.5, "result": choice("Cat")})
    assert (first.status_code, first.headers["content-type"], first.text) == (201, HTML, '{"id":1}')
    assert fresh.post("/api/tasks/1/completions", json={"id": 77, "result": []}).text == '{"id":1001}'
    assert fresh.post("/api/tasks/1/completions", json={"result": []}).text == '{"id":1002}'
    stored = completions(fresh, 0)[0]
    assert set(stored) == {"created_at", "id", "lead_time", "result"} and isinstance(stored["created_at"], int)


def test_cancelling_comes_from_the_query_only(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"result": [], "was_cancelled": True})
    fresh.post("/api/tasks/0/completions?was_cancelled=0", json={"result": []})  # any non-empty value
    first, second = completions(fresh, 0)
    assert "was_cancelled" not in first and second["was_cancelled"] is True


def test_patch_merges_and_creates_for_unknown_ids(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}])
    fresh.post("/api/tasks/0/completions?was_cancelled=1", json={"lead_time": 1.0, "result": []})
    ok = fresh.patch("/api/tasks/0/completions/1", json={"result": choice("Dog"), "was_cancelled": True})
    assert (ok.status_code, ok.headers["content-type"], ok.text) == (201, HTML, "ok")
    assert completions(fresh, 0) == [{"created_at": completions(fresh, 0)[0]["created_at"], "id": 1,
                                      "lead_time": 1.0, "result": choice("Dog"), "was_cancelled": False}]
    assert fresh.patch("/api/tasks/0/completions/55555", json={"result": []}).text == "ok"
    assert [c["id"] for c in completions(fresh, 0)] == [1, 2]
    fresh.patch("/api/tasks/1/completions/5", json={"result": []})  # a task without completions gets one
    assert [c["id"] for c in completions(fresh, 1)] == [1001]
    null = fresh.patch("/api/tasks/0/completions/null", json={})
    assert (null.status_code, null.text) == (200, "completion id is null")


def test_unknown_tasks_and_bad_ids(fresh: TestClient) -> None:
    for method, path in (("POST", "/api/tasks/99999/completions"), ("PATCH", "/api/tasks/99/completions/1")):
        response = fresh.request(method, path, json={"result": []})
        assert (response.status_code, response.json()["detail"]) == (
            500, "'NoneType' object does not support item assignment")
    bad = fresh.patch("/api/tasks/0/completions/abc", json={})
    assert bad.json()["detail"] == "invalid literal for int() with base 10: 'abc'"
    assert fresh.delete("/api/tasks/99/completions/1").status_code == 204
    assert fresh.post("/api/tasks/0/completions", json=[1]).json()["detail"] == "pop expected at most 1 argument, got 2"


def test_deleting_the_last_completion_keeps_the_task_done(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"result": choice("Cat")})
    gone = fresh.delete("/api/tasks/0/completions/1")
    assert (gone.status_code, gone.headers["content-type"]) == (204, HTML)
    assert fresh.delete("/api/tasks/0/completions/55555").status_code == 204
    assert fresh.get("/api/tasks/0").json() == {"completions": [], "data": {"image": "a.jpg"}, "id": 0,
                                                "predictions": []}
    assert fresh.get("/api/project").json()["completion_count"] == 1
    assert fresh.get("/api/tasks").json()[0]["completed_at"] == "undefined"
    assert fresh.post("/api/tasks/0/completions", json={"result": []}).text == '{"id":1}'


def test_a_completion_without_result_poisons_deletes_and_imports(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "c.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"result": choice("Cat")})
    assert fresh.post("/api/tasks/0/completions", json={}).text == '{"id":2}'
    for cid in (1, 2):  # the poisoned one itself too
        poisoned = fresh.delete(f"/api/tasks/0/completions/{cid}")
        assert (poisoned.status_code, poisoned.json()["detail"]) == (500, "'result'")
    assert len(completions(fresh, 0)) == 2  # nothing was deleted
    assert fresh.delete("/api/tasks/1/completions/1001").status_code == 204  # no completions file: no check
    imported = fresh.post("/api/project/import", json=[{"image": "b.jpg"}])
    assert (imported.status_code, imported.json()["detail"]) == (500, "'result'")
    assert fresh.get("/api/project").json()["task_count"] == 3  # the tasks stay imported
    gone = fresh.delete("/api/tasks/2")
    assert (gone.status_code, gone.json()["detail"]) == (500, "'result'")
    assert fresh.get("/api/project").json()["task_count"] == 2  # and the task is gone
    healed = fresh.delete("/api/tasks/0/completions")
    assert (healed.status_code, healed.headers["content-type"], healed.content) == (204, HTML, b"")
    assert fresh.get("/api/tasks/0").json() == {"id": 0, "data": {"image": "a.jpg"}}
    assert fresh.post("/api/project/import", json=[{"image": "d.jpg"}]).status_code == 201


def test_completion_ids_are_task_ids_and_deleting_them_all(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": f"{i}.jpg"} for i in range(4)])
    for task in (3, 1):
        fresh.post(f"/api/tasks/{task}/completions", json={"result": choice("Cat")})
    fresh.delete("/api/tasks/1/completions/1001")
    assert fresh.get("/api/completions").json() == {"ids": [1, 3]}  # task 1 keeps its (empty) file
    done = fresh.delete("/api/completions")
    assert (done.status_code, done.headers["content-type"], done.text) == (201, HTML, "done")
    assert fresh.get("/api/completions").json() == {"ids": []}
    assert fresh.get("/api/project/next").json()["id"] == 0
    assert fresh.delete("/api/tasks/99/completions").status_code == 204
    malformed = fresh.delete("/api/tasks/abc/completions").json()
    assert malformed["detail"] == "invalid literal for int() with base 10: 'abc'"
    assert fresh.get("/api/tasks/0/completions").status_code == 404


def test_deleting_every_task_starts_ids_at_0_again(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}])
    fresh.post("/api/tasks/1/completions", json={"result": choice("Cat")})
    gone = fresh.delete("/api/tasks")
    assert (gone.status_code, gone.headers["content-type"], gone.content) == (204, "application/json", b"")
    assert fresh.get("/api/tasks").json() == [] and fresh.get("/api/completions").json() == {"ids": []}
    assert fresh.post("/api/project/import", json=[{"image": "c.jpg"}]).json()["new_task_ids"] == [0]


def test_malformed_json_to_a_wrapped_route_is_the_500_envelope(fresh: TestClient) -> None:
    for method, path in (("POST", "/api/project/import"), ("POST", "/api/tasks/0/completions?x=1"),
                         ("PATCH", "/api/tasks/0/completions/1")):
        response = fresh.request(method, path, content=b"{bad", headers={"Content-Type": "application/json"})
        assert (response.status_code, response.headers["content-type"]) == (500, "application/json"), path
        assert response.json()["detail"] == ("400 Bad Request: The browser (or proxy) sent a request that this "
                                             "server could not understand.")
    assert response.json()["request"] == {} and fresh.post("/api/tasks/0/completions?x=1", content=b"{bad", headers={
        "Content-Type": "application/json"}).json()["request"] == {"x": "1"}


def test_the_poison_check_does_not_read_every_task(fresh: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def everything(_: object) -> None:
        raise AssertionError("the poison check read every task")

    monkeypatch.setattr(LabelStudio, "tasks", everything)
    assert fresh.post("/api/project/import", json=[{"image": "a.jpg"}]).status_code == 201
    assert fresh.post("/api/tasks/0/completions", json={}).text == '{"id":1}'
    imported = fresh.post("/api/project/import", json=[{"image": "b.jpg"}])
    assert (imported.status_code, imported.json()["detail"]) == (500, "'result'")
