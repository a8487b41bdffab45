from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.specdiff import Aspect, Replay, Side, compare, replay
from mockserver.specdiff.behaviour import Step, Variant, json_path, shape
from mockserver.specdiff.model import BehaviourReport, Change

WEBKNOSSOS = load_pack("webknossos")


def run(
    documents: dict[str, dict[str, Any]], client: httpx.Client, old: str, new: str
) -> tuple[BehaviourReport, dict[str, Change]]:
    changes = compare(documents[old], documents[new])
    token = client.app.backend.world.token("admin")  # the TestClient of the tiny mock
    report = replay(Replay.load(WEBKNOSSOS, "version-tour"), client, Side.from_document(old, documents[old]),
                    Side.from_document(new, documents[new]), changes, token, "X-Auth-Token")
    return report, {c.id: c for c in changes}


def kinds(difference: Any, changes: dict[str, Change]) -> set[str]:
    return {changes[i].kind.value for i in difference.explained_by}


def test_v3_to_v4_project_lookups_change_status_and_are_explained(
    documents: dict[str, dict[str, Any]], live_mock: httpx.Client
) -> None:
    report, changes = run(documents, live_mock, "v3", "v4")
    assert report.old_base == "/api/v3" and len(report.steps) == len(Replay.load(WEBKNOSSOS, "version-tour").steps)
    found = {d.exchange: d for d in report.differences}
    read = found["read project by id"]
    assert (read.aspect, read.a, read.b) == (Aspect.STATUS, "404", "200")
    assert "path-parameter-renamed" in kinds(read, changes)
    assert "identifier-changed" in kinds(found["list tasks filtered by project"], changes)
    assert "operation-added" in kinds(found["list projects with status"], changes)
    assert report.unexplained == ()


def test_v4_to_v5_layers_and_create_body_are_explained(
    documents: dict[str, dict[str, Any]], live_mock: httpx.Client
) -> None:
    report, changes = run(documents, live_mock, "v4", "v5")
    create = [d for d in report.differences if d.exchange == "create explorational"]
    assert [(d.aspect, d.location, d.a, d.b) for d in create] == [
        (Aspect.REQUEST, "request", "variant 1 (no query, object body)", "variant 2 (no query, array body)"),
        (Aspect.BODY, "$.annotationLayers", "absent", "present"),
        (Aspect.BODY, "$.tracing", "present", "absent"),
    ]
    assert kinds(create[0], changes) == {"type-changed"}
    assert kinds(create[1], changes) == kinds(create[2], changes) == {"property-renamed"}
    assert all(s.b_status == 200 for s in report.steps)
    assert report.unexplained == ()


def pets(version: str) -> dict[str, Any]:
    item = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
    return {
        "openapi": "3.0.3", "info": {"title": "pets", "version": version}, "servers": [{"url": f"/{version}"}],
        "paths": {"/pets": {"get": {"responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": item}}}}}}}},
    }


def test_undocumented_behaviour_changes_are_flagged_unexplained() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/pets":
            return httpx.Response(200, json=[{"id": 1, "name": "Rex", "tag": None}])
        return httpx.Response(200, json=[{"id": "1", "name": "Rex", "tag": None, "legs": 4}], headers={"X-Shard": "2"})

    plan = Replay("pets", (Step("list pets", "GET", "/pets"),))
    with httpx.Client(transport=httpx.MockTransport(server), base_url="http://pets.test") as client:
        report = replay(plan, client, Side.from_document("1", pets("v1")), Side.from_document("2", pets("v2")), [])
    assert [(d.aspect, d.location, d.a, d.b) for d in report.unexplained] == [
        (Aspect.HEADER, "x-shard", "absent", "present"),
        (Aspect.BODY, "$[].id", "number", "string"),
        (Aspect.BODY, "$[].legs", "absent", "present"),
    ]


def test_variants_are_chosen_per_spec_and_captures_fall_back_to_the_other_version() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/owners"):
            return httpx.Response(200 if request.url.path.startswith("/v2") else 500, json={"id": "o1"})
        return httpx.Response(200, json={"path": request.url.path})

    old, new = pets("v1"), pets("v2")
    for document in (old, new):
        document["paths"]["/owners"] = {"get": {"responses": {"200": {"description": "ok"}}}}
        document["paths"]["/owners/{id}"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    new["paths"]["/owners/{id}"]["get"]["parameters"] = [
        {"name": "when", "in": "query", "required": True, "schema": {"type": "integer"}}
    ]
    plan = Replay("owners", (
        Step("list owners", "GET", "/owners", capture={"owner": "$.id"}),
        Step("read owner", "GET", "/owners/{owner}", variants=(Variant(), Variant(query={"when": 1}))),
    ))
    with httpx.Client(transport=httpx.MockTransport(server), base_url="http://pets.test") as client:
        report = replay(plan, client, Side.from_document("1", old), Side.from_document("2", new), compare(old, new))
    assert [s.a_url for s in report.steps] == ["/v1/owners", "/v1/owners/o1"]
    read = [d for d in report.differences if d.exchange == "read owner"]
    assert [(d.aspect, d.a, d.b, d.explained) for d in read] == [
        (Aspect.REQUEST, "variant 1 (no query)", "variant 2 (query when)", True)
    ]
    assert read[0].note == "used the other version's owner"


def test_shapes_ignore_values_and_unknown_parts() -> None:
    assert shape({"a": [1, 2], "b": None, "c": []}) == {
        "$": {"object"}, "$.a": {"array"}, "$.a[]": {"number"}, "$.b": {"null"}, "$.c": {"empty array"}
    }
    assert json_path({"a": [{"b": 3}]}, "$.a[0].b") == 3
    assert json_path({"a": []}, "$.a[0].b") is None


def test_replays_load_by_name_or_path(tmp_path: Path) -> None:
    assert Replay.load(WEBKNOSSOS, "version-tour").name == "version-tour"
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps: [{name: x}]\n")
    with pytest.raises(ConfigurationError, match="cannot read replay"):
        Replay.load(WEBKNOSSOS, str(broken))
