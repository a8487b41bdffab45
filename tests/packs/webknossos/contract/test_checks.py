"""The domain checks that judge a single response (those with follow-ups run against the mock)."""

from __future__ import annotations

import json
import types
from typing import Any

import pytest

from mockserver.contract.checks import registered
from mockserver.packs.webknossos.contract import checks


def case(label: str, *, query: dict[str, Any] | None = None, params: tuple[str, ...] = (), version: int = 5) -> Any:
    method, path = label.split(" ", 1)
    schema = types.SimpleNamespace(raw_schema={"info": {"version": str(version)}})
    parameters = [types.SimpleNamespace(name=name) for name in params]
    operation = types.SimpleNamespace(schema=schema, iter_parameters=lambda: iter(parameters))
    return types.SimpleNamespace(method=method, path=path, query=query or {}, path_parameters={}, body=None,
                                 operation=operation)


def response(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    text = body if isinstance(body, str) else json.dumps(body)
    all_headers = {"content-type": ["text/plain" if isinstance(body, str) else "application/json"]}
    all_headers.update({k.lower(): [v] for k, v in (headers or {}).items()})

    def parse() -> Any:
        return json.loads(text)

    return types.SimpleNamespace(status_code=status, headers=all_headers, text=text, content=text.encode(), json=parse)


PAGED = ("isFinished", "limit", "pageNumber", "includeTotalCount")


def test_error_envelope() -> None:
    check = checks.error_envelope_is_wk_shape
    assert check(None, response(404, {"messages": [{"error": "Task could not be found"}]}), case("GET /tasks/{id}"))
    assert check(None, response(400, {"obj[0].dataSet": [{"msg": ["error.path.missing"], "args": []}]}),
                 case("POST /tasks"))
    assert check(None, response(401, "You are not authorized"), case("GET /user"))
    with pytest.raises(AssertionError, match="messages"):
        check(None, response(404, {"detail": "Not Found"}), case("GET /tasks/{id}"))
    with pytest.raises(AssertionError, match="text/plain"):
        check(None, response(401, {"messages": [{"error": "no"}]}), case("GET /user"))


def test_total_count_header_only_when_requested() -> None:
    check = checks.total_count_header_only_when_requested
    asked = case("GET /user/annotations", query={"includeTotalCount": "true"}, params=PAGED)
    assert check(None, response(200, [], {"X-Total-Count": "0"}), asked)
    with pytest.raises(AssertionError, match="X-Total-Count header is missing") as failure:
        check(None, response(200, []), asked)
    assert "Schema: #/paths/~1user~1annotations/get/responses/200/headers/X-Total-Count" in str(failure.value)
    with pytest.raises(AssertionError, match="without includeTotalCount"):
        check(None, response(200, [], {"X-Total-Count": "3"}), case("GET /user/annotations", params=PAGED))
    assert check(None, response(200, []), case("GET /users")) is None  # not a paged list


def test_task_counters() -> None:
    task = {"id": "a" * 24, "projectId": "b" * 24, "status": {"pending": 1, "active": 0, "finished": 2}}
    check = checks.task_instances_add_up
    assert check(None, response(200, task), case("GET /tasks/{id}"))
    assert check(None, response(200, {**task, "status": {"pending": -1, "active": -1, "finished": -1}}),
                 case("GET /tasks/{id}"))
    with pytest.raises(AssertionError, match="status"):
        check(None, response(200, [{**task, "status": {"pending": -3, "active": 0, "finished": 0}}]),
              case("GET /projects/{id}/tasks"))


@pytest.mark.parametrize(("version", "annotation", "ok"), [
    (5, {"typ": "Task", "id": "x", "annotationLayers": [], "visibility": "Internal"}, True),
    (3, {"typ": "Task", "id": "x", "tracing": {}, "visibility": "Internal"}, True),
    (3, {"typ": "Task", "id": "x", "annotationLayers": [], "visibility": "Internal"}, False),
    (1, {"typ": "Task", "id": "x", "tracing": {}, "isPublic": False}, True),
    (1, {"typ": "Task", "id": "x", "tracing": {}, "visibility": "Internal"}, False),
])
def test_annotation_shape_matches_version(version: int, annotation: dict[str, Any], ok: bool) -> None:
    check = checks.annotation_shape_matches_version
    checked = case("GET /annotations/{typ}/{id}/info", version=version)
    if ok:
        assert check(None, response(200, annotation), checked)
    else:
        with pytest.raises(AssertionError, match=f"v{version} annotation"):
            check(None, response(200, annotation), checked)
    # routes added in the v5 era answer v5 JSON in every version
    assert check(None, response(200, annotation), case("GET /annotations/{id}/info", version=version)) is None


def test_domain_checks_are_registered_only_during_a_run() -> None:
    from schemathesis.checks import CHECKS

    with registered(checks.DOMAIN_CHECKS):
        assert {c.__name__ for c in checks.DOMAIN_CHECKS} <= set(CHECKS.get_all_names())
    assert not {c.__name__ for c in checks.DOMAIN_CHECKS} & set(CHECKS.get_all_names())
