"""GET /api/tasks (paging, ordering, fields, errors) and GET/DELETE /api/tasks/{id}."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.packs.labelstudio.api import LabelStudio
from tests.packs.labelstudio.conftest import choice


def ids(client: TestClient, query: str = "") -> list[int]:
    return [task["id"] for task in client.get(f"/api/tasks?{query}").json()]


def test_pages_of_ten_by_default(ls: TestClient) -> None:
    assert ids(ls) == list(range(10))
    assert ids(ls, "page=2&page_size=7") == list(range(7, 14))
    assert ids(ls, "page=9") == []
    assert ids(ls, "order=-id&page_size=3") == [19, 18, 17]


def test_done_tasks_carry_completions_and_counters(ls: TestClient) -> None:
    tasks = ls.get("/api/tasks?page_size=100").json()
    done = [t for t in tasks if "completions" in t]
    assert len(done) == 5 and sum(t["has_cancelled_completions"] for t in done) == 1
    for task in done:
        assert len(task["completed_at"]) == 19 and task["completed_at"].startswith("2020-")
        assert "predictions" in task
    assert all(set(t) <= {"id", "data", "predictions"} for t in tasks if "completions" not in t)


def test_ordering_by_completed_at_puts_open_tasks_last(ls: TestClient) -> None:
    tasks = {t["id"]: t for t in ls.get("/api/tasks?page_size=100").json()}
    done = sorted((t["completed_at"], i) for i, t in tasks.items() if "completed_at" in t)
    newest_first = ids(ls, "order=-completed_at&page_size=100")
    oldest_first = ids(ls, "order=completed_at&page_size=100")
    assert newest_first[:5] == [i for _, i in reversed(done)] and oldest_first[:5] == [i for _, i in done]
    assert newest_first[5:] == oldest_first[5:] and set(newest_first[5:]) == set(tasks) - {i for _, i in done}


def test_ties_come_out_as_in_the_real_server(fresh: TestClient, empty_app: object) -> None:
    fresh.post("/api/project/import", json=[{"image": f"{i}.jpg"} for i in range(5)])
    for task in (0, 1, 4):  # the same second (the test clock does not move)
        fresh.post(f"/api/tasks/{task}/completions", json={"result": choice("Cat")})
    assert ids(fresh, "order=-completed_at") == [0, 1, 4, 3, 2]  # all observed on 0.8.1
    assert ids(fresh, "order=completed_at") == [4, 1, 0, 3, 2]
    assert ids(fresh, "order=has_cancelled_completions") == [0, 1, 4, 2, 3]
    assert ids(fresh, "order=-has_cancelled_completions") == [0, 1, 4, 2, 3]


def test_fields_keep_the_named_keys(ls: TestClient) -> None:
    assert ls.get("/api/tasks?fields=id&page_size=2").json() == [{"id": 0}, {"id": 1}]
    crash = ls.get("/api/tasks?fields=id,nope")
    assert crash.status_code == 500 and crash.json()["detail"] == "'nope'"
    assert crash.json()["request"] == {"fields": "id,nope"}


def test_paging_and_order_errors(ls: TestClient) -> None:
    for query in ("page=0", "page_size=0", "page_size=-1"):
        response = ls.get(f"/api/tasks?{query}")
        assert (response.status_code, response.json()) == (422, {"detail": "Incorrect page or page_size"})
    for query, detail in (("page=abc", "invalid literal for int() with base 10: 'abc'"),
                          ("order=", "string index out of range"), ("order=bogus", "Incorrect order")):
        response = ls.get(f"/api/tasks?{query}")
        assert (response.status_code, response.json()["detail"]) == (500, detail), query
        assert response.json()["result"]["traceback"].startswith("Traceback (most recent call last):")


def test_one_task_in_ujson_form(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "http://example.org/a.jpg"}])
    response = fresh.get("/api/tasks/0")
    assert response.content == b'{"id":0,"data":{"image":"http:\\/\\/example.org\\/a.jpg"}}\n'
    assert fresh.get("/api/tasks/00").json()["id"] == 0
    pretty = '{\n "id": 0,\n "data": {\n  "image": "http:\\/\\/example.org\\/a.jpg"\n }\n}\n'
    assert fresh.get("/api/tasks/0?pretty=1").text == pretty


def test_a_done_task_comes_with_every_key_sorted(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "http://example.org/a.jpg", "extra": 1}])
    fresh.post("/api/tasks/0/completions", json={"result": choice("Cat")})
    content = fresh.get("/api/tasks/0").content
    assert content.startswith(b'{"completions":[{"created_at":')
    assert content.endswith(rb'"data":{"extra":1,"image":"http:\/\/example.org\/a.jpg"},"id":0,'
                            rb'"predictions":[]}' + b"\n")


def test_unknown_or_malformed_task_ids_are_500_envelopes(ls: TestClient) -> None:
    for path, detail in (("/api/tasks/99999", "'NoneType' object is not subscriptable"),
                         ("/api/tasks/467219992002800171369", "'NoneType' object is not subscriptable"),
                         ("/api/tasks/abc", "invalid literal for int() with base 10: 'abc'")):
        response = ls.get(path)
        assert (response.status_code, response.headers["content-type"]) == (500, "application/json")
        assert response.json()["detail"] == detail and response.json()["status"] == 500


def test_ids_beyond_64_bits_are_unknown_tasks_not_400s(ls: TestClient) -> None:
    deleted = ls.delete("/api/tasks/467219992002800171369")
    assert (deleted.status_code, deleted.json()["detail"]) == (500, "467219992002800171369")


def test_deleting_a_task_and_again(ls: TestClient) -> None:
    gone = ls.delete("/api/tasks/3")
    assert (gone.status_code, gone.headers["content-type"], gone.content) == (204, "application/json", b"")
    again = ls.delete("/api/tasks/3")
    assert (again.status_code, again.json()["detail"]) == (500, "3")
    assert ls.get("/api/project").json()["task_count"] == 19
    assert ls.post("/api/project/import", json=[{"image": "x.jpg"}]).json()["new_task_ids"] == [20]


def test_pages_by_id_read_only_their_tasks(fresh: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh.post("/api/project/import", json=[{"image": f"{i}.jpg"} for i in range(25)])
    fresh.post("/api/tasks/3/completions", json={"result": choice("Cat")})
    whole = fresh.get("/api/tasks?page_size=100").json()

    def everything(_: object) -> None:
        raise AssertionError("a page by id read every task")

    monkeypatch.setattr(LabelStudio, "tasks", everything)
    assert fresh.get("/api/tasks?page=2&page_size=10").json() == whole[10:20]
    assert fresh.get("/api/tasks?order=-id&page=3&page_size=10").json() == whole[::-1][20:30]
    assert fresh.get("/api/tasks?page=4&page_size=10").json() == []
    assert fresh.get(f"/api/tasks?page={2**62}&page_size={2**62}").json() == []  # past SQLite's integers
    assert fresh.get(f"/api/tasks?page_size={2**70}").json() == whole
