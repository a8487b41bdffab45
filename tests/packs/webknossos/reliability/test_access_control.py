"""Access control: every operation of every version × who asks, against the real server's rules.

Every operation gets one request against resources arranged for this module and one *rule*: the
status each principal gets (reference §2.3 auth column, §4.1/§4.2 texts and statuses, §5 roles,
§7 role notes, §14.6). The resources: l4_sample made private and readable by team A only; a
project of team A with tasks, a task type of team A; Task and Explorational annotations (visibility
``Internal``, the default) of ``owner``; a project of team B (so that everyone has a task to request).

    anonymous       no X-Auth-Token
    bad_token       an X-Auth-Token that belongs to nobody (secured routes: 401; user-aware: anonymous)
    user            a plain member of team A (the resources' team) who owns nothing
    owner           the plain member of team A who owns the annotations (a seventh column: owner-only
                    rules need someone who passes them)
    other_manager   team manager of team B only
    manager         team manager of team A
    admin           organization admin, a plain member of team B (rights come from the role)

The operations are read from the resolved specs (``SpecLoader``): a new operation fails
``test_every_operation_has_a_rule`` until it gets a row in ``OPERATIONS``. The world is restored
before every cell, so writes of one cell never reach another.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.errors import UNAUTHORIZED_TEXT
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.packs.webknossos.world.arrange import Arranger
from mockserver.resources import fixtures_dir
from mockserver.specs import SpecLoader, spec_path
from tests.helpers import VersionRefs

VERSIONS = tuple(ADAPTERS)
"""The WEBKNOSSOS versions, oldest first (the pack's one list)."""
METHODS = ("get", "put", "post", "patch", "delete", "head")
PRINCIPALS = ("anonymous", "bad_token", "user", "owner", "other_manager", "manager", "admin")
BAD_TOKEN = "acl-nobody-has-this-token"


# rules --------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Rule:
    """The status each principal gets. ``anonymous`` is the answer to anonymous callers (and bad tokens)
    on a user-aware route; on a secured route they get 401 whatever the rule says."""

    anonymous: int
    user: int
    owner: int
    other_manager: int
    manager: int
    admin: int
    name: str

    def expected(self, principal: str, *, user_aware: bool) -> int:
        if principal in ("anonymous", "bad_token"):
            return self.anonymous if user_aware else 401
        return int(getattr(self, principal))


# fmt: off
#                                anonymous user owner other_manager manager admin
PUBLIC =                   Rule(200,      200, 200,  200,          200,    200, "public")
ANY_USER =                 Rule(401,      200, 200,  200,          200,    200, "any logged-in user")
ADMIN =                    Rule(401,      403, 403,  403,          403,    200, "admin only, others 403")
ADMIN_HIDDEN =             Rule(401,      404, 404,  404,          404,    200, "admin only, others 404")
SUPER_USER =               Rule(401,      403, 403,  403,          403,    403, "super user only (none here)")
USER_SELF_OR_MANAGER =     Rule(401,      403, 200,  403,          200,    200,
                                "the user, a manager of one of their teams, admin; others 403")
USER_MANAGER =             Rule(401,      403, 403,  403,          200,    200,
                                "a manager of one of the user's teams, admin; others 403")
TEAM_READER =              Rule(404,      200, 200,  404,          200,    200,
                                "member of the resource's team, admin; others 404")
DATASET_READER_UPLOAD =    Rule(401,      200, 200,  403,          200,    200, "reads the NML's dataset; others 403")
TEAM_MANAGER =             Rule(401,      403, 403,  403,          200,    200,
                                "manager of the resource's team, admin; others 403")
TEAM_MANAGER_OF_READABLE = Rule(404,      403, 403,  404,          200,    200,
                                "manager of the resource's team, admin; readers 403, others 404")
TEAM_MANAGER_HIDDEN =      Rule(404,      404, 404,  404,          200,    200,
                                "manager of the resource's team, admin; others 404")
ANNOTATION_READER =        Rule(404,      200, 200,  200,          200,    200,
                                "may read the annotation (Internal: the organization)")
ANNOTATION_OWNER =         Rule(404,      403, 200,  403,          403,    403, "owner only; other readers 403")
ANNOTATION_FINISHER =      Rule(404,      400, 200,  400,          200,    200,
                                "owner, manager of the owner's team, admin; other readers 400")
ANNOTATION_REOPENER =      Rule(404,      400, 400,  400,          200,    200,
                                "manager of the owner's team, admin (the owner within 40 s); other readers 400")
# fmt: on

USER_AWARE = {
    ("GET", "/buildinfo"), ("GET", "/health"), ("GET", "/features"), ("POST", "/userToken/generate"),
    ("GET", "/shortLinks/byKey/{key}"), ("GET", "/datasets"), ("GET", "/datasets/{organizationName}/{dataSetName}"),
    ("GET", "/datastores"), ("GET", "/tracingstore"), ("GET", "/annotations/{id}/info"),
    ("GET", "/annotations/{id}/download"), ("GET", "/annotations/{typ}/{id}/download"),
}
"""Routes that answer anonymous callers (reference §2.3 "U", §5); everything else needs a valid token."""
USER_AWARE_IN = {("GET", "/annotations/{typ}/{id}/info"): {"v2", "v5"}}
"""§2.2/§2.4.3: the typed info is user-aware in v5 and v2 only (the v1/v3/v4 adapters use secured actions)."""


def is_user_aware(version: str, method: str, template: str) -> bool:
    return (method, template) in USER_AWARE or version in USER_AWARE_IN.get((method, template), set())


# the arranged world -------------------------------------------------------------------------------

@dataclasses.dataclass
class Call:
    path: str
    query: dict[str, Any] = dataclasses.field(default_factory=dict)
    json: Any = None
    files: Any = None
    data: Any = None


@dataclasses.dataclass
class World(VersionRefs):
    """The arranged resources (and their users), as one version addresses them."""

    version: str
    users: dict[str, r.User]
    organization: str
    dataset: r.Dataset
    project: r.Project
    tasks: list[r.Task]
    task_type: r.TaskType
    task_annotation: r.Annotation
    finished_annotation: r.Annotation
    explorational: r.Annotation
    spare_team: r.Team
    script: r.Script
    link: r.ShortLink

    def dataset_path(self, suffix: str = "") -> str:
        return f"/datasets/{self.organization}/{self.dataset.name}{suffix}"

    def explorational_body(self) -> Any:
        return [{"typ": "Skeleton"}] if self.version == "v5" else {"typ": "skeleton"}

    def task_form(self) -> dict[str, Any]:
        return {"taskTypeId": self.task_type.id, "neededExperience": {"domain": "axon-tracing", "value": 1},
                "pendingInstances": 1, "projectName": self.project.name}

    def task_params(self) -> dict[str, Any]:
        return {**self.task_form(), "dataSet": self.dataset.name, "editPosition": [1, 2, 3], "editRotation": [0, 0, 0],
                "boundingBox": None, "scriptId": None}

    def project_body(self, name: str) -> dict[str, Any]:
        return {"name": name, "team": self.project.team_id, "priority": 10, "paused": False, "expectedTime": 60,
                "owner": self.users["manager"].id, "isBlacklistedFromReport": False}

    def nml(self, name: str) -> dict[str, Any]:
        return {name: (name, (fixtures_dir() / "webknossos" / "nml" / name).read_bytes())}


def arrange(arranger: Arranger) -> dict[str, Any]:
    """The module's resources (see the module docstring); returns what ``World`` needs."""
    store = arranger.store
    team_a, team_b = arranger.add_team(name="acl_team_a"), arranger.add_team(name="acl_team_b")
    spare_team = arranger.add_team(name="acl_team_spare")
    users = {
        "user": arranger.add_user(team=team_a.id, email="acl.user@example.org"),
        "owner": arranger.add_user(team=team_a.id, email="acl.owner@example.org"),
        "other_manager": arranger.add_user(team=team_b.id, team_manager=True, email="acl.other.manager@example.org"),
        "manager": arranger.add_user(team=team_a.id, team_manager=True, email="acl.manager@example.org"),
        "admin": arranger.add_user(team=team_b.id, admin=True, email="acl.admin@example.org"),
        "outsider": arranger.add_user(team=team_b.id, email="acl.outsider@example.org"),
    }
    dataset = arranger.update(arranger.dataset("l4_sample"), is_public=False)
    store.delete(r.DatasetTeam, "dataset_id = ?", (dataset.id,))
    store.insert(r.DatasetTeam(dataset.id, team_a.id))
    task_type = arranger.update(arranger.task_type(), team_id=team_a.id)
    project = arranger.add_project(name="acl_project_a", team=team_a.id, owner=users["manager"].id, tasks=3,
                                   instances=3, task_type=task_type.id, dataset=dataset.id)
    arranger.add_project(name="acl_project_b", team=team_b.id, owner=users["other_manager"].id, tasks=1, instances=5,
                         task_type=task_type.id, dataset=dataset.id)
    tasks = store.select(r.Task, "project_id = ?", (project.id,), order="created, id")
    owner = users["owner"].id
    return {
        "users": users, "dataset": dataset, "project": project, "tasks": tasks, "task_type": task_type,
        "task_annotation": arranger.add_annotation(user=owner, task=tasks[0].id),
        "finished_annotation": arranger.add_annotation(user=owner, task=tasks[1].id, state="Finished"),
        "explorational": arranger.add_annotation(user=owner, dataset=dataset.id),
        "spare_team": spare_team,
        "script": store.select(r.Script, order="id")[0],
        "link": store.select(r.ShortLink, order="id")[0],
        "organization": store.scalars("SELECT name FROM organizations WHERE id = ?", (dataset.organization_id,))[0],
    }


class Acl:
    """The arranged world as a snapshot, restored before every request."""

    def __init__(self, app: MockApp, client: TestClient) -> None:
        self.store, self.client = app.backend.store, client
        self.store.reset()
        self.resources = arrange(Arranger(self.store, app.backend.world, seed="access-control"))
        self.tokens = {name: user.token for name, user in self.resources["users"].items()}
        self.snapshot = self.store.snapshot()

    def world(self, version: str) -> World:
        return World(version=version, **self.resources)

    def send(self, version: str, method: str, call: Call, principal: str) -> Any:
        self.store.restore(self.snapshot)
        token = {"anonymous": None, "bad_token": BAD_TOKEN}.get(principal, self.tokens.get(principal))
        headers = {"X-Auth-Token": token} if token else {}
        return self.client.request(method, f"/api/{version}{call.path}", params=call.query, json=call.json,
                                   files=call.files, data=call.data, headers=headers)


@pytest.fixture(scope="module")
def acl(app: MockApp, session_client: TestClient) -> Iterator[Acl]:
    yield Acl(app, session_client)
    app.backend.store.reset()


# operations ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Operation:
    rule: Rule
    call: Callable[[World], Call]


A = "/annotations"
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", "/buildinfo"): Operation(PUBLIC, lambda w: Call("/buildinfo")),
    ("GET", "/health"): Operation(PUBLIC, lambda w: Call("/health")),
    ("GET", "/features"): Operation(PUBLIC, lambda w: Call("/features")),
    ("POST", "/userToken/generate"): Operation(PUBLIC, lambda w: Call("/userToken/generate")),
    ("GET", "/auth/token"): Operation(ANY_USER, lambda w: Call("/auth/token")),
    ("DELETE", "/auth/token"): Operation(ANY_USER, lambda w: Call("/auth/token")),
    ("GET", "/folders/tree"): Operation(ANY_USER, lambda w: Call("/folders/tree")),
    ("GET", "/shortLinks/byKey/{key}"): Operation(PUBLIC, lambda w: Call(f"/shortLinks/byKey/{w.link.key}")),
    # the requester ------------------------------------------------------------------------------
    ("GET", "/user"): Operation(ANY_USER, lambda w: Call("/user")),
    ("GET", "/user/tasks"): Operation(ANY_USER, lambda w: Call("/user/tasks")),
    ("POST", "/user/tasks/request"): Operation(ANY_USER, lambda w: Call("/user/tasks/request")),
    ("GET", "/user/tasks/peek"): Operation(ANY_USER, lambda w: Call("/user/tasks/peek")),
    ("GET", "/user/annotations"): Operation(ANY_USER, lambda w: Call("/user/annotations")),
    ("GET", "/user/loggedTime"): Operation(ANY_USER, lambda w: Call("/user/loggedTime")),
    # users: the owner is the target -----------------------------------------------------------------
    ("GET", "/users"): Operation(ANY_USER, lambda w: Call("/users")),
    ("GET", "/users/{id}"): Operation(USER_SELF_OR_MANAGER, lambda w: Call(f"/users/{w.users['owner'].id}")),
    ("PATCH", "/users/{id}"): Operation(USER_MANAGER, lambda w: Call(f"/users/{w.users['owner'].id}",
                                                                      json={"lastName": "Renamed"})),
    ("GET", "/users/{id}/tasks"): Operation(USER_SELF_OR_MANAGER,
                                            lambda w: Call(f"/users/{w.users['owner'].id}/tasks")),
    ("GET", "/users/{id}/annotations"): Operation(USER_SELF_OR_MANAGER,
                                                  lambda w: Call(f"/users/{w.users['owner'].id}/annotations")),
    ("GET", "/users/{id}/loggedTime"): Operation(USER_SELF_OR_MANAGER,
                                                 lambda w: Call(f"/users/{w.users['owner'].id}/loggedTime")),
    # teams ----------------------------------------------------------------------------------------
    ("GET", "/teams"): Operation(ANY_USER, lambda w: Call("/teams")),
    ("POST", "/teams"): Operation(ADMIN, lambda w: Call("/teams", json={"name": "acl_new_team"})),
    ("DELETE", "/teams/{id}"): Operation(ADMIN, lambda w: Call(f"/teams/{w.spare_team.id}")),
    # datasets: readable by team A; editable by its managers (DatasetService.isEditableBy) ---------
    ("GET", "/datasets"): Operation(PUBLIC, lambda w: Call("/datasets")),
    ("GET", "/datasets/{organizationName}/{dataSetName}"): Operation(TEAM_READER, lambda w: Call(w.dataset_path())),
    ("PATCH", "/datasets/{organizationName}/{dataSetName}"): Operation(
        TEAM_MANAGER_OF_READABLE, lambda w: Call(w.dataset_path(), json={"isPublic": False, "tags": ["acl"]})),
    ("PATCH", "/datasets/{organizationName}/{dataSetName}/teams"): Operation(
        TEAM_MANAGER_OF_READABLE, lambda w: Call(w.dataset_path("/teams"), json=[w.project.team_id])),
    ("GET", "/datasets/{organizationName}/{dataSetName}/sharingToken"): Operation(
        TEAM_READER, lambda w: Call(w.dataset_path("/sharingToken"))),
    ("GET", "/datasets/{organizationName}/{dataSetName}/isValidNewName"): Operation(
        ANY_USER, lambda w: Call(f"/datasets/{w.organization}/acl_fresh_name/isValidNewName")),
    ("GET", "/datasets/{organizationName}/{dataSetName}/accessList"): Operation(
        TEAM_READER, lambda w: Call(w.dataset_path("/accessList"))),
    ("POST", "/datasets/{organizationName}/{dataSetName}/createExplorational"): Operation(
        TEAM_READER, lambda w: Call(w.dataset_path("/createExplorational"), json=w.explorational_body())),
    # stores ---------------------------------------------------------------------------------------
    ("GET", "/datastores"): Operation(PUBLIC, lambda w: Call("/datastores")),
    ("POST", "/datastores"): Operation(ADMIN, lambda w: Call("/datastores", json={
        "name": "acl_store", "url": "http://acl", "publicUrl": "http://acl", "key": "k"})),
    ("PUT", "/datastores/{name}"): Operation(ADMIN_HIDDEN, lambda w: Call("/datastores/localhost", json={
        "name": "localhost", "url": "http://acl", "publicUrl": "http://acl"})),
    ("DELETE", "/datastores/{name}"): Operation(SUPER_USER, lambda w: Call("/datastores/acl_unused")),
    ("GET", "/tracingstore"): Operation(PUBLIC, lambda w: Call("/tracingstore")),
    ("PUT", "/tracingstores/{name}"): Operation(ADMIN_HIDDEN, lambda w: Call("/tracingstores/localhost", json={
        "name": "localhost", "url": "http://acl", "publicUrl": "http://acl"})),
    # annotations of the owner (Internal) ---------------------------------------------------------
    ("POST", "/annotations/upload"): Operation(DATASET_READER_UPLOAD, lambda w: Call(
        f"{A}/upload", files=w.nml("l4_sample_axon.nml"), data={"createGroupForEachFile": "false"})),
    ("GET", "/annotations/readable"): Operation(ANY_USER, lambda w: Call(f"{A}/readable")),
    ("PATCH", "/annotations/{typ}/finish"): Operation(ANNOTATION_FINISHER, lambda w: Call(
        f"{A}/Explorational/finish", {"timestamp": 1}, json={"annotations": [w.explorational.id]})),
    ("GET", "/annotations/{id}/info"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/{w.explorational.id}/info", {"timestamp": 1})),
    ("GET", "/annotations/{id}/download"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/{w.explorational.id}/download")),
    ("DELETE", "/annotations/{typ}/{id}"): Operation(TEAM_MANAGER_HIDDEN, lambda w: Call(
        f"{A}/Task/{w.task_annotation.id}")),
    ("GET", "/annotations/{typ}/{id}/info"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/info", w.ts)),
    ("GET", "/annotations/{typ}/{id}/download"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/download")),
    ("POST", "/annotations/{typ}/{id}/duplicate"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/duplicate")),
    ("PATCH", "/annotations/{typ}/{id}/edit"): Operation(ANNOTATION_OWNER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/edit", json={"name": "renamed"})),
    ("PATCH", "/annotations/{typ}/{id}/finish"): Operation(ANNOTATION_FINISHER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/finish", w.ts)),
    ("PATCH", "/annotations/{typ}/{id}/reopen"): Operation(ANNOTATION_REOPENER, lambda w: Call(
        f"{A}/Task/{w.finished_annotation.id}/reopen")),
    ("PUT", "/annotations/{typ}/{id}/reset"): Operation(TEAM_MANAGER_HIDDEN, lambda w: Call(
        f"{A}/Task/{w.task_annotation.id}/reset")),
    ("POST", "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}"): Operation(ANNOTATION_READER, lambda w: Call(
        f"{A}/Explorational/{w.explorational.id}/merge/Explorational/{w.explorational.id}")),
    # tasks of team A's project -------------------------------------------------------------------
    ("POST", "/tasks"): Operation(TEAM_MANAGER_OF_READABLE, lambda w: Call("/tasks", json=[w.task_params()])),
    ("POST", "/tasks/createFromFiles"): Operation(TEAM_MANAGER_HIDDEN, lambda w: Call(
        "/tasks/createFromFiles", files=w.nml("l4_sample_task.nml"), data={"formJSON": json.dumps(w.task_form())})),
    ("POST", "/tasks/list"): Operation(ANY_USER, lambda w: Call("/tasks/list", json={"project": w.project_ref})),
    ("GET", "/tasks/experienceDomains"): Operation(ANY_USER, lambda w: Call("/tasks/experienceDomains")),
    ("GET", "/tasks/{id}"): Operation(TEAM_READER, lambda w: Call(f"/tasks/{w.tasks[0].id}")),
    ("PUT", "/tasks/{id}"): Operation(TEAM_MANAGER_OF_READABLE, lambda w: Call(f"/tasks/{w.tasks[0].id}",
                                                                                 json=w.task_params())),
    ("DELETE", "/tasks/{id}"): Operation(TEAM_MANAGER_OF_READABLE, lambda w: Call(f"/tasks/{w.tasks[0].id}")),
    ("GET", "/tasks/{id}/annotations"): Operation(TEAM_MANAGER_HIDDEN, lambda w: Call(
        f"/tasks/{w.tasks[0].id}/annotations")),
    ("POST", "/tasks/{id}/assign"): Operation(TEAM_MANAGER_OF_READABLE, lambda w: Call(
        f"/tasks/{w.tasks[0].id}/assign", {"userId": w.users["user"].id})),
    ("GET", "/taskTypes"): Operation(ANY_USER, lambda w: Call("/taskTypes")),
    ("GET", "/taskTypes/{id}"): Operation(TEAM_READER, lambda w: Call(f"/taskTypes/{w.task_type.id}")),
    ("GET", "/taskTypes/{id}/tasks"): Operation(TEAM_READER, lambda w: Call(f"/taskTypes/{w.task_type.id}/tasks")),
    ("GET", "/scripts"): Operation(ANY_USER, lambda w: Call("/scripts")),
    ("GET", "/scripts/{id}"): Operation(ANY_USER, lambda w: Call(f"/scripts/{w.script.id}")),
    # projects: read by team members, managed by team managers (looked up without row-level rules) --
    ("GET", "/projects"): Operation(ANY_USER, lambda w: Call("/projects")),
    ("POST", "/projects"): Operation(TEAM_MANAGER, lambda w: Call("/projects", json=w.project_body("acl_new"))),
    ("GET", "/projects/assignments"): Operation(ANY_USER, lambda w: Call("/projects/assignments")),
    ("GET", "/projects/withStatus"): Operation(ANY_USER, lambda w: Call("/projects/withStatus")),
    ("GET", "/projects/byName/{name}"): Operation(TEAM_READER, lambda w: Call(f"/projects/byName/{w.project.name}")),
}
for _key in ("id", "name"):
    _p = f"/projects/{{{_key}}}"
    OPERATIONS.update({
        ("GET", _p): Operation(TEAM_READER, lambda w: Call(f"/projects/{w.project_ref}")),
        ("PUT", _p): Operation(TEAM_MANAGER, lambda w: Call(f"/projects/{w.project_ref}",
                                                            json=w.project_body(w.project.name))),
        ("DELETE", _p): Operation(TEAM_MANAGER, lambda w: Call(f"/projects/{w.project_ref}")),
        ("GET", f"{_p}/tasks"): Operation(TEAM_MANAGER, lambda w: Call(f"/projects/{w.project_ref}/tasks")),
        ("PATCH", f"{_p}/incrementEachTasksInstances"): Operation(TEAM_MANAGER, lambda w: Call(
            f"/projects/{w.project_ref}/incrementEachTasksInstances", {"delta": 1})),
        ("PATCH", f"{_p}/pause"): Operation(TEAM_MANAGER, lambda w: Call(f"/projects/{w.project_ref}/pause")),
        ("PATCH", f"{_p}/resume"): Operation(TEAM_MANAGER, lambda w: Call(f"/projects/{w.project_ref}/resume")),
    })


@functools.cache
def spec(version: str) -> dict[str, Any]:
    return SpecLoader().load(spec_path("webknossos", version))


@functools.cache
def operations(version: str) -> list[tuple[str, str]]:
    return [(method.upper(), template) for template, item in spec(version)["paths"].items()
            for method in METHODS if method in item]


CASES = [(v, m, t) for v in VERSIONS for m, t in operations(v)]


def test_every_operation_has_a_rule() -> None:
    assert [case for case in CASES if case[1:] not in OPERATIONS] == []
    assert len(operations("v5")) >= 77


@pytest.mark.parametrize(("version", "method", "template"), CASES)
def test_spec_declares_the_reference_authentication(version: str, method: str, template: str) -> None:
    """The spec's ``security`` says what the matrix assumes: user-aware routes also allow no token."""
    operation = spec(version)["paths"][template][method.lower()]
    security = operation.get("security", spec(version).get("security", []))
    anonymous_allowed = security == [] or {} in security
    assert anonymous_allowed == is_user_aware(version, method, template)


def problem(response: Any, expected: int) -> str | None:
    """What is wrong with ``response`` for the expected status (None if nothing)."""
    status = response.status_code
    if expected == 200:
        return None if 200 <= status < 300 else f"expected 2xx, got {status}: {response.text[:200]}"
    if status != expected:
        return f"expected {expected}, got {status}: {response.text[:200]}"
    if status == 401:
        plain = response.headers["content-type"].startswith("text/plain")
        return None if plain and response.text == UNAUTHORIZED_TEXT else f"401 body {response.text[:200]!r}"
    body = response.json()
    return None if isinstance(body["messages"][0].get("error"), str) else f"not the error envelope: {body}"


@pytest.mark.parametrize(("version", "method", "template"), CASES)
def test_access(acl: Acl, version: str, method: str, template: str) -> None:
    """One row of the matrix: every principal against one operation of one version."""
    operation = OPERATIONS[(method, template)]
    user_aware = is_user_aware(version, method, template)
    wrong = {}
    for principal in PRINCIPALS:
        expected = operation.rule.expected(principal, user_aware=user_aware)
        response = acl.send(version, method, operation.call(acl.world(version)), principal)
        if (found := problem(response, expected)) is not None:
            wrong[principal] = found
    assert wrong == {}, f"rule: {operation.rule.name}"


# another user's annotations -----------------------------------------------------------------------
#
# The issue asks that a plain user never sees another user's annotations, not even by guessing ids.
# The real server is more open (reference §4.2 "Annotation not visible to the requester", §7.7
# ``visibility``): its row-level rule lets everyone read a ``Public`` annotation and every member of
# the owner's organization read an ``Internal`` one (the default of createExplorational and task
# annotations); only ``Private`` annotations are hidden from everybody but the owner, the managers of
# the annotation's team and the organization's admins. The mock follows the real server, so the
# issue's rule is asserted for Private annotations; for Internal and Public ones a plain user may
# read and download but never edit (403) or finish (400), whichever team they are in.

ANNOTATION_ROUTES: dict[str, tuple[str, Callable[[World, str], Call]]] = {
    "info": ("GET", lambda w, i: Call(f"{A}/Explorational/{i}/info", w.ts)),
    "info by id": ("GET", lambda w, i: Call(f"{A}/{i}/info", {"timestamp": 1})),
    "download": ("GET", lambda w, i: Call(f"{A}/Explorational/{i}/download")),
    "download by id": ("GET", lambda w, i: Call(f"{A}/{i}/download")),
    "edit": ("PATCH", lambda w, i: Call(f"{A}/Explorational/{i}/edit", json={"name": "mine now"})),
    "finish": ("PATCH", lambda w, i: Call(f"{A}/Explorational/{i}/finish", w.ts)),
    "finish many": ("PATCH", lambda w, i: Call(f"{A}/Explorational/finish", {"timestamp": 1},
                                               json={"annotations": [i]})),
    "duplicate": ("POST", lambda w, i: Call(f"{A}/Explorational/{i}/duplicate")),
    "merge": ("POST", lambda w, i: Call(f"{A}/Explorational/{i}/merge/Explorational/{i}")),
}
READ_ONLY = {"info": 200, "info by id": 200, "download": 200, "download by id": 200, "edit": 403, "finish": 400,
             "finish many": 400, "duplicate": 200, "merge": 200}
SEEN_BY_A_PLAIN_USER = {"Private": dict.fromkeys(ANNOTATION_ROUTES, 404), "Internal": READ_ONLY, "Public": READ_ONLY}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("visibility", list(SEEN_BY_A_PLAIN_USER))
@pytest.mark.parametrize("viewer", ["user", "outsider"])
def test_a_plain_user_sees_another_users_annotation_only_as_its_visibility_allows(
        acl: Acl, version: str, visibility: str, viewer: str) -> None:
    world = acl.world(version)
    acl.store.restore(acl.snapshot)
    acl.store.update(world.explorational, visibility=visibility)
    snapshot = acl.store.snapshot()
    token = {"X-Auth-Token": world.users[viewer].token}
    found = {}
    for name, (method, call) in ANNOTATION_ROUTES.items():
        acl.store.restore(snapshot)
        request = call(world, world.explorational.id)
        found[name] = acl.client.request(method, f"/api/{version}{request.path}", params=request.query,
                                         json=request.json, headers=token).status_code
    assert found == SEEN_BY_A_PLAIN_USER[visibility]


def test_guessing_ids_finds_no_private_annotation_of_anyone_else(acl: Acl) -> None:
    """Every annotation of the seeded and the arranged world made Private: the plain user gets 404 for each
    (and for ids next to them), the readable list and every other user's annotation list stay closed."""
    acl.store.restore(acl.snapshot)
    acl.store.execute("UPDATE annotations SET visibility = 'Private'")
    world = acl.world("v5")
    me = world.users["user"]
    token = {"X-Auth-Token": me.token}
    others = acl.store.select(r.Annotation, "user_id != ?", (me.id,), order="id")
    guessed = [f"{int(a.id, 16) + 1:024x}" for a in others[::10]]
    assert len(others) > 100
    seen = {}
    for annotation_id in [a.id for a in others] + guessed:
        for name in ("info by id", "download by id", "edit", "finish"):
            method, call = ANNOTATION_ROUTES[name]
            request = call(world, annotation_id)
            status = acl.client.request(method, f"/api/v5{request.path}", params=request.query, json=request.json,
                                        headers=token).status_code
            if status != 404:
                seen[(annotation_id, name)] = status
    assert seen == {}
    assert acl.client.get("/api/v5/annotations/readable", headers=token).json() == []
    owners = {a.user_id for a in others}
    assert {acl.client.get(f"/api/v5/users/{o}/annotations", headers=token).status_code for o in owners} == {403}


def test_a_team_manager_changes_only_the_allowed_teams_they_manage(acl: Acl) -> None:
    """``PATCH /datasets/{o}/{n}/teams`` (real ``updateTeams``): a team manager can neither remove nor add a team
    they do not manage (silently ignored); an admin manages every team of the organization."""
    world = acl.world("v5")
    team_a, spare = world.project.team_id, world.spare_team.id
    team_b = acl.store.one(r.Team, "name = 'acl_team_b'")
    assert team_b is not None
    for role, body, expected in (("manager", [team_a], [team_a, spare]), ("manager", [team_a, team_b.id],
                                                                          [team_a, spare]),
                                 ("admin", [team_a], [team_a]), ("admin", [team_a, team_b.id], [team_a, team_b.id])):
        acl.store.restore(acl.snapshot)
        acl.store.insert(r.DatasetTeam(world.dataset.id, spare))
        response = acl.client.patch(f"/api/v5{world.dataset_path('/teams')}", json=body,
                                    headers={"X-Auth-Token": world.users[role].token})
        assert response.json() == sorted(expected), (role, body)
