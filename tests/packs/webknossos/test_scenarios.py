"""Scenarios: each bundled one has its effect (loaded with the plugin's marker), and bad files are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import scenarios
from mockserver.pack import load_pack
from mockserver.pytest_plugin import MockServer
from mockserver.scenarios import ScenarioError, ScenarioNotFound

WEBKNOSSOS = load_pack("webknossos")

NO_TASK = "There is currently no task available"


@pytest.mark.mockserver_scenario("large_project")
def test_large_project(mockserver: MockServer) -> None:
    project = mockserver.refs["project"]
    response = mockserver.client("manager").get(f"/projects/{project}/tasks",
                                                params={"limit": 1000, "pageNumber": 1, "includeTotalCount": True})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "1500" and len(response.json()) == 500


@pytest.mark.mockserver_scenario("no_tasks_left")
def test_no_tasks_left(mockserver: MockServer) -> None:
    response = mockserver.client("user").post("/user/tasks/request")
    assert response.status_code == 400 and response.json()["messages"][0]["error"] == NO_TASK


@pytest.mark.mockserver_scenario("paused_project")
def test_paused_project(mockserver: MockServer) -> None:
    user, manager = mockserver.client("user"), mockserver.client("manager")
    assert user.post("/user/tasks/request").status_code == 400
    project = mockserver.refs["project"]
    assert manager.get(f"/projects/{project}").json()["paused"] is True
    assert manager.patch(f"/projects/{project}/resume").status_code == 200
    task = user.post("/user/tasks/request").json()["task"]
    assert task["projectId"] == project


@pytest.mark.mockserver_scenario("dataset_not_active")
def test_dataset_not_active(mockserver: MockServer) -> None:
    dataset = mockserver.client("admin").get("/datasets/sample_organization/l4_sample").json()
    assert dataset["isActive"] is False and dataset["dataSource"]["status"] == "No longer available on datastore."


@pytest.mark.mockserver_scenario("annotation_finished_by_another_user")
def test_annotation_finished_by_another_user(mockserver: MockServer) -> None:
    admin = mockserver.client("admin")
    task = admin.get(f"/tasks/{mockserver.refs['task']}").json()
    assert task["status"] == {"pending": 0, "active": 0, "finished": 1}
    [annotation] = admin.get(f"/tasks/{mockserver.refs['task']}/annotations").json()
    assert annotation["state"] == "Finished" and annotation["owner"]["id"] == mockserver.refs["colleague"]
    assert annotation["owner"]["id"] not in {u.id for u in mockserver.control.world.known_users}


def test_every_bundled_scenario_applies_to_the_tiny_world(mockserver: MockServer) -> None:
    mockserver.reset(1, "tiny")
    for scenario in scenarios.available(WEBKNOSSOS):
        mockserver.control.reset()
        scenarios.apply(WEBKNOSSOS, scenario, mockserver.store, mockserver.control.world)


def test_same_world_same_ids_and_twice_is_fine(mockserver: MockServer) -> None:
    first = mockserver.load_scenario("annotation_finished_by_another_user")
    mockserver.control.reset()
    assert mockserver.control.load_scenario("annotation_finished_by_another_user") == first
    with pytest.raises(ScenarioError, match="line 6: add_user: a user with email"):
        mockserver.control.load_scenario("annotation_finished_by_another_user")
    again = mockserver.control.load_scenario("large_project".replace("large", "paused"))
    assert again.refs["project"] != first.refs["project"]


def test_a_failing_step_changes_nothing(mockserver: MockServer) -> None:
    source = "description: d\nsteps:\n  - add_team: {name: kept_lab}\n  - pause_project: {project: nope}\n"
    with pytest.raises(ScenarioError, match="line 4: pause_project: no project 'nope'"):
        mockserver.control.load_scenario(source=source)
    assert "kept_lab" not in {t["name"] for t in mockserver.client("admin").get("/teams").json()}


@pytest.mark.parametrize(("text", "message"), [
    ("", "line 1: expected a mapping"),
    ("- 1\n", "line 1: expected a mapping"),
    ("description: d\nsteps: [\n", "line 3: invalid YAML"),
    ("description: d\nstep: []\n", "line 2: unknown key 'step' (known: description, steps)"),
    ("steps:\n  - add_team: {name: x}\n", "line 1: description is missing"),
    ("description: 5\nsteps: [{add_team: {name: x}}]\n", "line 1: description must be a string, got 5"),
    ("description: d\nsteps: []\n", "line 2: steps must be a non-empty list"),
    ("description: d\nsteps:\n  - add_team: {name: x}\n    pause_project: {}\n", "line 3: each step is one action"),
    ("description: d\nsteps:\n  - add_teem: {name: x}\n", "line 3: unknown action 'add_teem' (known: add_annotation,"),
    ("description: d\nsteps:\n  - add_team: [x]\n", "line 3: the parameters of add_team must be a mapping"),
    ("description: d\nsteps:\n  - add_team: {}\n", "line 3: add_team needs name"),
    ("description: d\nsteps:\n  - add_team:\n      nme: x\n", "line 4: add_team has no parameter 'nme'"),
    ("description: d\nsteps:\n  - add_project:\n      tasks: many\n",
     "line 4: add_project.tasks must be an integer, got 'many'"),
    ("description: d\nsteps:\n  - add_project: {paused: 1}\n", "line 3: add_project.paused must be true or false"),
    ("description: d\nsteps:\n  - pause_project: {project: $p}\n", "line 3: $p is not kept by an earlier step"),
    ("description: d\nsteps:\n  - add_team: {name: x, as: 5}\n", "line 3: as must be a string"),
    ("description: d\nsteps:\n  - add_team: {name: x, name: y}\n", "line 3: duplicate key 'name'"),
])
def test_errors_name_the_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        scenarios.parse(WEBKNOSSOS, text, origin="fixtures/scenarios/bad.yaml")
    assert str(error.value).startswith("scenario fixtures/scenarios/bad.yaml, line ")
    assert message in str(error.value)


def test_load_by_name_or_path(tmp_path: Path) -> None:
    assert scenarios.load(WEBKNOSSOS, "no_tasks_left").steps[0].action == "use_up_tasks"
    path = tmp_path / "mine.yaml"
    path.write_text("description: mine\nsteps:\n  - add_team: {name: my_lab}\n")
    assert scenarios.load(WEBKNOSSOS, str(path)).name == "mine"
    with pytest.raises(ScenarioNotFound, match="'nope' not found \\(bundled: annotation_finished_by_another_user"):
        scenarios.load(WEBKNOSSOS, "nope")
