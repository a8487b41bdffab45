"""The seed changelog ("New in v2 … v5"), item by item, each for its own pair of versions."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.specdiff import Change, Kind, Section, Severity, compare

PAIRS = [("v1", "v2"), ("v2", "v3"), ("v3", "v4"), ("v4", "v5")]
ANNOTATION_RESPONSES = {
    "GET /annotations/{typ}/{id}/info", "PATCH /annotations/{typ}/{id}/finish",
    "POST /annotations/{typ}/{id}/duplicate", "PATCH /annotations/{typ}/{id}/reopen",
    "PUT /annotations/{typ}/{id}/reset", "POST /annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}",
    "POST /datasets/{organizationName}/{dataSetName}/createExplorational", "GET /tasks/{id}/annotations",
    "GET /user/tasks", "GET /user/annotations", "GET /users/{id}/tasks", "GET /users/{id}/annotations",
}
PROJECT_ROUTES = {
    "GET /projects/{id}", "PUT /projects/{id}", "DELETE /projects/{id}", "GET /projects/{id}/tasks",
    "PATCH /projects/{id}/incrementEachTasksInstances", "PATCH /projects/{id}/pause", "PATCH /projects/{id}/resume",
}


@pytest.fixture(scope="module")
def changes(documents: dict[str, dict[str, Any]]) -> dict[tuple[str, str], list[Change]]:
    return {(a, b): compare(documents[a], documents[b]) for a, b in PAIRS}


def renames(changes: list[Change], old: str, new: str) -> list[Change]:
    return [c for c in changes if c.kind is Kind.PROPERTY_RENAMED and (c.old, c.new) == (old, new)]


def pairs_with(changes: dict[tuple[str, str], list[Change]], predicate: Any) -> list[tuple[str, str]]:
    return [pair for pair, found in changes.items() if any(predicate(c) for c in found)]


def test_v2_replaces_is_public_by_visibility_as_a_rename(changes: dict[tuple[str, str], list[Change]]) -> None:
    found = renames(changes["v1", "v2"], "isPublic", "visibility")
    responses = {c.operation for c in found if c.location.section is Section.RESPONSE}
    assert responses == ANNOTATION_RESPONSES
    assert all(c.severity is Severity.BREAKING for c in found if c.location.section is Section.RESPONSE)
    edit = [c for c in found if c.location.section is Section.REQUEST_BODY]
    assert [c.operation for c in edit] == ["PATCH /annotations/{typ}/{id}/edit"]
    info = next(c for c in found if c.operation == "GET /annotations/{typ}/{id}/info")
    assert info.location.json_path == "$.visibility" and info.renamed_from == "$.isPublic"
    assert "`isPublic` (boolean) replaced by `visibility` (string: Private | Internal | Public)" in info.reason
    assert not [c for c in changes["v1", "v2"] if c.kind in {Kind.PROPERTY_ADDED, Kind.PROPERTY_REMOVED}]
    assert pairs_with(changes, lambda c: c.old == "isPublic") == [("v1", "v2")]


def test_v3_requires_a_timestamp_on_info_and_finish(changes: dict[tuple[str, str], list[Change]]) -> None:
    found = [c for c in changes["v2", "v3"] if c.location.parameter == "query timestamp"]
    assert {c.operation for c in found} == {"GET /annotations/{typ}/{id}/info", "PATCH /annotations/{typ}/{id}/finish"}
    assert {(c.kind, c.severity) for c in found} == {(Kind.PARAMETER_ADDED, Severity.BREAKING)}
    assert all("new required query parameter `timestamp`" in c.reason for c in found)
    assert pairs_with(changes, lambda c: c.location.parameter == "query timestamp") == [("v2", "v3")]


def test_v4_addresses_projects_by_id_as_a_path_parameter_rename(changes: dict[tuple[str, str], list[Change]]) -> None:
    found = [c for c in changes["v3", "v4"] if c.kind is Kind.PATH_PARAMETER_RENAMED]
    assert {c.operation for c in found} == PROJECT_ROUTES
    assert {(c.old, c.new, c.severity) for c in found} == {("name", "id", Severity.BREAKING)}
    assert all("the route now takes an id where it took a name" in c.reason for c in found)
    assert all(c.renamed_from and c.renamed_from.startswith("/projects/{name}") for c in found)
    gone_or_new = {c.operation for c in changes["v3", "v4"] if c.kind in {Kind.OPERATION_REMOVED, Kind.OPERATION_ADDED}}
    assert gone_or_new == {"GET /projects/assignments", "GET /projects/withStatus"}  # v3 shadows them by {name}


def test_v4_filters_tasks_by_project_id(changes: dict[tuple[str, str], list[Change]]) -> None:
    found = [c for c in changes["v3", "v4"] if (c.operation, c.location.json_path) == ("POST /tasks/list", "$.project")]
    swap = [c for c in found if c.kind is Kind.IDENTIFIER_CHANGED]
    assert [(c.severity, c.old, c.new) for c in swap] == [(Severity.BREAKING, "name", "id")]
    assert swap[0].reason.startswith("`project` now takes an id instead of a name")
    assert not {Kind.PROPERTY_ADDED, Kind.PROPERTY_REMOVED} & {c.kind for c in found}
    assert pairs_with(changes, lambda c: c.kind is Kind.IDENTIFIER_CHANGED) == [("v3", "v4")]


def test_v5_replaces_tracing_by_annotation_layers(changes: dict[tuple[str, str], list[Change]]) -> None:
    found = renames(changes["v4", "v5"], "tracing", "annotationLayers")
    assert {c.operation for c in found} == ANNOTATION_RESPONSES
    assert {c.severity for c in found} == {Severity.BREAKING}
    assert all("`tracing` (object) replaced by `annotationLayers` (array of object)" in c.reason for c in found)
    assert pairs_with(changes, lambda c: c.new == "annotationLayers") == [("v4", "v5")]


def test_v5_create_explorational_takes_a_list_of_layers(changes: dict[tuple[str, str], list[Change]]) -> None:
    operation = "POST /datasets/{organizationName}/{dataSetName}/createExplorational"
    found = [c for c in changes["v4", "v5"] if c.operation == operation and c.location.section is Section.REQUEST_BODY]
    assert [(c.kind, c.severity, c.location.json_path, c.old, c.new) for c in found] == [
        (Kind.TYPE_CHANGED, Severity.BREAKING, "$", "object", "array of object")
    ]
    assert "request body type changed from object {typ, fallbackLayerName, resolutionRestrictions} to array of object" \
        in found[0].reason
