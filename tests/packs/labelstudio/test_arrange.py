"""The Label Studio scenario steps: the project and tasks as given, refusals named by file and line."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver import scenarios
from mockserver.app import MockApp
from mockserver.pack import load_pack
from mockserver.scenarios import ScenarioError
from tests.packs.labelstudio.conftest import IMAGE_CONFIG

LABELSTUDIO = load_pack("labelstudio")


def load(app: MockApp, text: str) -> None:
    scenario = scenarios.parse(LABELSTUDIO, "description: arranged\n" + text, origin="s.yaml")
    scenarios.apply(LABELSTUDIO, scenario, app.backend.store,
                    app.backend.world)


def test_tasks_keep_their_ids_and_imports_follow_them(empty_app: MockApp, fresh: TestClient) -> None:
    load(empty_app, "steps:\n- put_task: {id: 41, data: {image: a.jpg}}\n"
                    "- put_task: {id: 7, data: {image: b.jpg}, completions: [{id: 7001, result: []}]}\n")
    assert [t["id"] for t in fresh.get("/api/tasks").json()] == [7, 41]
    assert fresh.get("/api/tasks/7").json()["completions"] == [{"id": 7001, "result": []}]
    assert fresh.post("/api/project/import", json={"image": "c.jpg"}).json()["new_task_ids"] == [42]
    load(empty_app, "steps:\n- delete_task: {id: 41}\n- put_task: {id: 7, data: {image: d.jpg}}\n")
    assert fresh.get("/api/tasks").json() == [{"id": 7, "data": {"image": "d.jpg"}},
                                              {"id": 42, "data": {"image": "c.jpg"}}]


def test_the_project_takes_what_is_given(empty_app: MockApp, fresh: TestClient) -> None:
    load(empty_app, f"steps:\n- set_project: {{label_config: '{IMAGE_CONFIG}', title: Birds, sampling: uniform}}\n")
    project = fresh.get("/api/project").json()
    assert (project["config"]["title"], project["config"]["sampling"]) == ("Birds", "uniform")
    assert project["label_config_line"] == IMAGE_CONFIG and project["config"]["description"] == "default"


@pytest.mark.parametrize(("step", "says"), [
    ("set_project: {label_config: '<View>'}", "line 3: set_project: label_config: "),
    ("set_project: {sampling: random}", "line 3: set_project: sampling must be one of sequential"),
    ("delete_task: {id: 3}", "line 3: delete_task: no task 3"),
    ("put_task: {id: -1, data: {}}", "line 3: put_task: task ids are 0 or more"),
])
def test_refusals_name_the_line(empty_app: MockApp, fresh: TestClient, step: str, says: str) -> None:
    with pytest.raises(ScenarioError, match=f"scenario s.yaml, {says}"):
        load(empty_app, f"steps:\n- {step}\n")
    assert fresh.get("/api/tasks").json() == []


def test_an_arranged_completion_without_result_poisons_the_project(empty_app: MockApp, fresh: TestClient) -> None:
    load(empty_app, "steps:\n- put_task: {id: 3, data: {image: a.jpg}, completions: [{id: 3001}]}\n")
    imported = fresh.post("/api/project/import", json={"image": "c.jpg"})
    assert (imported.status_code, imported.json()["detail"]) == (500, "'result'")
    load(empty_app, "steps:\n- put_task: {id: 3, data: {image: a.jpg}, completions: [{id: 3001, result: []}]}\n")
    assert fresh.post("/api/project/import", json={"image": "d.jpg"}).status_code == 201
