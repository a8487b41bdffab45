from __future__ import annotations

import dataclasses
import types
from typing import Any

import pytest

from mockserver.packs.webknossos.contract.discovery import Facts, Fixups

FACTS = Facts(user_id="u" * 24, organization="org", team_id="t" * 24, dataset="ds", task_type_id="y" * 24,
              project_name="contract_p")


def case(label: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
    method, path = label.split(" ", 1)
    return types.SimpleNamespace(method=method, path=path, body=body, query=query if query is not None else {})


def test_task_bodies_reference_the_sandbox_and_real_things() -> None:
    created = case("POST /tasks", [{"taskTypeId": "", "projectName": "x", "dataSet": "", "pendingInstances": -5,
                                    "baseAnnotation": {"baseId": "b" * 24}, "scriptId": "s"}])
    Fixups(FACTS).apply(created)
    assert created.body == [{"taskTypeId": "y" * 24, "projectName": "contract_p", "dataSet": "ds",
                             "pendingInstances": 1, "scriptId": None}]


def test_projects_and_teams_get_unique_names_and_real_references() -> None:
    fixups = Fixups(FACTS)
    first, second = case("POST /projects", {"name": "abc"}), case("POST /projects", {"name": "abc"})
    fixups.apply(first)
    fixups.apply(second)
    assert first.body["name"] != second.body["name"] and first.body["name"].startswith("contract_")
    assert first.body["team"] == "t" * 24 and first.body["owner"] == "u" * 24
    team = case("POST /teams", {"name": "scott_lab"})
    fixups.apply(team)
    assert team.body["name"].startswith("contract_")


def test_explorational_layers_satisfy_what_the_spec_cannot_say() -> None:
    layers = case("POST /datasets/{organizationName}/{dataSetName}/createExplorational",
                  [{"typ": "Skeleton"}, {"typ": "Volume", "fallbackLayerName": "nope"}, {"typ": "Skeleton"}])
    Fixups(FACTS).apply(layers)
    assert layers.body == [{"typ": "Skeleton"}, {"typ": "Volume"}]
    legacy = case("POST /datasets/{organizationName}/{dataSetName}/createExplorational",
                  {"typ": "volume", "fallbackLayerName": "nope"})
    Fixups(FACTS).apply(legacy)
    assert legacy.body == {"typ": "volume"}


def test_assignment_goes_to_the_current_user_and_other_operations_are_untouched() -> None:
    assign = case("POST /tasks/{id}/assign", query={"userId": "0" * 24})
    Fixups(FACTS).apply(assign)
    assert assign.query == {"userId": "u" * 24}
    untouched = case("GET /users", None, {"isAdmin": True})
    Fixups(FACTS).apply(untouched)
    assert untouched.query == {"isAdmin": True}


def test_facts_become_schemathesis_parameters() -> None:
    assert FACTS.parameters() == {"organizationName": "org", "dataSetName": "ds"}
    assert Facts().parameters() == {}


@pytest.mark.parametrize(("label", "parameter", "value"), [
    ("GET /annotations/{id}/download", "id", "a" * 24), ("GET /tasks/{id}/annotations", "id", "k" * 24),
    ("GET /taskTypes/{id}", "id", "y" * 24), ("GET /projects/{name}/tasks", "name", "existing"),
])
def test_every_other_read_by_id_names_a_thing_that_exists(label: str, parameter: str, value: str) -> None:
    facts = dataclasses.replace(FACTS, annotation_id="a" * 24, task_id="k" * 24, existing_project="existing")
    fixups = Fixups(facts)
    sent = []
    for _ in range(4):
        read = case(label)
        read.path_parameters = {parameter: "generated"}
        fixups.apply(read)
        sent.append(read.path_parameters[parameter])
    assert sent == [value, "generated", value, "generated"]
    unknown = case("GET /tasks/{id}")
    unknown.path_parameters = {"id": "generated"}
    Fixups(Facts()).apply(unknown)  # nothing discovered: the generated id stays
    assert unknown.path_parameters == {"id": "generated"}


def test_discovery_reads_real_things_of_the_user(served_mock: Any) -> None:
    import httpx

    from mockserver.contract.guard import Guard
    from mockserver.packs.webknossos.contract.discovery import discover

    guard = Guard(allow_writes=False, rate=None, max_requests=None, policies={})
    with httpx.Client(base_url=f"{served_mock.url}/api/v5", headers={"X-Auth-Token": served_mock.token}) as client:
        facts = discover(client, guard)
    own = httpx.get(f"{served_mock.url}/api/v5/user/annotations", headers={"X-Auth-Token": served_mock.token}).json()
    assert facts.annotation_id in {annotation["id"] for annotation in own}
    tasks = httpx.get(f"{served_mock.url}/api/v5/projects/{facts.project_id}/tasks",
                      headers={"X-Auth-Token": served_mock.token}).json()
    assert facts.task_id in {task["id"] for task in tasks}
    scripts = httpx.get(f"{served_mock.url}/api/v5/scripts", headers={"X-Auth-Token": served_mock.token}).json()
    assert facts.script_id in {script["id"] for script in scripts}


def test_uploads_carry_a_named_nml_file_of_the_discovered_dataset() -> None:
    upload = case("POST /annotations/upload", {"createGroupForEachFile": "maybe", "x": [b"junk"]})
    upload.headers = None
    Fixups(FACTS).apply(upload)
    assert isinstance(upload.body, bytes)
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="createGroupForEachFile"\r\n\r\nfalse' in upload.body
    assert b'filename="contract_' in upload.body and b'<experiment name="ds" organization="org"/>' in upload.body
    from_files = case("POST /tasks/createFromFiles", {"formJSON": "{}"})
    from_files.headers = {}
    Fixups(FACTS).apply(from_files)
    assert b'"projectName": "contract_p"' in from_files.body and b'"taskTypeId": "' + b"y" * 24 in from_files.body
    read_only = case("POST /tasks/createFromFiles", {"formJSON": "{}"})
    Fixups(Facts(dataset="ds", organization="org")).apply(read_only)  # no sandbox project: nothing to fill in
    assert read_only.body == {"formJSON": "{}"}


def test_a_read_in_a_stateful_sequence_keeps_the_id_its_link_gave_it() -> None:
    read = case("GET /tasks/{id}")
    read.path_parameters = {"id": "from-the-link"}
    read.meta = types.SimpleNamespace(phase=types.SimpleNamespace(name="stateful"))
    fixups = Fixups(dataclasses.replace(FACTS, task_id="k" * 24))
    for _ in range(2):
        fixups.apply(read)
    assert read.path_parameters == {"id": "from-the-link"}
