"""What a run learns about the deployment before it starts, and the sandbox project it works in.

Generated requests rarely name things that exist (a dataset, a task type, a team one manages), so
schemathesis would only ever see "not found". ``discover`` reads a few real values (GET only);
``open_sandbox`` creates one project of the run's own when writes are allowed (deleted with the
rest of the run's resources). ``Fixups`` puts these values into positive cases of the operations
that need them (just before they are sent), the way schemathesis' own ``parameters`` setting does
for path and query values.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import quoteattr

import httpx
from urllib3.filepost import encode_multipart_formdata

from mockserver.contract.guard import Guard
from mockserver.contract.policy import Created


@dataclasses.dataclass(frozen=True)
class Facts:
    """Real values of the deployment, as seen by the token's user; None where unknown."""

    user_id: str | None = None
    organization: str | None = None
    team_id: str | None = None
    dataset: str | None = None
    task_type_id: str | None = None
    project_name: str | None = None
    """The run's sandbox project (write mode), or None."""
    existing_project: str | None = None
    """The name of a project the user can read (for the lookups by name)."""
    annotation_id: str | None = None
    """An annotation of the user's own (for the routes that address an annotation by id alone)."""
    project_id: str | None = None
    """The id of the readable project ``existing_project`` names."""
    task_id: str | None = None
    """A task of that project."""
    script_id: str | None = None
    """A script the user can read."""

    def parameters(self) -> dict[str, str]:
        """Path and query values for schemathesis' ``parameters`` setting."""
        values = {"organizationName": self.organization, "dataSetName": self.dataset}
        return {name: value for name, value in values.items() if value}


def discover(client: httpx.Client, guard: Guard) -> Facts:
    """Read the user, a team they manage, a dataset and a task type of their organization."""
    me = _get(client, guard, "/user")
    if not isinstance(me, dict):
        return Facts()
    teams = [t for t in me.get("teams", []) if isinstance(t, dict) and (t.get("isTeamManager") or me.get("isAdmin"))]
    team_ids = {t.get("id") for t in teams}
    datasets = _get(client, guard, "/datasets", {"isActive": "true"})
    task_types = _get(client, guard, "/taskTypes")
    projects = _get(client, guard, "/projects")
    dataset = next((d.get("name") for d in datasets or [] if isinstance(d, dict)
                    and d.get("owningOrganization") == me.get("organization")), None)
    task_type = next((t.get("id") for t in task_types or [] if isinstance(t, dict) and t.get("teamId") in team_ids),
                     None)
    project = next((p for p in projects or [] if isinstance(p, dict) and p.get("name") and p.get("id")), {})
    scripts = _get(client, guard, "/scripts")
    script = next((x.get("id") for x in scripts or [] if isinstance(x, dict) and x.get("id")), None)
    annotations = _get(client, guard, "/user/annotations", {"limit": "1"})
    annotation = next((a.get("id") for a in annotations or [] if isinstance(a, dict) and a.get("id")), None)
    return Facts(user_id=me.get("id"), organization=me.get("organization"),
                 team_id=teams[0].get("id") if teams else None, dataset=dataset, task_type_id=task_type,
                 existing_project=project.get("name"), annotation_id=annotation, project_id=project.get("id"),
                 task_id=_a_task(client, guard, project), script_id=script)


def _a_task(client: httpx.Client, guard: Guard, project: dict[str, Any]) -> str | None:
    """A task of ``project`` (addressed by id from v4 on, by name before)."""
    for key in ("id", "name"):
        if project.get(key):
            tasks = _get(client, guard, f"/projects/{project[key]}/tasks", {"limit": "1"})
            if isinstance(tasks, list) and tasks and isinstance(tasks[0], dict) and tasks[0].get("id"):
                return str(tasks[0]["id"])
    return None


def open_sandbox(client: httpx.Client, guard: Guard, facts: Facts) -> Facts:
    """Create the run's own project (write mode) so that generated tasks have somewhere to go."""
    if not (facts.team_id and facts.user_id):
        return facts
    body = {"name": f"contract_{secrets.token_hex(6)}", "team": facts.team_id, "owner": facts.user_id,
            "priority": 0, "paused": False, "expectedTime": None, "isBlacklistedFromReport": True}
    guard.admit("POST", "/projects", {})
    response = client.post("/projects", json=body)
    if response.status_code != 200:
        return facts
    project = response.json()
    guard.sandbox.add(Created("projects", str(project["id"]), name=project["name"]))
    return dataclasses.replace(facts, project_name=project["name"])


def _get(client: httpx.Client, guard: Guard, path: str, params: dict[str, str] | None = None) -> Any:
    guard.admit("GET", path, {})
    try:
        response = client.get(path, params=params)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def _multipart(case: Any, fields: list[tuple[str, str]], nml_file: bytes) -> None:
    """``case`` sends ``fields`` and one NML file part, encoded here: schemathesis sends the parts of a form body
    without file names, and the server reads only named files as files."""
    body, content_type = encode_multipart_formdata([*fields, (f"{_unique()}.nml", (f"{_unique()}.nml", nml_file))])
    case.body = body
    case.headers = {**(case.headers or {}), "Content-Type": content_type}


def nml(dataset: str, organization: str) -> bytes:
    """A minimal NML: one tree of two nodes on ``dataset`` of ``organization``."""
    return (f'<things><parameters><experiment name={quoteattr(dataset)} organization={quoteattr(organization)}/>'
            '<scale x="1.0" y="1.0" z="1.0"/></parameters><thing id="1" name="contract"><nodes>'
            '<node id="1" x="1" y="1" z="1"/><node id="2" x="2" y="2" z="2"/></nodes>'
            '<edges><edge source="1" target="2"/></edges></thing></things>').encode()


def _unique(prefix: str = "contract") -> str:
    return f"{prefix}_{secrets.token_hex(6)}"


READ_BY_ID: dict[str, tuple[str, str]] = {
    "GET /annotations/{id}/info": ("id", "annotation_id"),
    "GET /annotations/{id}/download": ("id", "annotation_id"),
    "GET /taskTypes/{id}": ("id", "task_type_id"),
    "GET /taskTypes/{id}/tasks": ("id", "task_type_id"),
    "GET /tasks/{id}": ("id", "task_id"),
    "GET /tasks/{id}/annotations": ("id", "task_id"),
    "GET /projects/{id}": ("id", "project_id"),
    "GET /projects/{id}/tasks": ("id", "project_id"),
    "GET /projects/{name}": ("name", "existing_project"),
    "GET /projects/{name}/tasks": ("name", "existing_project"),
    "GET /scripts/{id}": ("id", "script_id"),
    "GET /users/{id}": ("id", "user_id"),
    "GET /users/{id}/tasks": ("id", "user_id"),
    "GET /users/{id}/annotations": ("id", "user_id"),
    "GET /users/{id}/loggedTime": ("id", "user_id"),
}
"""Reads by id → (path parameter, ``Facts`` field of a thing that exists)."""


class Fixups:
    """Fills references to existing things, and rules the spec cannot express (at most one skeleton
    layer, no negative instance count), into positive cases (from the run's ``before_call`` hook)."""

    def __init__(self, facts: Facts, owns: Callable[[str], bool] = lambda key: False) -> None:
        self.facts, self.owns = facts, owns
        self.by_operation: dict[str, Callable[[Any], None]] = {
            "POST /tasks": self._tasks,
            "PUT /tasks/{id}": self._task,
            "POST /projects": self._project,
            "PUT /projects/{id}": self._project,
            "PUT /projects/{name}": self._project,
            "POST /teams": self._team,
            "POST /tasks/{id}/assign": self._assign,
            "POST /datasets/{organizationName}/{dataSetName}/createExplorational": self._layers,
            "GET /datasets/{organizationName}/{dataSetName}/isValidNewName": self._new_name,
            "GET /projects/byName/{name}": self._project_by_name,
            "POST /annotations/upload": self._upload,
            "POST /tasks/createFromFiles": self._tasks_from_files,
        }
        self._turns: dict[str, int] = {}

    def apply(self, case: Any) -> None:
        label = f"{case.method.upper()} {case.path}"
        fixup = self.by_operation.get(label)
        if fixup is not None:
            fixup(case)
        elif label in READ_BY_ID:
            self._existing(case, label)

    def _existing(self, case: Any, label: str) -> None:
        """Every other positive case of a read by id names a thing that exists (the others keep their generated
        ids and meet the 404s), so that coverage does not hang on the stateful phase's links."""
        if str(getattr(getattr(getattr(case, "meta", None), "phase", None), "name", "")) == "stateful":
            return  # a link named the resource already; a changed path makes schemathesis revalidate the case as
            # one of its own, and it then takes the sequence's valid request for an invalid one
        parameter, fact = READ_BY_ID[label]
        value = getattr(self.facts, fact)
        turn = self._turns[label] = self._turns.get(label, 0) + 1
        if value and turn % 2 and isinstance(case.path_parameters, dict):
            case.path_parameters[parameter] = value

    def _task_item(self, item: Any) -> None:
        if not isinstance(item, dict):
            return
        values = {"taskTypeId": self.facts.task_type_id, "dataSet": self.facts.dataset,
                  # a project of the run's own (from a link) stays; anything else becomes the sandbox
                  "projectName": None if self.owns(str(item.get("projectName"))) else self.facts.project_name}
        item.update({key: value for key, value in values.items() if value})
        item.pop("baseAnnotation", None)
        item["scriptId"] = None
        for key in ("pendingInstances", "openInstances"):  # the spec admits any int32; the server no negative
            if isinstance(item.get(key), int) and item[key] < 0:
                item[key] = 1

    def _tasks(self, case: Any) -> None:
        for item in case.body if isinstance(case.body, list) else []:
            self._task_item(item)

    def _task(self, case: Any) -> None:
        self._task_item(case.body)

    def _project(self, case: Any) -> None:
        if isinstance(case.body, dict):
            case.body.update({"name": _unique(), "team": self.facts.team_id or case.body.get("team"),
                              "owner": self.facts.user_id or case.body.get("owner")})

    def _team(self, case: Any) -> None:
        if isinstance(case.body, dict):
            case.body["name"] = _unique()

    def _layers(self, case: Any) -> None:
        if isinstance(case.body, dict):  # v1–v4: one object
            case.body.pop("fallbackLayerName", None)
        if not isinstance(case.body, list):
            return
        skeletons = [i for i, item in enumerate(case.body) if isinstance(item, dict) and item.get("typ") == "Skeleton"]
        for index in reversed(skeletons[1:]):  # at most one skeleton layer (not expressible in OpenAPI 3.0)
            del case.body[index]
        for layer in case.body:
            if isinstance(layer, dict):
                layer.pop("fallbackLayerName", None)  # names a layer of the dataset; generated ones do not exist

    def _project_by_name(self, case: Any) -> None:
        if self.facts.existing_project and isinstance(case.path_parameters, dict):
            case.path_parameters["name"] = self.facts.existing_project

    def _upload(self, case: Any) -> None:
        """One small valid NML of the discovered dataset (generated file parts never parse as NML)."""
        if self.facts.dataset and self.facts.organization and isinstance(case.body, dict):
            group = case.body.get("createGroupForEachFile", "false")
            _multipart(case, [("createGroupForEachFile", group if group in ("true", "false") else "false")],
                       nml(self.facts.dataset, self.facts.organization))

    def _tasks_from_files(self, case: Any) -> None:
        """A task form for the run's sandbox project and one NML (the task's dataset and start position)."""
        facts = self.facts
        if not (facts.dataset and facts.organization and facts.task_type_id and facts.project_name):
            return
        form = {"taskTypeId": facts.task_type_id, "neededExperience": {"domain": "contract", "value": 1},
                "pendingInstances": 1, "projectName": facts.project_name, "scriptId": None, "boundingBox": None}
        _multipart(case, [("formJSON", json.dumps(form))], nml(facts.dataset, facts.organization))

    def _new_name(self, case: Any) -> None:
        if isinstance(case.path_parameters, dict):  # the discovered dataset's name is taken: ask about a new one
            case.path_parameters["dataSetName"] = _unique("new_dataset")

    def _assign(self, case: Any) -> None:
        if self.facts.user_id and isinstance(case.query, dict):
            case.query["userId"] = self.facts.user_id


class Discovered:
    """``Facts`` and their ``Fixups``, as the core's ``Discovery``."""

    def __init__(self, facts: Facts, owns: Callable[[str], bool] = lambda key: False) -> None:
        self.facts, self.fixups = facts, Fixups(facts, owns)

    def parameters(self) -> dict[str, str]:
        return self.facts.parameters()

    def fixup(self, case: Any) -> None:
        self.fixups.apply(case)
