"""Every operation of every version: one request that succeeds and one that fails, as documented.

The table below names, per route template, a successful request built from the seeded world and an
erroneous one (unknown or malformed id, missing token, bad body …). A test checks that the table
covers every operation of every version's spec, so a new route cannot be added untested.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.resources import fixtures_dir, spec_dir
from tests.helpers import VersionRefs

VERSIONS = tuple(ADAPTERS)
"""The WEBKNOSSOS versions, oldest first (the pack's one list)."""
METHODS = ("get", "put", "post", "patch", "delete")
UNKNOWN = "0" * 24


@dataclasses.dataclass
class Call:
    path: str
    role: str | None = "admin"
    query: dict[str, Any] = dataclasses.field(default_factory=dict)
    json: Any = None
    files: Any = None
    data: Any = None
    status: int = 200


class World(VersionRefs):
    """Ids of the seeded world that the calls need."""

    def __init__(self, app: MockApp, version: str) -> None:
        self.store = app.backend.store
        self.version = version
        self.known = {u.role: u for u in app.backend.world.known_users}
        user = self.known["user"].id
        self.explorational = self.store.select(r.Annotation, "user_id = ? AND typ = 'Explorational' "
                                               "AND state = 'Active' "
                                               "AND layers NOT LIKE '%Volume%Volume%'", (user,), order="id")[0]
        self.finished = self.store.select(r.Annotation, "typ = 'Task' AND state = 'Finished'", order="id")[0]
        self.task_annotation = self.store.select(r.Annotation, "typ = 'Task' AND state = 'Active'", order="id")[0]
        self.project = self.store.select(r.Project, "paused = 0", order="id")[0]
        self.task = self.store.select(r.Task, "project_id = ?", (self.project.id,), order="id")[0]
        self.task_type = self.store.get(r.TaskType, self.task.task_type_id)
        self.script = self.store.select(r.Script, order="id")[0]
        self.dataset = self.store.get(r.Dataset, self.task.dataset_id)
        self.team = self.store.get(r.Team, self.project.team_id)
        self.link = self.store.select(r.ShortLink, order="id")[0]

    @property
    def user_id(self) -> str:
        return self.known["user"].id

    def task_params(self) -> dict[str, Any]:
        return {"taskTypeId": self.task.task_type_id, "neededExperience": {"domain": "axon-tracing", "value": 1},
                "pendingInstances": 3, "projectName": self.project.name, "dataSet": self.dataset.name,
                "editPosition": [1, 2, 3], "editRotation": [0, 0, 0], "boundingBox": None, "scriptId": None}

    @property
    def unused_team(self) -> r.Team:
        return self.store.select(r.Team, "id NOT IN (SELECT team_id FROM projects)", order="id")[0]

    def from_files_form(self) -> dict[str, Any]:
        return {"taskTypeId": self.task.task_type_id, "neededExperience": {"domain": "axon-tracing", "value": 1},
                "pendingInstances": 1, "projectName": self.project.name}

    def project_body(self, name: str = "new_project") -> dict[str, Any]:
        return {"name": name, "team": self.team.id, "priority": 10, "paused": False, "expectedTime": 60,
                "owner": self.known["admin"].id, "isBlacklistedFromReport": False}

    def dataset_path(self, suffix: str = "") -> str:
        return f"/datasets/sample_organization/{self.dataset.name}{suffix}"

    def explorational_body(self) -> Any:
        return [{"typ": "Skeleton"}] if self.version == "v5" else {"typ": "skeleton"}

    def nml(self) -> bytes:
        return sorted((fixtures_dir() / "webknossos" / "nml").glob("*.nml"))[0].read_bytes()


Route = tuple[Callable[[World], Call], Callable[[World], Call]]
A = "/annotations"

ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/buildinfo"): (lambda w: Call("/buildinfo", None), lambda w: Call("/buildinfo/x", None, status=404)),
    ("GET", "/health"): (lambda w: Call("/health", None), lambda w: Call("/health/x", None, status=404)),
    ("GET", "/features"): (lambda w: Call("/features", None), lambda w: Call("/features/x", None, status=404)),
    ("POST", "/userToken/generate"): (lambda w: Call("/userToken/generate"),
                                      lambda w: Call("/userToken/generate/x", status=404)),
    ("GET", "/auth/token"): (lambda w: Call("/auth/token"), lambda w: Call("/auth/token", None, status=401)),
    ("DELETE", "/auth/token"): (lambda w: Call("/auth/token", "manager"),
                                lambda w: Call("/auth/token", None, status=401)),
    ("GET", "/folders/tree"): (lambda w: Call("/folders/tree", "user"),
                               lambda w: Call("/folders/tree", None, status=401)),
    ("GET", "/shortLinks/byKey/{key}"): (lambda w: Call(f"/shortLinks/byKey/{w.link.key}", None),
                                         lambda w: Call("/shortLinks/byKey/missing", None, status=404)),
    ("GET", "/user"): (lambda w: Call("/user", "user"), lambda w: Call("/user", None, status=401)),
    ("GET", "/user/tasks"): (lambda w: Call("/user/tasks", "user", {"includeTotalCount": True}),
                             lambda w: Call("/user/tasks", "user", {"limit": -1}, status=400)),
    ("POST", "/user/tasks/request"): (lambda w: Call("/user/tasks/request", "user"),
                                      lambda w: Call("/user/tasks/request", None, status=401)),
    ("GET", "/user/tasks/peek"): (lambda w: Call("/user/tasks/peek", "user"),
                                  lambda w: Call("/user/tasks/peek", None, status=401)),
    ("GET", "/user/annotations"): (lambda w: Call("/user/annotations", "user", {"isFinished": False}),
                                   lambda w: Call("/user/annotations", "user", {"pageNumber": "x"}, status=400)),
    ("GET", "/user/loggedTime"): (lambda w: Call("/user/loggedTime", "user"),
                                  lambda w: Call("/user/loggedTime", None, status=401)),
    ("GET", "/users"): (lambda w: Call("/users"), lambda w: Call("/users", None, status=401)),
    ("GET", "/users/{id}"): (lambda w: Call(f"/users/{w.user_id}"), lambda w: Call(f"/users/{UNKNOWN}", status=404)),
    ("PATCH", "/users/{id}"): (lambda w: Call(f"/users/{w.user_id}", json={"lastName": "Renamed"}),
                               lambda w: Call(f"/users/{w.user_id}", "user", json={"isAdmin": True}, status=403)),
    ("GET", "/users/{id}/tasks"): (lambda w: Call(f"/users/{w.user_id}/tasks"),
                                   lambda w: Call(f"/users/{UNKNOWN}/tasks", status=404)),
    ("GET", "/users/{id}/annotations"): (lambda w: Call(f"/users/{w.user_id}/annotations"),
                                         lambda w: Call("/users/bad/annotations", status=400)),
    ("GET", "/users/{id}/loggedTime"): (lambda w: Call(f"/users/{w.user_id}/loggedTime"),
                                        lambda w: Call(f"/users/{UNKNOWN}/loggedTime", status=404)),
    ("GET", "/teams"): (lambda w: Call("/teams", "user"), lambda w: Call("/teams", None, status=401)),
    ("POST", "/teams"): (lambda w: Call("/teams", json={"name": "matrix_lab"}),
                         lambda w: Call("/teams", "user", json={"name": "matrix_lab"}, status=403)),
    ("DELETE", "/teams/{id}"): (lambda w: Call(f"/teams/{w.unused_team.id}"),
                                lambda w: Call(f"/teams/{UNKNOWN}", status=404)),
    ("GET", "/datasets"): (lambda w: Call("/datasets", None), lambda w: Call("/datasets", None, {"isActive": "x"},
                                                                             status=400)),
    ("GET", "/datasets/{organizationName}/{dataSetName}"): (
        lambda w: Call(w.dataset_path()), lambda w: Call("/datasets/sample_organization/missing", status=404)),
    ("PATCH", "/datasets/{organizationName}/{dataSetName}"): (
        lambda w: Call(w.dataset_path(), json={"isPublic": True, "tags": ["x"]}),
        lambda w: Call(w.dataset_path(), json={"tags": []}, status=400)),
    ("PATCH", "/datasets/{organizationName}/{dataSetName}/teams"): (
        lambda w: Call(w.dataset_path("/teams"), json=[w.team.id]),
        lambda w: Call(w.dataset_path("/teams"), json=[UNKNOWN], status=400)),
    ("GET", "/datasets/{organizationName}/{dataSetName}/sharingToken"): (
        lambda w: Call(w.dataset_path("/sharingToken")), lambda w: Call(w.dataset_path("/sharingToken"), None,
                                                                        status=401)),
    ("GET", "/datasets/{organizationName}/{dataSetName}/isValidNewName"): (
        lambda w: Call("/datasets/sample_organization/fresh_name/isValidNewName"),
        lambda w: Call(w.dataset_path("/isValidNewName"), status=400)),
    ("GET", "/datasets/{organizationName}/{dataSetName}/accessList"): (
        lambda w: Call(w.dataset_path("/accessList")), lambda w: Call("/datasets/nobody/x/accessList", status=404)),
    ("POST", "/datasets/{organizationName}/{dataSetName}/createExplorational"): (
        lambda w: Call(w.dataset_path("/createExplorational"), json=w.explorational_body()),
        lambda w: Call("/datasets/sample_organization/missing/createExplorational", "user",
                       json=w.explorational_body(), status=404)),
    ("GET", "/datastores"): (lambda w: Call("/datastores", None), lambda w: Call("/datastores/x", None, status=405)),
    ("POST", "/datastores"): (
        lambda w: Call("/datastores", json={"name": "m", "url": "http://m", "publicUrl": "http://m", "key": "k"}),
        lambda w: Call("/datastores", "user", json={"name": "m", "url": "u", "publicUrl": "u", "key": "k"},
                       status=403)),
    ("PUT", "/datastores/{name}"): (
        lambda w: Call("/datastores/localhost", json={"name": "localhost", "url": "http://a", "publicUrl": "http://a"}),
        lambda w: Call("/datastores/missing", json={"name": "missing", "url": "u", "publicUrl": "u"}, status=404)),
    ("DELETE", "/datastores/{name}"): (lambda w: Call("/datastores/unused"),
                                       lambda w: Call("/datastores/unused", "user", status=403)),
    ("GET", "/tracingstore"): (lambda w: Call("/tracingstore", None), lambda w: Call("/tracingstore", None,
                                                                                      status=200)),
    ("PUT", "/tracingstores/{name}"): (
        lambda w: Call("/tracingstores/localhost", json={"name": "localhost", "url": "u", "publicUrl": "http://t"}),
        lambda w: Call("/tracingstores/localhost", "user", json={"name": "localhost", "url": "u",
                                                                 "publicUrl": "u"}, status=404)),
    ("POST", "/annotations/upload"): (
        lambda w: Call(f"{A}/upload", "user", files={"sample.nml": ("sample.nml", w.nml())},
                       data={"createGroupForEachFile": "false"}),
        lambda w: Call(f"{A}/upload", "user", files={"bad.nml": ("bad.nml", b"<not xml")},
                       data={"createGroupForEachFile": "false"}, status=400)),
    ("GET", "/annotations/readable"): (lambda w: Call(f"{A}/readable", "user"),
                                       lambda w: Call(f"{A}/readable", None, status=401)),
    ("PATCH", "/annotations/{typ}/finish"): (
        lambda w: Call(f"{A}/Explorational/finish", "user", {"timestamp": 1},
                       json={"annotations": [w.explorational.id]}),
        lambda w: Call(f"{A}/Explorational/finish", "user", {"timestamp": 1}, json={"annotations": [UNKNOWN]},
                       status=404)),
    ("GET", "/annotations/{id}/info"): (lambda w: Call(f"{A}/{w.explorational.id}/info", "user", {"timestamp": 1}),
                                        lambda w: Call(f"{A}/{UNKNOWN}/info", "user", {"timestamp": 1}, status=404)),
    ("GET", "/annotations/{id}/download"): (lambda w: Call(f"{A}/{w.explorational.id}/download", "user"),
                                            lambda w: Call(f"{A}/{UNKNOWN}/download", "user", status=404)),
    ("DELETE", "/annotations/{typ}/{id}"): (lambda w: Call(f"{A}/Task/{w.task_annotation.id}"),
                                            lambda w: Call(f"{A}/Task/{UNKNOWN}", status=404)),
    ("GET", "/annotations/{typ}/{id}/info"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/info", "user", w.ts),
        lambda w: Call(f"{A}/Explorational/{UNKNOWN}/info", "user", w.ts, status=404)),
    ("GET", "/annotations/{typ}/{id}/download"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/download", "user"),
        lambda w: Call(f"{A}/Nonsense/{w.explorational.id}/download", "user", status=404)),  # as the real server
    ("POST", "/annotations/{typ}/{id}/duplicate"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/duplicate", "user"),
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/duplicate", None, status=401)),
    ("PATCH", "/annotations/{typ}/{id}/edit"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/edit", "user",
                       json={"name": "renamed", "isPublic": True} if w.version == "v1" else {"name": "renamed"}),
        lambda w: Call(f"{A}/Explorational/{UNKNOWN}/edit", "user", json={"name": "x"}, status=404)),
    ("PATCH", "/annotations/{typ}/{id}/finish"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/finish", "user", w.ts),
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/finish", None, w.ts, status=401)),
    ("PATCH", "/annotations/{typ}/{id}/reopen"): (
        lambda w: Call(f"{A}/Task/{w.finished.id}/reopen"),
        lambda w: Call(f"{A}/Task/{w.task_annotation.id}/reopen", status=400)),
    ("PUT", "/annotations/{typ}/{id}/reset"): (
        lambda w: Call(f"{A}/Task/{w.task_annotation.id}/reset"),
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/reset", status=400)),
    ("POST", "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}"): (
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/merge/Explorational/{w.explorational.id}", "user"),
        lambda w: Call(f"{A}/Explorational/{w.explorational.id}/merge/Explorational/{UNKNOWN}", "user",
                       status=404)),
    ("POST", "/tasks"): (lambda w: Call("/tasks", json=[w.task_params()]),
                         lambda w: Call("/tasks", json=[{"taskTypeId": w.task.task_type_id}], status=400)),
    ("POST", "/tasks/createFromFiles"): (
        lambda w: Call("/tasks/createFromFiles", files={"task.nml": ("task.nml", w.nml())},
                       data={"formJSON": json.dumps(w.from_files_form())}),
        lambda w: Call("/tasks/createFromFiles", files={"task.nml": ("task.nml", w.nml())}, data={}, status=400)),
    ("POST", "/tasks/list"): (lambda w: Call("/tasks/list", json={"project": w.project_ref}),
                              lambda w: Call("/tasks/list", json={"ids": "not-a-list"}, status=400)),
    ("GET", "/tasks/experienceDomains"): (lambda w: Call("/tasks/experienceDomains"),
                                          lambda w: Call("/tasks/experienceDomains", None, status=401)),
    ("GET", "/tasks/{id}"): (lambda w: Call(f"/tasks/{w.task.id}"), lambda w: Call(f"/tasks/{UNKNOWN}", status=404)),
    ("PUT", "/tasks/{id}"): (lambda w: Call(f"/tasks/{w.task.id}", json=w.task_params()),
                             lambda w: Call(f"/tasks/{UNKNOWN}", json=w.task_params(), status=404)),
    ("DELETE", "/tasks/{id}"): (lambda w: Call(f"/tasks/{w.task.id}"), lambda w: Call("/tasks/nothex", status=400)),
    ("GET", "/tasks/{id}/annotations"): (lambda w: Call(f"/tasks/{w.task.id}/annotations"),
                                         lambda w: Call(f"/tasks/{UNKNOWN}/annotations", status=404)),
    ("POST", "/tasks/{id}/assign"): (
        lambda w: Call(f"/tasks/{w.task.id}/assign", query={"userId": w.known["admin"].id}),
        lambda w: Call(f"/tasks/{w.task.id}/assign", status=400)),
    ("GET", "/taskTypes"): (lambda w: Call("/taskTypes"), lambda w: Call("/taskTypes", None, status=401)),
    ("GET", "/taskTypes/{id}"): (lambda w: Call(f"/taskTypes/{w.task_type.id}"),
                                 lambda w: Call(f"/taskTypes/{UNKNOWN}", status=404)),
    ("GET", "/taskTypes/{id}/tasks"): (lambda w: Call(f"/taskTypes/{w.task_type.id}/tasks"),
                                       lambda w: Call(f"/taskTypes/{UNKNOWN}/tasks", status=404)),
    ("GET", "/scripts"): (lambda w: Call("/scripts"), lambda w: Call("/scripts", None, status=401)),
    ("GET", "/scripts/{id}"): (lambda w: Call(f"/scripts/{w.script.id}"),
                               lambda w: Call(f"/scripts/{UNKNOWN}", status=404)),
    ("GET", "/projects"): (lambda w: Call("/projects"), lambda w: Call("/projects", None, status=401)),
    ("POST", "/projects"): (lambda w: Call("/projects", json=w.project_body()),
                            lambda w: Call("/projects", json=w.project_body(w.project.name), status=400)),
    ("GET", "/projects/assignments"): (lambda w: Call("/projects/assignments"),
                                       lambda w: Call("/projects/assignments", None, status=401)),
    ("GET", "/projects/withStatus"): (lambda w: Call("/projects/withStatus"),
                                      lambda w: Call("/projects/withStatus", None, status=401)),
    ("GET", "/projects/byName/{name}"): (lambda w: Call(f"/projects/byName/{w.project.name}"),
                                         lambda w: Call("/projects/byName/missing", status=404)),
}
for template in ("/projects/{id}", "/projects/{name}"):
    ROUTES[("GET", template)] = (lambda w: Call(f"/projects/{w.project_ref}"),
                                 lambda w: Call(f"/projects/{w.project_ref}", None, status=401))
    ROUTES[("PUT", template)] = (lambda w: Call(f"/projects/{w.project_ref}", json=w.project_body(w.project.name)),
                                 lambda w: Call(f"/projects/{w.project_ref}", "user",
                                                json=w.project_body(w.project.name), status=403))
    ROUTES[("DELETE", template)] = (lambda w: Call(f"/projects/{w.project_ref}"),
                                    lambda w: Call(f"/projects/{w.project_ref}", "user", status=403))
    ROUTES[("GET", f"{template}/tasks")] = (
        lambda w: Call(f"/projects/{w.project_ref}/tasks", query={"limit": 2, "includeTotalCount": True}),
        lambda w: Call(f"/projects/{w.project_ref}/tasks", query={"limit": -5}, status=400))
    ROUTES[("PATCH", f"{template}/incrementEachTasksInstances")] = (
        lambda w: Call(f"/projects/{w.project_ref}/incrementEachTasksInstances", query={"delta": 2}),
        lambda w: Call(f"/projects/{w.project_ref}/incrementEachTasksInstances", query={"delta": -1}, status=400))
    ROUTES[("PATCH", f"{template}/pause")] = (lambda w: Call(f"/projects/{w.project_ref}/pause"),
                                              lambda w: Call(f"/projects/{w.project_ref}/pause", "user", status=403))
    ROUTES[("PATCH", f"{template}/resume")] = (lambda w: Call(f"/projects/{w.project_ref}/resume"),
                                               lambda w: Call(f"/projects/{w.project_ref}/resume", None, status=401))


@functools.cache
def operations(version: str) -> list[tuple[str, str]]:
    root = spec_dir() / "webknossos" / version
    document = yaml.safe_load((root / "openapi.yaml").read_text())
    found = []
    for path, reference in document["paths"].items():
        file_name, key = reference["$ref"].split("#/")
        item = yaml.safe_load(Path(root / file_name).read_text())[key]
        found.extend((method.upper(), path) for method in METHODS if method in item)
    return found


CASES = [(v, m, p) for v in VERSIONS for m, p in operations(v)]


def test_the_table_covers_every_operation_of_every_version() -> None:
    assert [c for c in CASES if c[1:] not in ROUTES] == []
    assert len(CASES) > 370




@pytest.mark.parametrize(("version", "method", "template"), CASES, ids=[f"{v} {m} {p}" for v, m, p in CASES])
@pytest.mark.parametrize("outcome", ["success", "error"])
def test_route(client: TestClient, app: MockApp, tokens: dict[str, str], version: str, method: str, template: str,
               outcome: str) -> None:
    world = World(app, version)
    call = ROUTES[(method, template)][0 if outcome == "success" else 1](world)
    headers = {"X-Auth-Token": tokens[call.role]} if call.role else {}
    response = client.request(method, f"/api/{version}{call.path}", params=call.query, json=call.json,
                              files=call.files, data=call.data, headers=headers)
    assert response.status_code == call.status, response.text[:500]
    if response.status_code == 401:
        assert response.text == "You are not authorized to view this resource. Please log in."
    elif response.status_code >= 400 and "messages" in response.json():
        assert response.json()["messages"][0]["error"], response.text
    elif response.status_code >= 400:  # Play's raw validation result (routes with a typed body reader)
        assert all(path.startswith("obj") and errors[0]["msg"] for path, errors in response.json().items())
