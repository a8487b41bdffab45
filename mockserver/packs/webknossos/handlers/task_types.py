"""``/taskTypes``: reading task types and their tasks (reference §7.10).

Task types are readable by the organization's admins and the members of the task type's team;
others get 404 ``Selected task type does not exist`` (the real server hides those rows).
"""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import NotFound
from mockserver.packs.webknossos.handlers.common import require_object_id
from mockserver.packs.webknossos.handlers.projects import readable_projects_clause
from mockserver.packs.webknossos.views import tasks as views
from mockserver.readcache import cached_read
from mockserver.responses import json_response

TASK_TYPE_NOT_FOUND = "Selected task type does not exist"


def may_read_task_type(me: Principal, record: r.TaskType) -> bool:
    return me.in_organization(record.organization_id) and (me.is_admin or me.is_member(record.team_id))


def find_task_type(api: Api, me: Principal, task_type_id: str) -> r.TaskType:
    require_object_id(task_type_id, "The provided task type id is invalid.")
    record = api.store.get(r.TaskType, task_type_id)
    if record is None or not may_read_task_type(me, record):
        raise NotFound(TASK_TYPE_NOT_FOUND)
    return record


@cached_read
async def list_task_types(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    records = api.store.select(r.TaskType, "organization_id = ?", (me.organization_id,), order="id")
    return json_response([views.task_type(api.store, t) for t in records if may_read_task_type(me, t)])


@cached_read
async def read_task_type(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.task_type(api.store, find_task_type(api, me, id_)))


@cached_read
async def list_task_type_tasks(api: Api, id_: str, user: str | None = None) -> Response:
    """The task type's tasks in projects the requester may read, oldest first."""
    me = api.require(user)
    record = find_task_type(api, me, id_)
    where, params = readable_projects_clause(me, "project_id")
    tasks = api.store.select(r.Task, f"task_type_id = ? AND {where}", [record.id, *params], order="created, id")
    return json_response(views.tasks(api.store, tasks))
