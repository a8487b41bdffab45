"""WEBKNOSSOS validation_messages.py: request-validation failures in the real server's words, never dumps.

One test per class of failure with the exact answer, then a sweep that sends ill-typed, out-of-range
and missing parameters and ill-formed bodies to every operation of every version.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.validation_messages import (
    js_error_text,
    play_json_path,
    play_path,
    play_validation_body,
    wk_fields_body,
)
from mockserver.specs import SpecLoader, spec_path
from mockserver.violations import Violation, violations_of

if TYPE_CHECKING:
    from starlette.testclient import TestClient

UNKNOWN = "0" * 24
TASK = {"taskTypeId": UNKNOWN, "neededExperience": {"domain": "d", "value": 1}, "pendingInstances": 1,
        "projectName": "p", "dataSet": "d", "editPosition": [1, 2, 3], "editRotation": [0, 0, 0]}
DUMP_MARKERS = ("Failed validating", "On instance", "is not of type", "is a required property", "is not one of",
                "is less than the minimum", "is greater than the maximum", "does not match", "{'", "['", "\n")


def errors(response: Any) -> list[str]:
    return [m["error"] for m in response.json()["messages"] if "error" in m]


@pytest.fixture
def admin(auth: Any) -> dict[str, str]:
    return dict(auth("admin"))


# one test per class of failure -------------------------------------------------------------------

def test_missing_body_field_on_a_typed_reader_route(client: TestClient, admin: dict[str, str]) -> None:
    body = {key: value for key, value in TASK.items() if key != "taskTypeId"}
    response = client.post("/api/v5/tasks", json=[body], headers=admin)
    assert response.status_code == 400
    assert response.json() == {"obj[0].taskTypeId": [{"msg": ["error.path.missing"], "args": []}]}


def test_missing_body_field_on_a_controller_validated_route(client: TestClient, admin: dict[str, str]) -> None:
    response = client.post("/api/v5/teams", json={}, headers=admin)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "/name", "error": "error.path.missing"}],
                               "messages": [{"error": "Invalid Json format"}]}


def test_wrong_type_in_body(client: TestClient, app: MockApp, admin: dict[str, str]) -> None:
    user = app.backend.store.select(r.User, order="id")[0]
    response = client.patch(f"/api/v5/users/{user.id}", json={"isActive": "yes"}, headers=admin)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "/isActive", "error": "error.expected.jsboolean"}]
    response = client.post("/api/v5/tasks/list", json={"ids": "nope"}, headers=admin)
    assert response.status_code == 400
    assert errors(response) == [
        "Invalid json: List((/ids,List(JsonValidationError(List(error.expected.jsarray),ArraySeq()))))"]
    response = client.post("/api/v5/tasks", json=[{**TASK, "pendingInstances": 1.5}], headers=admin)
    assert response.json() == {"obj[0].pendingInstances": [{"msg": ["error.expected.int"], "args": []}]}


def test_value_below_minimum_in_a_query_parameter(client: TestClient, auth: Any) -> None:
    response = client.get("/api/v5/user/tasks", params={"limit": -1}, headers=auth("user"))
    assert response.status_code == 400
    assert errors(response) == ["Cannot parse parameter limit as Int: must be at least 0"]


@pytest.mark.parametrize(("params", "text"), [
    ({"limit": "x"}, 'Cannot parse parameter limit as Int: For input string: "x"'),
    ({"pageNumber": "1.5"}, 'Cannot parse parameter pageNumber as Int: For input string: "1.5"'),
    ({"limit": "99999999999"}, 'Cannot parse parameter limit as Int: For input string: "99999999999"'),
    ({"isFinished": "maybe"}, "Cannot parse parameter isFinished as Boolean: should be true, false, 0 or 1"),
], ids=["text", "fraction", "beyond-int", "boolean"])
def test_unparseable_query_parameter(client: TestClient, auth: Any, params: dict[str, str], text: str) -> None:
    response = client.get("/api/v5/user/tasks", params=params, headers=auth("user"))
    assert response.status_code == 400
    assert errors(response) == [text]


def test_unparseable_long_query_parameter(client: TestClient, auth: Any) -> None:
    response = client.get(f"/api/v5/annotations/Explorational/{UNKNOWN}/info", params={"timestamp": "now"},
                          headers=auth("user"))
    assert errors(response) == ['Cannot parse parameter timestamp as Long: For input string: "now"']


def test_missing_required_query_parameter(client: TestClient, app: MockApp, auth: Any) -> None:
    response = client.get(f"/api/v5/annotations/Explorational/{UNKNOWN}/info", headers=auth("user"))
    assert response.status_code == 400
    assert errors(response) == ["Missing parameter: timestamp"]
    task = app.backend.store.select(r.Task, order="id")[0]
    response = client.post(f"/api/v5/tasks/{task.id}/assign", headers=auth("admin"))
    assert errors(response) == ["Missing parameter: userId"]


def test_invalid_enum_value(client: TestClient, app: MockApp, auth: Any) -> None:
    dataset = app.backend.store.select(r.Dataset, order="id")[0]
    response = client.post(f"/api/v5/datasets/sample_organization/{dataset.name}/createExplorational",
                           json=[{"typ": "Bogus"}], headers=auth("admin"))
    assert response.status_code == 400
    assert response.json() == {"obj[0].typ": [{"msg": ["error.expected.validenumvalue"], "args": []}]}
    response = client.get(f"/api/v5/annotations/{UNKNOWN}/download", params={"volumeDataZipFormat": "tar"},
                          headers=auth("user"))
    assert response.status_code == 400
    assert errors(response) == ["Cannot parse parameter volumeDataZipFormat: must be one of wkw, zarr3"]


def test_invalid_annotation_type_is_not_found_with_the_real_chain(client: TestClient, auth: Any) -> None:
    response = client.get(f"/api/v5/annotations/Nonsense/{UNKNOWN}/info", params={"timestamp": 1},
                          headers=auth("user"))
    assert response.status_code == 404
    messages = response.json()["messages"]
    assert messages[0] == {"error": "Annotation could not be found"}
    assert messages[1]["chain"].endswith("]  <~ Invalid AnnotationType: Nonsense")


def test_invalid_form_field(client: TestClient, auth: Any) -> None:
    response = client.post("/api/v5/annotations/upload", data={"createGroupForEachFile": "maybe"},
                           files={"a.nml": ("a.nml", b"<things/>")}, headers=auth("user"))
    assert response.status_code == 400
    assert errors(response) == ["Cannot parse parameter createGroupForEachFile: must be one of true, false"]


@pytest.mark.parametrize(("content", "content_type", "status", "text"), [
    (b"{not json", "application/json", 400,
     "Invalid Json: Expecting property name enclosed in double quotes at line 1, column 2"),
    (b"", "application/json", 400, "Invalid Json: No content to map due to end-of-input"),
    (b"\xff{}", "application/json", 400, "Invalid Json: Invalid UTF-8 start byte 0xff at position 0"),
    (b"name=x", "text/plain", 415, "Expecting text/json or application/json body"),
], ids=["malformed", "empty", "not-utf8", "not-json"])
def test_malformed_body(client: TestClient, admin: dict[str, str], content: bytes, content_type: str, status: int,
                        text: str) -> None:
    response = client.post("/api/v5/teams", content=content, headers={**admin, "Content-Type": content_type})
    assert response.status_code == status
    assert errors(response) == [text]


def test_project_names_get_the_routes_own_keys(client: TestClient, admin: dict[str, str]) -> None:
    """The reference's example of WEBKNOSSOS's body-validation shape, exactly."""
    body = {"team": UNKNOWN, "priority": 1, "owner": UNKNOWN, "isBlacklistedFromReport": False}
    response = client.post("/api/v5/projects", json={**body, "name": "ab"}, headers=admin)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": "/name", "error": "error.minLength"}],
                               "messages": [{"error": "Invalid Json format"}]}
    response = client.post("/api/v5/projects", json={**body, "name": "a b c"}, headers=admin)
    assert response.json()["errors"] == [{"field": "/name", "error": "project.name.invalidChars"}]


def test_multipart_routes(client: TestClient, admin: dict[str, str]) -> None:
    nml = ("task.nml", b"<things/>")
    response = client.post("/api/v5/tasks/createFromFiles", files={"task.nml": nml}, data={}, headers=admin)
    assert (response.status_code, errors(response)) == (400, ["Missing format json"])
    for path in ("/api/v5/tasks/createFromFiles", "/api/v5/annotations/upload"):
        response = client.post(path, headers=admin)
        assert (response.status_code, errors(response)) == (400, ["Missing boundary header"])
        response = client.post(path, content=b"x", headers={**admin, "Content-Type": "text/plain"})
        assert (response.status_code, errors(response)) == (400, ["Missing boundary header"])


# the translation, generic part -------------------------------------------------------------------

def test_every_violation_of_a_body_once_and_any_of_by_its_first_branch() -> None:
    schema = {"type": "array", "items": {"type": "object", "required": ["a", "b"],
                                         "anyOf": [{"required": ["new"]}, {"required": ["old"]}],
                                         "properties": {"a": {"type": "string"}, "n": {"type": "integer"}}}}
    found = violations_of(Draft4Validator(schema).iter_errors([{"a": 1, "n": 2.5}]), "body")
    assert [(v.field, v.kind) for v in found] == [((0, "b"), "missing"), ((0, "new"), "missing"),
                                                   ((0, "a"), "type"), ((0, "n"), "type")]


def test_play_paths_and_shapes() -> None:
    missing = Violation("body", (0, "dataSet"), "missing")
    short = Violation("body", ("name",), "minLength", 3, "x", {"type": "string"})
    assert play_json_path(missing.field) == "obj[0].dataSet" and play_path(missing.field) == "(0)/dataSet"
    assert play_validation_body([missing]) == {"obj[0].dataSet": [{"msg": ["error.path.missing"], "args": []}]}
    assert wk_fields_body([short])["errors"] == [{"field": "/name", "error": "error.minLength"}]
    assert js_error_text([short]) == "Invalid json: List((/name,List(JsonValidationError(List(error.minLength),"\
                                     "ArraySeq(3)))))"


# the sweep ---------------------------------------------------------------------------------------

@functools.cache
def operations() -> list[tuple[str, str, str, dict[str, Any]]]:
    found = []
    for version in ("v1", "v2", "v3", "v4", "v5", "datastore"):
        base = "/data" if version == "datastore" else f"/api/{version}"
        for path, item in SpecLoader().load(spec_path("webknossos", version))["paths"].items():
            for method, operation in item.items():
                if method in {"get", "put", "post", "patch", "delete"}:
                    parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
                    found.append((method.upper(), base, path, {**operation, "parameters": parameters}))
    return found


def sample(schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1, "boolean": "true"}.get(schema.get("type", ""), UNKNOWN)


def bad_values(schema: dict[str, Any]) -> list[Any]:
    kind, values = schema.get("type"), []
    if kind in {"integer", "number", "boolean"}:
        values.append("x")
    if kind in {"integer", "number"}:
        if schema.get("minimum", -(2**31)) > -(2**31):
            values.append(schema["minimum"] - 1)
        values.append("99999999999999999999")
    if "enum" in schema:
        values.append("not-a-member")
    return values


Request = tuple[dict[str, Any], dict[str, Any], bool]


def requests_for(operation: dict[str, Any]) -> list[Request]:
    """(query, request keyword arguments, whether it must fail): each with one thing wrong or odd."""
    params = operation["parameters"]
    query = {p["name"]: sample(p.get("schema", {})) for p in params if p["in"] == "query" and p.get("required")}
    wrong: list[Request] = [({**query, p["name"]: value}, {}, True) for p in params if p["in"] == "query"
                            for value in bad_values(p.get("schema", {}))]
    wrong += [({k: v for k, v in query.items() if k != p["name"]}, {}, True) for p in params
              if p["in"] == "query" and p.get("required")]
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        bodies = [(b'"text"', True), (b"{oops", True), (b"[1, 2", True), (b"{}", False), (b"[{}]", False),
                  (b'[{"typ": 5, "name": []}]', False), (b'{"name": 5, "annotations": "x"}', False)]
        wrong += [(query, {"content": body, "headers": {"Content-Type": "application/json"}}, must_fail)
                  for body, must_fail in bodies]
    return wrong


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (key, *strings(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


def fill(path: str, params: list[dict[str, Any]]) -> str:
    for p in params:
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", str(sample(p.get("schema", {}))))
    return path


CASES = [(m, b, p, op) for m, b, p, op in operations() if requests_for(op)]


@pytest.mark.parametrize(("method", "base", "path", "operation"), CASES, ids=[f"{b} {m} {p}" for m, b, p, _ in CASES])
def test_no_validation_answer_leaks_a_dump(client: TestClient, admin: dict[str, str], method: str, base: str,
                                           path: str, operation: dict[str, Any]) -> None:
    url = base + fill(path, operation["parameters"])
    for query, kwargs, must_fail in requests_for(operation):
        headers = {**admin, **kwargs.pop("headers", {})}
        response = client.request(method, url, params=query, headers=headers, **kwargs)
        sent = f"{method} {url} {query} {kwargs}"
        assert response.status_code < 500, f"{sent}: {response.status_code} {response.text[:300]}"
        assert response.status_code >= 400 or not must_fail, f"{sent}: {response.status_code} {response.text[:300]}"
        if response.status_code >= 400:
            texts = strings(response.json())
            assert not [t for t in texts for marker in DUMP_MARKERS if marker in t], f"{sent}: {response.text[:500]}"
