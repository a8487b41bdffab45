"""``/projects``: reading, creating, editing, pausing and deleting projects; their tasks.

v1–v3 address projects by name (path parameter ``name``), v4+ by id (``id``); every handler of a
``/projects/{…}`` route takes both and resolves through ``api.adapter.find_project``. Readers are the
organization's admins and the members of the project's team; writers are admins and the team's
managers (403 otherwise, as the real server looks the project up without row-level restrictions).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import OBJECT_ID, page_window
from mockserver.packs.webknossos.versions.base import PROJECT_NOT_FOUND
from mockserver.packs.webknossos.views import projects as views
from mockserver.packs.webknossos.views import tasks as task_views
from mockserver.readcache import cached_read
from mockserver.responses import json_response, messages, paged_response

PROJECT_NAME = re.compile(r"^[a-zA-Z0-9_-]*$")


# access -----------------------------------------------------------------------------------------

def may_read_project(me: Principal, project: r.Project) -> bool:
    return me.in_organization(project.organization_id) and (me.is_admin or me.is_member(project.team_id))


def readable_projects_clause(me: Principal, column: str = "id") -> tuple[str, list[Any]]:
    """SQL condition (on a project id ``column``) selecting the projects ``me`` may read."""
    if me.is_admin:
        return f"{column} IN (SELECT id FROM projects WHERE organization_id = ?)", [me.organization_id]
    teams = sorted(me.teams)
    marks = ", ".join("?" for _ in teams) or "NULL"
    return (f"{column} IN (SELECT id FROM projects WHERE organization_id = ? AND team_id IN ({marks}))",
            [me.organization_id, *teams])


def find_project(api: Api, me: Principal, ref: str) -> r.Project:
    """The project a route or filter addresses (v1–v3: by name; v4+: by id, 400 if malformed)."""
    if api.adapter.project_key == "id" and not OBJECT_ID.match(ref):
        raise BadRequest(f"The passed resource id ‘{ref}’ is invalid")
    return api.adapter.find_project(api.store, ref, me.organization_id)


def readable_project(api: Api, me: Principal, ref: str) -> r.Project:
    """The addressed project if ``me`` may read it (404 ``Project could not be found`` otherwise)."""
    project = find_project(api, me, ref)
    if not may_read_project(me, project):
        raise NotFound(PROJECT_NOT_FOUND)
    return project


def managed_project(api: Api, me: Principal, ref: str) -> r.Project:
    """The addressed project if ``me`` manages its team (403 otherwise)."""
    project = find_project(api, me, ref)
    if not me.manages(project.team_id, project.organization_id):
        raise Forbidden()
    return project


def _ref(id_: str | None, name: str | None) -> str:
    return id_ if id_ is not None else name or ""


def delete_tasks(api: Api, task_ids: list[str]) -> None:
    """Delete tasks with their annotations, the annotations' tracings and shares, and the base tracings
    (inside the caller's transaction)."""
    for task_id in task_ids:
        task = api.store.get(r.Task, task_id)
        if task is None:
            continue
        tracing_ids = [task.base_tracing_id] if task.base_tracing_id else []
        for annotation in api.store.select(r.Annotation, "task_id = ?", (task_id,)):
            tracing_ids.extend(layer["tracingId"] for layer in annotation.layers)
            api.store.delete(r.AnnotationTeam, "annotation_id = ?", (annotation.id,))
        for tracing_id in tracing_ids:
            api.store.delete(r.Tracing, "id = ?", (tracing_id,))
        api.store.delete(r.Annotation, "task_id = ?", (task_id,))
        api.store.delete(r.Task, "id = ?", (task_id,))


# lists ------------------------------------------------------------------------------------------

def _readable(api: Api, me: Principal) -> list[r.Project]:
    where, params = readable_projects_clause(me)
    return api.store.select(r.Project, where, params, order="created, id")


@cached_read
async def list_projects(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response([views.project(api.store, p) for p in _readable(api, me)])


@cached_read
async def list_projects_with_status(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response([views.project_with_status(api.store, p) for p in _readable(api, me)])


@cached_read
async def list_projects_with_open_assignments(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response([views.project_with_open_assignments(api.store, p) for p in _readable(api, me)])


# single projects --------------------------------------------------------------------------------

@cached_read
async def read_project_by_name(api: Api, name: str, user: str | None = None) -> Response:
    me = api.require(user)
    project = api.store.one(r.Project, "name = ? AND organization_id = ?", (name, me.organization_id))
    if project is None or not may_read_project(me, project):
        raise NotFound(PROJECT_NOT_FOUND)
    return json_response(views.project(api.store, project))


@cached_read
async def read_project(api: Api, id_: str | None = None, name: str | None = None, user: str | None = None
                       ) -> Response:
    me = api.require(user)
    return json_response(views.project(api.store, readable_project(api, me, _ref(id_, name))))


def _validation_error(field: str, error: str) -> BadRequest:
    return BadRequest("Invalid Json format", body={"errors": [{"field": field, "error": error}],
                                                   "messages": [{"error": "Invalid Json format"}]})


def _team_and_owner(api: Api, me: Principal, body: dict[str, Any]) -> tuple[r.Team, r.User]:
    team_id, owner_id = str(body.get("team", "")), str(body.get("owner", ""))
    if not OBJECT_ID.match(team_id):
        raise _validation_error("/team", "error.expected.objectId")
    if not OBJECT_ID.match(owner_id):
        raise _validation_error("/owner", "error.expected.objectId")
    team = api.store.get(r.Team, team_id)
    if team is None or team.organization_id != me.organization_id:
        raise NotFound("Team could not be found")
    owner = api.store.get(r.User, owner_id)
    if owner is None or owner.organization_id != me.organization_id:
        raise NotFound("User not found")
    return team, owner


def _expected_time(body: dict[str, Any]) -> int | None:
    value = body.get("expectedTime")
    return int(value) if value is not None else None


async def create_project(api: Api, body: dict[str, Any], user: str | None = None) -> Response:
    me = api.require(user)
    name = str(body.get("name", ""))
    if len(name) < 3:
        raise _validation_error("/name", "error.minLength")
    if not PROJECT_NAME.match(name):
        raise _validation_error("/name", "project.name.invalidChars")
    team, owner = _team_and_owner(api, me, body)
    if not me.manages(team.id, team.organization_id):
        raise Forbidden()
    with api.store.transaction():
        if api.store.one(r.Project, "name = ? AND organization_id = ?", (name, me.organization_id)):
            raise BadRequest(f"The name “{name}” is already being used for a different project. "
                             "Please choose a different name.")
        now = api.now()
        project = r.Project(
            id=api.new_id(), organization_id=me.organization_id, name=name, team_id=team.id, owner_id=owner.id,
            priority=int(body["priority"]), created=now, paused=bool(body.get("paused", False)),
            expected_time=_expected_time(body), is_blacklisted_from_report=bool(body["isBlacklistedFromReport"]),
        )
        api.store.insert(project)
    return json_response(views.project(api.store, project))


async def update_project(api: Api, body: dict[str, Any], id_: str | None = None, name: str | None = None,
                         user: str | None = None) -> Response:
    """Updates team, priority, expectedTime, owner and isBlacklistedFromReport; ignores name and paused."""
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    team, owner = _team_and_owner(api, me, body)
    with api.store.transaction():
        project = api.store.update(
            project, team_id=team.id, owner_id=owner.id, priority=int(body["priority"]),
            expected_time=_expected_time(body), is_blacklisted_from_report=bool(body["isBlacklistedFromReport"]))
    return json_response(views.project(api.store, project))


async def delete_project(api: Api, id_: str | None = None, name: str | None = None, user: str | None = None
                         ) -> Response:
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    with api.store.transaction():
        delete_tasks(api, api.store.scalars("SELECT id FROM tasks WHERE project_id = ?", (project.id,)))
        api.store.delete(r.Project, "id = ?", (project.id,))
    return json_response(messages("Project was removed successfully"))


@cached_read
async def list_project_tasks(api: Api, id_: str | None = None, name: str | None = None, user: str | None = None,
                             limit: int | None = None, page_number: int | None = None,
                             include_total_count: bool | None = None) -> Response:
    """The project's tasks (oldest first); no default limit; ``X-Total-Count`` on request."""
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    size, offset = page_window(limit, page_number, default_limit=None)
    if size is None:
        tasks = api.store.select(r.Task, "project_id = ?", (project.id,), order="created, id")
    else:
        tasks = api.store.select(r.Task, "project_id = ?", (project.id,), order="created, id", limit=size,
                                 offset=offset)
    total = api.store.count(r.Task, "project_id = ?", (project.id,)) if include_total_count else None
    return paged_response(task_views.tasks(api.store, tasks), total)


async def increment_task_instances(api: Api, id_: str | None = None, name: str | None = None,
                                   user: str | None = None, delta: int | None = None) -> Response:
    """Adds ``delta`` (default 1) to the total and so to the pending instances of every task."""
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    step = 1 if delta is None else delta
    if step < 0:
        raise BadRequest("Cannot add a negative number of instances")
    with api.store.transaction():
        api.store.execute("UPDATE tasks SET total_instances = total_instances + ?, "
                          "pending_instances = pending_instances + ? WHERE project_id = ?", (step, step, project.id))
    return json_response(views.project_with_status(api.store, project))


async def pause_project(api: Api, id_: str | None = None, name: str | None = None, user: str | None = None
                        ) -> Response:
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    with api.store.transaction():
        project = api.store.update(project, paused=True)
    return json_response(views.project(api.store, project))


async def resume_project(api: Api, id_: str | None = None, name: str | None = None, user: str | None = None
                         ) -> Response:
    me = api.require(user)
    project = managed_project(api, me, _ref(id_, name))
    with api.store.transaction():
        project = api.store.update(project, paused=False)
    return json_response(views.project(api.store, project))
