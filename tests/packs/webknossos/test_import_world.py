"""``mockserver import-world --api webknossos``: teams, users, projects, tasks and annotations recorded from a served
mock come back, by name, in a fresh world loaded with the scenario."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from mockserver import Settings, create_app, har, scenarios
from mockserver.app import MockApp
from mockserver.cli import main
from mockserver.pack import load_pack
from mockserver.packs.webknossos import records as r

WEBKNOSSOS = load_pack("webknossos")
ARRANGED = """description: A team of its own with a project, tasks and annotations.
steps:
  - put_team: {name: traffic_team}
  - put_user: {email: colleague@example.org, first_name: Col, last_name: League, team: traffic_team,
               team_manager: true, experiences: {flight-tracing: 3}}
  - add_project: {name: traffic_project, team: traffic_team, tasks: 0, priority: 7, as: project}
  - add_task: {project: $project, instances: 2, as: first}
  - add_task: {project: $project, instances: 3, experience: 4, as: second}
  - add_annotation: {user: colleague@example.org, task: $first, state: Finished}
  - add_annotation: {user: user, task: $second}
"""


class Recorder:
    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.token = client, token
        self.entries: list[har.Entry] = []

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, path, headers={"X-Auth-Token": self.token}, **kwargs)
        self.entries.append(har.Entry(har.Request(method, str(response.request.url), body=response.request.content),
                                      har.Response(response.status_code, body=response.content)))
        return response


@pytest.fixture(scope="module")
def source() -> MockApp:
    return create_app(Settings(seed=1, recipe="tiny"))


@pytest.fixture
def record(source: MockApp) -> Recorder:
    """A recorder in front of the tiny world with the arranged team, project, tasks and annotations."""
    source.backend.store.reset()
    scenarios.apply(WEBKNOSSOS, scenarios.parse(WEBKNOSSOS, ARRANGED), source.backend.store, source.backend.world)
    admin = next(u.token for u in source.backend.world.known_users if u.role == "admin")
    return Recorder(source.test_client(), admin)


def project_id(record: Recorder) -> str:
    return next(p["id"] for p in record("GET", "/api/projects").json() if p["name"] == "traffic_project")


def shown(client: TestClient, token: str) -> dict[str, Any]:
    """What the traffic showed of the arranged things, without ids: project, tasks, annotations, the colleague."""
    headers = {"X-Auth-Token": token}
    project = next(p for p in client.get("/api/projects", headers=headers).json() if p["name"] == "traffic_project")
    tasks = client.get(f"/api/projects/{project['id']}/tasks", headers=headers).json()
    annotations = Counter((a["state"], a["owner"]["email"], a["typ"]) for t in tasks
                          for a in client.get(f"/api/tasks/{t['id']}/annotations", headers=headers).json())
    colleague = next(u for u in client.get("/api/users", headers=headers).json()
                     if u["email"] == "colleague@example.org")
    return {
        "project": {key: project[key] for key in ("paused", "priority", "teamName", "expectedTime")}
        | {"owner": project["owner"]["email"]},
        "tasks": sorted((t["status"]["pending"], t["status"]["active"], t["status"]["finished"], t["type"]["summary"],
                         t["dataSet"], t["neededExperience"]["value"]) for t in tasks),
        "annotations": annotations,
        "colleague": (colleague["firstName"], [(t["name"], t["isTeamManager"]) for t in colleague["teams"]],
                      colleague["experiences"]),
    }


def read_everything(record: Recorder) -> str:
    project = project_id(record)
    record("GET", "/api/users")
    record("GET", "/api/teams")
    for task in record("GET", f"/api/projects/{project}/tasks").json():
        record("GET", f"/api/tasks/{task['id']}/annotations")
    return project


def imported(tmp_path: Path, entries: list[har.Entry]) -> tuple[Path, str]:
    har.write(tmp_path / "traffic.har", entries)
    result = CliRunner().invoke(main, ["import-world", str(tmp_path / "traffic.har"), "--api", "webknossos",
                                       "-o", str(tmp_path / "scenario.yaml")])
    assert result.exit_code == 0, result.output
    return tmp_path / "scenario.yaml", result.stderr.strip()


def test_a_fresh_world_shows_what_the_traffic_last_showed(record: Recorder, tmp_path: Path) -> None:
    project = read_everything(record)
    record("PATCH", f"/api/projects/{project}/pause")
    record("GET", "/api/datasets")
    record("GET", "/api/v3/projects")
    scenario, summary = imported(tmp_path, record.entries)
    assert summary == ("3 teams, 7 users, 3 projects, 2 tasks, 2 annotations; 2 exchanges not mapped "
                       "(1 GET /api/datasets, 1 GET /api/v3/projects)")
    with create_app(Settings(seed=1, recipe="tiny", scenario=str(scenario))).test_client() as fresh:
        assert shown(fresh, record.token) == shown(record.client, record.token)
        assert shown(fresh, record.token)["project"]["paused"] is True


def test_deleted_tasks_and_projects_are_left_out(record: Recorder, tmp_path: Path) -> None:
    project = read_everything(record)
    tasks = record("GET", f"/api/projects/{project}/tasks").json()
    record("DELETE", f"/api/tasks/{tasks[0]['id']}")
    scenario, summary = imported(tmp_path, record.entries)
    steps = yaml.safe_load(scenario.read_text())["steps"]
    ours = [s["add_task"] for s in steps if "add_task" in s and s["add_task"]["project"] == "traffic_project"]
    assert len(ours) == 1 and "1 deleted (projects, tasks, teams)" in summary
    record("DELETE", f"/api/projects/{project}")
    scenario, _ = imported(tmp_path, record.entries)
    assert "traffic_project" not in scenario.read_text()


def test_put_steps_change_nothing_when_loaded_again(source: MockApp) -> None:
    source.backend.store.reset()
    text = ("description: by name\nsteps:\n- put_team: {name: traffic_team}\n"
            "- put_user: {email: colleague@example.org, team: traffic_team, admin: true}\n"
            "- put_project: {name: traffic_project, team: traffic_team, owner: colleague@example.org, paused: true}\n")
    store = source.backend.store
    counts = []
    for _ in range(2):
        scenarios.apply(WEBKNOSSOS, scenarios.parse(WEBKNOSSOS, text), store, source.backend.world)
        counts.append(scenarios.fingerprint(store))
    assert counts[0] == counts[1]
    user = store.one(r.User, "email = ?", ("colleague@example.org",))
    project = store.one(r.Project, "name = ?", ("traffic_project",))
    assert user is not None and user.is_admin and project is not None and project.paused
    assert project.owner_id == user.id
