"""Arranging a world directly in the store (``mockserver.world`` in tests, scenario steps)."""

from __future__ import annotations

import pytest

from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos.world.arrange import Arranger
from mockserver.pytest_plugin import MockServer


def test_lookups_by_role_email_name_and_id(mockserver: MockServer) -> None:
    world = mockserver.world
    user = world.user("user")
    assert world.user(user.email) == world.user(user.id) == user
    assert world.team(world.team().name) == world.team()
    assert world.project(world.project().name).team_id == world.team().id
    assert world.dataset().name == "l4_sample" and world.dataset("l4_sample") == world.dataset()
    assert world.task_type(world.task_type().summary) == world.task_type()
    for lookup in (world.user, world.team, world.project, world.dataset, world.task_type, world.task):
        with pytest.raises(ConfigurationError, match=r"no .*'nothing'"):
            lookup("nothing")


def test_added_task_is_served_with_its_counters(mockserver: MockServer) -> None:
    task = mockserver.world.add_task(instances=3, description="arranged")
    served = mockserver.client("manager").get(f"/tasks/{task.id}").json()
    assert served["status"] == {"pending": 3, "active": 0, "finished": 0}
    assert served["projectId"] == mockserver.world.project().id


def test_added_user_can_log_in_and_get_a_task(mockserver: MockServer) -> None:
    user = mockserver.world.add_user(email="new.person@example.org", team_manager=True)
    headers = {"X-Auth-Token": user.token}
    client = mockserver.client(None)
    assert client.get("/user", headers=headers).json()["email"] == "new.person@example.org"
    assert client.post("/user/tasks/request", headers=headers).status_code == 200
    with pytest.raises(ConfigurationError, match="exists already"):
        mockserver.world.add_user(email="new.person@example.org")


def test_annotations_take_instances_and_finish(mockserver: MockServer) -> None:
    world = mockserver.world
    task = world.add_task(instances=1)
    annotation = world.add_annotation(user="manager", task=task.id)
    assert world.task(task.id).pending_instances == 0
    with pytest.raises(ConfigurationError, match="no open instance left"):
        world.add_annotation(task=task.id)
    world.finish_annotation(annotation=annotation.id)
    status = mockserver.client("admin").get(f"/tasks/{task.id}").json()["status"]
    assert status == {"pending": 0, "active": 0, "finished": 1}
    explorational = world.add_annotation(name="mine")
    info = mockserver.client("user").get(f"/annotations/Explorational/{explorational.id}/info",
                                         params={"timestamp": 0}).json()
    assert info["name"] == "mine" and info["state"] == "Active"


def test_changes(mockserver: MockServer) -> None:
    world = mockserver.world
    project = world.pause_project()
    assert project.paused and not world.resume_project(project=project.id).paused
    assert world.deactivate_dataset().is_active is False
    assert world.set_experience(domain="new-domain", value=3).experiences["new-domain"] == 3
    team = world.add_team(name="arranged_lab")
    assert world.update(team, name="renamed_lab").name == world.team(team.id).name == "renamed_lab"


def test_same_seed_same_ids(mockserver: MockServer) -> None:
    control = mockserver.control
    first = Arranger(control.store, control.world, seed="s").add_tasks(3)
    control.reset()
    again = Arranger(control.store, control.world, seed="s").add_tasks(3)
    assert [t.id for t in first] == [t.id for t in again]
