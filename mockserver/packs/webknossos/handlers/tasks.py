"""``/tasks``: creating, listing, reading, editing, deleting and assigning tasks (reference §7.8, §7.9, §9.3).

Tasks are readable by the organization's admins and the members of their project's team (others get
404, as the real server hides those rows); writes need team-manager rights for the project's team.
"""

from __future__ import annotations

import random
from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import require_object_id
from mockserver.packs.webknossos.handlers.projects import (
    delete_tasks,
    find_project,
    may_read_project,
    readable_projects_clause,
)
from mockserver.packs.webknossos.handlers.task_creation import (
    NOT_ON_SAME_DATASET,
    Outcome,
    batch_dataset,
    batch_task_types,
    check_batch_size,
    creation_outcome,
    creation_result,
    instance_count,
    team_warnings,
)
from mockserver.packs.webknossos.handlers.task_requests import NO_TASK_AVAILABLE, new_task_annotation
from mockserver.packs.webknossos.handlers.uploads import create_tasks_from_files
from mockserver.packs.webknossos.views import annotations as annotation_views
from mockserver.packs.webknossos.views import tasks as views
from mockserver.readcache import cached_read
from mockserver.responses import json_response, messages, with_messages

__all__ = [
    "assign_task",
    "create_tasks",
    "create_tasks_from_files",
    "delete_task",
    "list_experience_domains",
    "list_task_annotations",
    "list_tasks",
    "read_task",
    "update_task",
]

TASK_NOT_FOUND = "Task could not be found"
INVALID_TASK_ID = "The provided task id is invalid."
LIST_LIMIT = 1000


def find_task(api: Api, me: Principal, task_id: str) -> r.Task:
    """A task ``me`` may read (404 ``Task could not be found`` otherwise)."""
    task = api.store.get(r.Task, task_id)
    project = api.store.get(r.Project, task.project_id) if task else None
    if task is None or project is None or not may_read_project(me, project):
        raise NotFound(TASK_NOT_FOUND)
    return task


def managed_task(api: Api, me: Principal, task_id: str) -> tuple[r.Task, r.Project]:
    """A task whose project's team ``me`` manages: 400 malformed id, 404 unreadable, 403 not managed."""
    require_object_id(task_id, INVALID_TASK_ID)
    task = find_task(api, me, task_id)
    project = api.store.get(r.Project, task.project_id)
    assert project is not None
    if not me.manages(project.team_id, project.organization_id):
        raise Forbidden()
    return task, project


# creation ---------------------------------------------------------------------------------------

async def create_tasks(api: Api, body: list[dict[str, Any]], user: str | None = None) -> Response:
    """One task per item, all on the first item's dataset; 200 with per-item results in request order."""
    me = api.require(user)
    if not me.is_team_manager_or_admin:
        raise Forbidden()
    task_types = batch_task_types(api, me, (str(params.get("taskTypeId") or "") for params in body))
    check_batch_size(task_types, len(body))
    first_name = str(body[0].get("dataSet") or "") if body else ""
    dataset = batch_dataset(api, me, first_name)
    outcomes: list[Outcome] = []
    with api.store.transaction():
        for params in body:
            if params.get("dataSet") != first_name:
                outcomes.append(BadRequest(NOT_ON_SAME_DATASET))
            else:
                outcomes.append(creation_outcome(api, me, params, dataset=dataset))
        warnings = team_warnings(api, me, outcomes)
    return json_response(creation_result(outcomes, warnings))


# lists ------------------------------------------------------------------------------------------

@cached_read(unless=lambda kwargs: bool(kwargs["body"].get("random")))
async def list_tasks(api: Api, body: dict[str, Any], user: str | None = None) -> Response:
    """At most 1000 readable tasks matching every given filter (``project``: v1–v3 name, v4+ id)."""
    me = api.require(user)
    where, params = readable_projects_clause(me, "project_id")
    conditions, values = [where], list(params)
    if body.get("user") is not None:
        user_id = require_object_id(str(body["user"]), "The provided user id is invalid.")
        conditions.append("id IN (SELECT task_id FROM annotations WHERE user_id = ? AND typ = 'Task')")
        values.append(user_id)
    if body.get("project") is not None:
        project = find_project(api, me, str(body["project"]))
        conditions.append("project_id = ?")
        values.append(project.id)
    if body.get("ids") is not None:
        ids = [require_object_id(str(i), INVALID_TASK_ID) for i in body["ids"]]
        conditions.append(f"id IN ({', '.join('?' for _ in ids) or 'NULL'})")
        values.extend(ids)
    if body.get("taskType") is not None:
        conditions.append("task_type_id = ?")
        values.append(require_object_id(str(body["taskType"]), "The provided task type id is invalid."))
    sql_where = " AND ".join(conditions)
    if body.get("random"):
        tasks = api.store.select(r.Task, sql_where, values, order="id")
        tasks = random.sample(tasks, k=min(len(tasks), LIST_LIMIT))
    else:
        tasks = api.store.select(r.Task, sql_where, values, order="created, id", limit=LIST_LIMIT)
    return json_response(views.tasks(api.store, tasks))


@cached_read
async def list_experience_domains(api: Api, user: str | None = None) -> Response:
    """Domains of the organization: from users' experiences and tasks' needed experience."""
    me = api.require(user)
    domains = set(api.store.scalars(
        "SELECT DISTINCT t.needed_experience_domain FROM tasks t JOIN projects p ON p.id = t.project_id "
        "WHERE p.organization_id = ?", (me.organization_id,)))
    for record in api.store.select(r.User, "organization_id = ?", (me.organization_id,)):
        domains.update(record.experiences)
    return json_response(sorted(domains))


# single tasks -----------------------------------------------------------------------------------

@cached_read
async def read_task(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.task(api.store, find_task(api, me, id_)))


async def update_task(api: Api, id_: str, body: dict[str, Any], user: str | None = None) -> Response:
    """The requested pending count becomes the task's pending count (total changes by the difference)."""
    me = api.require(user)
    task, _ = managed_task(api, me, id_)
    requested = instance_count(body)
    if requested < 0:
        raise BadRequest("The number of pending instances cannot be negative")
    with api.store.transaction():
        task = api.store.update(task, total_instances=task.total_instances + requested - task.pending_instances,
                                pending_instances=requested)
    return json_response(with_messages(views.task(api.store, task), "Task successfully edited"))


async def delete_task(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    task, _ = managed_task(api, me, id_)
    with api.store.transaction():
        delete_tasks(api, [task.id])
    return json_response(messages("Task was removed"))


@cached_read
async def list_task_annotations(api: Api, id_: str, user: str | None = None) -> Response:
    """Full JSON of the task's non-cancelled annotations; needs team-manager rights (else 404)."""
    me = api.require(user)
    require_object_id(id_, INVALID_TASK_ID)
    task = find_task(api, me, id_)
    project = api.store.get(r.Project, task.project_id)
    if project is None or not me.manages(project.team_id, project.organization_id):
        raise NotFound()
    records = api.store.select(r.Annotation, f"task_id = ? AND typ = 'Task' AND state IN {r.LIVE_STATES}", (task.id,),
                               order="id")
    return json_response([api.adapter.annotation(annotation_views.annotation(api.store, a, me)) for a in records])


async def assign_task(api: Api, id_: str, user_id: str, user: str | None = None) -> Response:
    """A new Task annotation of this task for ``userId``; returns the task after the assignment."""
    me = api.require(user)
    require_object_id(user_id, "The provided user id is invalid.")
    task, _ = managed_task(api, me, id_)
    assignee = api.store.get(r.User, user_id)
    if assignee is None or not me.in_organization(assignee.organization_id):
        raise NotFound("User not found")
    assignee_teams = api.store.scalars("SELECT team_id FROM memberships WHERE user_id = ?", (assignee.id,))
    if not me.is_admin and not any(me.manages(t) for t in assignee_teams):
        raise Forbidden()
    with api.store.transaction():
        if task.pending_instances <= 0 or api.store.count(
                r.Annotation, f"task_id = ? AND user_id = ? AND typ = 'Task' AND state IN {r.LIVE_STATES}",
                (task.id, assignee.id)):
            raise BadRequest(NO_TASK_AVAILABLE)
        new_task_annotation(api, task, assignee)
    updated = api.store.get(r.Task, task.id)
    assert updated is not None
    return json_response(views.task(api.store, updated))
