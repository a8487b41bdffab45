"""Projects and tasks through the client, including paging over a project with more than 1000 tasks."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import webknossos as wk
from mockserve import Mock

AsRole = Callable[[str], AbstractContextManager[None]]
PAGE = 1000


def task_count(mock: Mock, project_id: str) -> int:
    response = mock.request("GET", f"/projects/{project_id}/tasks", params={"limit": 1, "includeTotalCount": "true"})
    return int(response.headers["X-Total-Count"])


def big_project(mock: Mock) -> dict[str, Any]:
    """The project with more than one page of tasks (found through the API, not by position)."""
    project = max(mock.get("/projects"), key=lambda p: task_count(mock, p["id"]))
    assert task_count(mock, project["id"]) > PAGE
    return project


def small_project(mock: Mock) -> dict[str, Any]:
    return next(p for p in mock.get("/projects") if 0 < task_count(mock, p["id"]) <= PAGE and not p["paused"])


def all_task_ids(mock: Mock, project_id: str) -> list[str]:
    ids: list[str] = []
    for page in range(task_count(mock, project_id) // PAGE + 1):
        ids += [t["id"] for t in mock.get(f"/projects/{project_id}/tasks", limit=PAGE, pageNumber=page)]
    return ids


def test_project_get_by_id_and_by_name(mock: Mock, as_role: AsRole) -> None:
    rest = small_project(mock)
    with as_role("admin"):
        by_id = wk.Project.get_by_id(rest["id"])
        by_name = wk.Project.get_by_name(rest["name"])
    assert by_id == by_name
    assert (by_id.project_id, by_id.name, by_id.team_id, by_id.team_name) == (
        rest["id"], rest["name"], rest["team"], rest["teamName"])
    assert (by_id.priority, by_id.paused, by_id.expected_time) == (rest["priority"], rest["paused"],
                                                                   rest["expectedTime"])
    assert by_id.owner_id == rest["owner"]["id"]


def test_project_get_owner(mock: Mock, as_role: AsRole) -> None:
    rest = small_project(mock)
    with as_role("admin"):
        owner = wk.Project.get_by_id(rest["id"]).get_owner()
    assert (owner.user_id, owner.email) == (rest["owner"]["id"], rest["owner"]["email"])


def test_get_tasks_returns_the_first_page_and_warns(mock: Mock, as_role: AsRole) -> None:
    project = big_project(mock)
    total = task_count(mock, project["id"])
    with as_role("admin"), pytest.warns(UserWarning, match=f"Fetched only {PAGE} of {total} tasks"):
        tasks = wk.Project.get_by_name(project["name"]).get_tasks()
    assert [t.task_id for t in tasks] == [t["id"] for t in mock.get(f"/projects/{project['id']}/tasks", limit=PAGE)]
    assert {t.project_id for t in tasks} == {project["id"]}


def test_get_tasks_fetch_all_pages_through_every_task(mock: Mock, as_role: AsRole) -> None:
    project = big_project(mock)
    with as_role("admin"):
        tasks = wk.Project.get_by_id(project["id"]).get_tasks(fetch_all=True)
    expected = all_task_ids(mock, project["id"])
    assert len(tasks) == len(expected) == task_count(mock, project["id"]) > PAGE
    assert [t.task_id for t in tasks] == expected


def test_task_get_by_id_and_get_project(mock: Mock, as_role: AsRole) -> None:
    project = small_project(mock)
    rest = mock.get(f"/projects/{project['id']}/tasks")[0]
    with as_role("admin"):
        task = wk.Task.get_by_id(rest["id"])
        task_project = task.get_project()
    assert (task.task_id, task.project_id, task.dataset_name) == (rest["id"], project["id"], rest["dataSet"])
    status = rest["status"]
    assert (task.status.pending_instance_count, task.status.active_instance_count,
            task.status.finished_instance_count) == (status["pending"], status["active"], status["finished"])
    assert (task.task_type.task_type_id, task.task_type.name, task.task_type.team_name) == (
        rest["type"]["id"], rest["type"]["summary"], rest["type"]["teamName"])
    assert (task_project.project_id, task_project.name) == (project["id"], project["name"])


def task_with_annotations(mock: Mock) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A task of a small project that has task annotations, and those annotations (REST)."""
    project = small_project(mock)
    return next((t, annotations) for t in mock.get(f"/projects/{project['id']}/tasks")
                if (annotations := mock.get(f"/tasks/{t['id']}/annotations")))


def test_task_get_annotation_infos(mock: Mock, as_role: AsRole) -> None:
    task, rest = task_with_annotations(mock)
    with as_role("admin"):
        infos = wk.Task.get_by_id(task["id"]).get_annotation_infos()
    assert sorted(i.id for i in infos) == sorted(a["id"] for a in rest)
    by_id = {a["id"]: a for a in rest}
    for info in infos:
        assert info.owner_id == by_id[info.id]["owner"]["id"]
        assert info.state.value == by_id[info.id]["state"] and info.type.value == "Task"
        assert info.modified == by_id[info.id]["modified"]


def creation_arguments(mock: Mock) -> dict[str, Any]:
    project = small_project(mock)
    dataset = next(d for d in mock.get("/datasets", isActive="true") if d["dataSource"].get("dataLayers"))
    return {"task_type_id": mock.get("/taskTypes")[0]["id"], "project_name": project["name"],
            "dataset_name": dataset["name"], "needed_experience_domain": "client-tests",
            "needed_experience_value": 3}


@pytest.mark.parametrize("bounding_box", [None, wk.BoundingBox((10, 20, 30), (64, 64, 32))], ids=["plain", "bbox"])
def test_task_create(mock: Mock, as_role: AsRole, bounding_box: wk.BoundingBox | None) -> None:
    arguments = creation_arguments(mock)
    project = mock.get(f"/projects/byName/{arguments['project_name']}")
    before = task_count(mock, project["id"])
    with as_role("admin"):
        tasks = wk.Task.create(**arguments, starting_position=wk.Vec3Int(100, 200, 300), instances=2,
                               bounding_box=bounding_box)
    assert len(tasks) == 1 and tasks[0].project_id == project["id"]
    assert tasks[0].dataset_name == arguments["dataset_name"]
    assert tasks[0].status.pending_instance_count == 2
    rest = mock.get(f"/tasks/{tasks[0].task_id}")
    assert rest["editPosition"] == [100, 200, 300] and rest["type"]["id"] == arguments["task_type_id"]
    assert rest["neededExperience"] == {"domain": "client-tests", "value": 3}
    expected_box = None if bounding_box is None else {"topLeft": [10, 20, 30], "width": 64, "height": 64, "depth": 32}
    assert rest["boundingBox"] == expected_box
    assert task_count(mock, project["id"]) == before + 1


def test_task_create_from_annotations(mock: Mock, as_role: AsRole) -> None:
    arguments = creation_arguments(mock)
    del arguments["dataset_name"]
    _task, annotations = task_with_annotations(mock)
    with as_role("admin"):
        base = wk.Annotation.download(annotations[0]["id"])
        tasks = wk.Task.create_from_annotations(**arguments, base_annotations=[base],
                                                bounding_box=wk.BoundingBox((0, 0, 0), (32, 32, 32)))
    assert len(tasks) == 1 and tasks[0].dataset_name == base.dataset_name
    rest = mock.get(f"/tasks/{tasks[0].task_id}")
    assert rest["projectName"] == arguments["project_name"] and rest["dataSet"] == base.dataset_name
    assert rest["boundingBox"] == {"topLeft": [0, 0, 0], "width": 32, "height": 32, "depth": 32}
    assert rest["creationInfo"] == f"{base.name}.nml"
    assert rest["status"] == {"pending": 1, "active": 0, "finished": 0}
