"""Handing out task instances: ``POST /user/tasks/request``, ``GET /user/tasks/peek`` (reference §7.9).

``new_task_annotation`` creates the Task annotation of one instance; ``request_task`` and
``POST /tasks/{id}/assign`` both use it.
"""

from __future__ import annotations

import copy

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest
from mockserver.packs.webknossos.views import annotations as annotation_views
from mockserver.packs.webknossos.views import tasks as task_views
from mockserver.packs.webknossos.world.skeletons import empty_skeleton, volume_content
from mockserver.responses import json_response, with_messages

NO_TASK_AVAILABLE = "There is currently no task available"
TOO_MANY_OPEN_TASKS = "You already have too many open tasks"
MAX_OPEN_TASKS = 5
"""The real server's default ``webKnossos.tasks.maxOpenPerUser``."""


def new_task_annotation(api: Api, task: r.Task, user_record: r.User) -> r.Annotation:
    """A new Active Task annotation of ``task`` for ``user_record``; takes one pending instance.

    The skeleton layer copies the task's base tracing (``Task.base_tracing_id``) if set, else starts
    empty at the task's edit position; volume layers start empty, without fallback layer. Which layers
    exist follows the task type's ``tracingType``.
    """
    task_type = api.store.get(r.TaskType, task.task_type_id)
    tracing_type = task_type.tracing_type if task_type else "skeleton"
    now = api.now()
    tracings: list[r.Tracing] = []
    layers: list[dict[str, str]] = []
    if tracing_type in ("skeleton", "hybrid"):
        base = api.store.get(r.Tracing, task.base_tracing_id) if task.base_tracing_id else None
        if base is not None:
            content = copy.deepcopy(base.content)
        else:
            content = empty_skeleton(list(task.edit_position), now)
            content["editRotation"] = list(task.edit_rotation)
        tracings.append(r.Tracing(api.new_tracing_id(), "Skeleton", content))
        layers.append({"tracingId": tracings[-1].id, "typ": "Skeleton", "name": "Skeleton"})
    if tracing_type in ("volume", "hybrid"):
        tracings.append(r.Tracing(api.new_tracing_id(), "Volume", volume_content(None, None)))
        layers.append({"tracingId": tracings[-1].id, "typ": "Volume", "name": "Volume"})
    annotation = r.Annotation(id=api.new_id(), typ="Task", state="Active", user_id=user_record.id,
                              dataset_id=task.dataset_id, layers=layers, created=now, modified=now, task_id=task.id)
    with api.store.transaction():
        current = api.store.get(r.Task, task.id)
        if current is None or current.pending_instances <= 0:
            raise BadRequest(NO_TASK_AVAILABLE)
        api.store.insert(*tracings, annotation)
        api.store.update(current, pending_instances=current.pending_instances - 1)
    return annotation


def open_task_count(api: Api, user_id: str) -> int:
    return api.store.count(r.Annotation, "user_id = ? AND typ = 'Task' AND state IN ('Active', 'Initializing')",
                           (user_id,))


def next_task(api: Api, me: Principal, team_ids: list[str]) -> r.Task | None:
    """The task ``me`` would get next from projects of ``team_ids``: pending > 0, project not paused,
    enough experience, no earlier non-cancelled Task annotation of ``me``; highest project priority
    first, then the oldest task (then the smallest id)."""
    experiences = {domain: int(level) for domain, level in me.user.experiences.items()}
    if not team_ids or not experiences:
        return None
    marks = ", ".join("?" for _ in team_ids)
    enough = " OR ".join("(t.needed_experience_domain = ? AND t.needed_experience_value <= ?)" for _ in experiences)
    found = api.store.scalars(
        "SELECT t.id FROM tasks t JOIN projects p ON p.id = t.project_id "
        f"WHERE t.pending_instances > 0 AND p.paused = 0 AND p.organization_id = ? AND p.team_id IN ({marks}) "
        f"AND ({enough}) "
        "AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.user_id = ? AND a.typ = 'Task' "
        f"AND a.state IN {r.LIVE_STATES}) "
        "ORDER BY p.priority DESC, t.created, t.id LIMIT 1",
        (me.organization_id, *team_ids, *(v for item in experiences.items() for v in item), me.id))
    return api.store.get(r.Task, found[0]) if found else None


def _request_teams(api: Api, me: Principal) -> list[str]:
    """The teams whose tasks ``me`` may get; non-admins with too many open tasks only those they manage."""
    teams = sorted(me.teams)
    if me.is_admin or open_task_count(api, me.id) < MAX_OPEN_TASKS:
        return teams
    managed = sorted(me.managed_team_ids())
    if not managed:
        raise BadRequest(TOO_MANY_OPEN_TASKS)
    return managed


async def request_task(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    with api.store.transaction():
        task = next_task(api, me, _request_teams(api, me))
        if task is None:
            raise BadRequest(NO_TASK_AVAILABLE)
        annotation = new_task_annotation(api, task, me.user)
    data = annotation_views.annotation(api.store, annotation, me)
    return json_response(with_messages(data, "You got a new task"))


async def peek_task(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    task = next_task(api, me, sorted(me.teams))
    if task is None:
        raise BadRequest(NO_TASK_AVAILABLE)
    return json_response(task_views.task(api.store, task))
