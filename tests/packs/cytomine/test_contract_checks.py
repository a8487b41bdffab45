"""The Cytomine domain checks: each passes the mock's answers and fails a broken one."""

from __future__ import annotations

import json
import types
from typing import Any

import pytest

from mockserver.contract.followups import memo
from mockserver.packs.cytomine import contract as checks


def case(label: str, query: dict[str, Any] | None = None) -> Any:
    method, path = label.split(" ", 1)
    return types.SimpleNamespace(method=method, path=path, query=query or {}, path_parameters={})


def response(status: int, body: Any) -> Any:
    text = json.dumps(body)
    return types.SimpleNamespace(status_code=status, text=text, content=text.encode(), json=lambda: json.loads(text))


PROJECT = {"class": "be.cytomine.domain.project.Project", "id": 7, "created": "1700000000000",
           "numberOfImages": 2, "numberOfAnnotations": 5}


def test_read_by_id_answers_that_object() -> None:
    check = checks.read_by_id_answers_that_object
    asked = case("GET /api/project/{id}.json")
    asked.path_parameters = {"id": 7}
    assert check(None, response(200, PROJECT), asked)
    with pytest.raises(AssertionError, match="asked for 7, got the object 8"):
        check(None, response(200, {**PROJECT, "id": 8}), asked)
    assert check(None, response(404, {"errors": {"message": "not found"}}), asked) is None
    nested = case("GET /api/project/{id}/term.json")
    assert check(None, response(200, {**PROJECT, "id": 8}), nested) is None


@pytest.mark.parametrize(("query", "body", "good"), [
    ({}, {"collection": [1, 2, 3], "size": 3, "offset": 0, "perPage": 3, "totalPages": 1}, True),
    ({"max": 2}, {"collection": [1, 2], "size": 3, "offset": 0, "perPage": 2, "totalPages": 2}, True),
    ({"max": 2, "offset": 2}, {"collection": [3], "size": 3, "offset": 2, "perPage": 2, "totalPages": 2}, True),
    ({}, {"collection": [], "size": 0, "offset": 0, "perPage": 0, "totalPages": 0}, True),
    ({"max": 2}, {"collection": [1, 2], "size": 3, "offset": 0, "perPage": 2, "totalPages": 1}, False),
    ({"max": 2}, {"collection": [1, 2, 3], "size": 3, "offset": 0, "perPage": 2, "totalPages": 2}, False),
])
def test_collection_envelope_adds_up(query: dict[str, Any], body: dict[str, Any], good: bool) -> None:
    check = checks.collection_envelope_adds_up
    if good:
        assert check(None, response(200, body), case("GET /api/project.json", query))
    else:
        with pytest.raises(AssertionError, match="envelope"):
            check(None, response(200, body), case("GET /api/project.json", query))


@pytest.mark.parametrize(("sizes", "good"), [((2, 5), True), ((2, 4), False)])
def test_project_counters_match_its_lists(monkeypatch: pytest.MonkeyPatch, sizes: tuple[int, int],
                                          good: bool) -> None:
    answers = {"/api/project/{id}/imageinstance.json": sizes[0], "/api/annotation.json": sizes[1]}

    def follow_up(case: Any, method: str, path: str, **_: Any) -> tuple[Any, Any]:
        return response(200, {"collection": [], "size": answers[path]}), None

    monkeypatch.setattr(checks, "follow_up", follow_up)
    memo.reset()
    check = checks.project_counters_match_its_lists
    if good:
        assert check(None, response(200, PROJECT), case("GET /api/project/{id}.json"))
    else:
        with pytest.raises(AssertionError, match="numberOfAnnotations is 5, its list has 4"):
            check(None, response(200, PROJECT), case("GET /api/project/{id}.json"))
