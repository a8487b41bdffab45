"""Task creation shared by ``POST /tasks`` and ``POST /tasks/createFromFiles`` (reference §7.12, §9.3, §9.4).

``create_task`` validates and stores one task (one item of ``POST /tasks``, or one NML of
createFromFiles). A per-item failure is raised as an ``ApiError`` carrying the real server's raw
message (often an untranslated key such as ``project.notFound`` or ``script.invalid``); nothing of the
failed item is stored. ``creation_outcome`` turns one such attempt into an outcome (task JSON or the
error), and ``creation_result`` renders the outcomes in request order as the real server's
``TaskCreationResult``::

    outcomes = [creation_outcome(api, me, params, base_skeleton=…, creation_info=…) for …]
    body = creation_result(outcomes, warnings=team_warnings(api, me, outcomes))
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import ApiError, BadRequest, NotFound
from mockserver.packs.webknossos.handlers.common import OBJECT_ID
from mockserver.packs.webknossos.handlers.datasets import organization_dataset
from mockserver.packs.webknossos.views import tasks as task_views
from mockserver.packs.webknossos.views.datasets import may_read_dataset
from mockserver.packs.webknossos.world.skeletons import empty_skeleton

JSON = dict[str, Any]
Outcome = JSON | ApiError
"""One item's outcome: the created task's JSON (``views.tasks.task``) or the error that failed it."""

BATCH_LIMIT = 1000
VOLUME_BATCH_LIMIT = 100
BATCH_LIMIT_TEXT = "Cannot create more than 1000 tasks in one request."
TASK_TYPE_NOT_FOUND = "Selected task type does not exist"
NOT_ON_SAME_DATASET = "Cannot create tasks on multiple datasets in one go."


def dataset_not_found_text(name: str) -> str:
    return f"Dataset {name} does not exist or could not be accessed"


def instance_count(params: JSON) -> int:
    """``pendingInstances``, else the deprecated ``openInstances`` (pending wins when both are given)."""
    value = params.get("pendingInstances")
    if value is None:
        value = params.get("openInstances")
    if value is None:
        raise BadRequest("Invalid Json format: pendingInstances is missing")
    return int(value)


def find_task_type(api: Api, me: Principal, task_type_id: str) -> r.TaskType:
    """The task type of an item, in the requester's organization (raw key ``taskType.notFound``)."""
    record = api.store.get(r.TaskType, task_type_id) if OBJECT_ID.match(task_type_id or "") else None
    if record is None or record.organization_id != me.organization_id:
        raise BadRequest("taskType.notFound")
    return record


def find_dataset_by_name(api: Api, me: Principal, name: str) -> r.Dataset | None:
    return organization_dataset(api, me.organization_id, name)


def batch_task_types(api: Api, me: Principal, task_type_ids: Iterable[str]) -> list[r.TaskType]:
    """The task types a batch names, all of the requester's organization (404 otherwise, as the server)."""
    found = []
    for task_type_id in task_type_ids:
        record = api.store.get(r.TaskType, task_type_id) if OBJECT_ID.match(task_type_id) else None
        if record is None or record.organization_id != me.organization_id:
            raise NotFound(TASK_TYPE_NOT_FOUND)
        found.append(record)
    return found


def check_batch_size(task_types: Sequence[r.TaskType], count: int) -> None:
    """At most 1,000 tasks per request, 100 if any task type has a volume (the text says 1000 either way)."""
    limit = VOLUME_BATCH_LIMIT if any(t.tracing_type != "skeleton" for t in task_types) else BATCH_LIMIT
    if count > limit:
        raise BadRequest(BATCH_LIMIT_TEXT)


def batch_dataset(api: Api, me: Principal, name: str) -> r.Dataset:
    """The dataset every task of a batch is on, readable by the requester (404 otherwise)."""
    dataset = find_dataset_by_name(api, me, name)
    if dataset is None or not may_read_dataset(api.store, dataset, me):
        raise NotFound(dataset_not_found_text(name))
    return dataset


def _bounding_box(value: Any) -> JSON | None:
    """The task bounding box; an empty box (any extent ≤ 0) counts as none, as on the real server."""
    if not isinstance(value, dict):
        return None
    if min(int(value.get("width", 0)), int(value.get("height", 0)), int(value.get("depth", 0))) <= 0:
        return None
    return {"topLeft": [int(v) for v in value["topLeft"]], "width": int(value["width"]),
            "height": int(value["height"]), "depth": int(value["depth"])}


def _base_annotation_skeleton(api: Api, me: Principal, base: JSON) -> JSON | None:
    """The skeleton content of ``baseAnnotation.baseId``: an annotation id, or a task id with exactly one
    finished annotation (raw key ``task.notOneAnnotation``). None if that annotation has no skeleton."""
    base_id = str(base.get("baseId") or "")
    if not OBJECT_ID.match(base_id):
        raise BadRequest("annotation.notFound")
    annotation = api.store.get(r.Annotation, base_id)
    if annotation is None:
        task = api.store.get(r.Task, base_id)
        if task is None:
            raise BadRequest("annotation.notFound")
        candidates = api.store.select(r.Annotation, f"task_id = ? AND typ = 'Task' AND state IN {r.LIVE_STATES}",
                                      (task.id,), order="id")
        if task.total_instances != 1 or task.pending_instances != 0 or not candidates \
                or candidates[0].state != "Finished":
            raise BadRequest("task.notOneAnnotation")
        annotation = candidates[0]
    owner = api.store.get(r.User, annotation.user_id)
    if owner is None or owner.organization_id != me.organization_id:
        raise BadRequest("annotation.notFound")
    layer = next((layer for layer in annotation.layers if layer["typ"] == "Skeleton"), None)
    tracing = api.store.get(r.Tracing, layer["tracingId"]) if layer else None
    return copy.deepcopy(tracing.content) if tracing else None


def create_task(api: Api, me: Principal, params: JSON, *, base_skeleton: JSON | None = None,
                creation_info: str | None = None, dataset: r.Dataset | None = None) -> r.Task:
    """Validate one ``TaskParameters`` item and store the task (with its base skeleton tracing).

    ``base_skeleton`` is canonical skeleton content (``world.skeletons``) to store as the task's base
    tracing (createFromFiles: the NML's skeleton); otherwise skeleton/hybrid tasks get an empty skeleton
    at the edit position, or a copy of ``baseAnnotation``'s skeleton. ``creation_info`` overrides the
    item's ``creationInfo``; ``dataset`` overrides the lookup of the item's ``dataSet`` name. Raises an
    ``ApiError`` with the real server's raw per-item message; a failed item stores nothing.
    """
    task_type = find_task_type(api, me, str(params.get("taskTypeId") or ""))
    if dataset is None:
        name = str(params.get("dataSet") or "")
        dataset = find_dataset_by_name(api, me, name)
        if dataset is None:
            raise BadRequest(dataset_not_found_text(name))
    project = api.store.one(r.Project, "name = ? AND organization_id = ?",
                            (str(params.get("projectName") or ""), me.organization_id))
    if project is None:
        raise BadRequest("project.notFound")
    script_id = params.get("scriptId")
    if script_id is not None:
        script = api.store.get(r.Script, str(script_id)) if OBJECT_ID.match(str(script_id)) else None
        if script is None:
            raise BadRequest("script.invalid")
    if not me.manages(project.team_id, project.organization_id):
        raise BadRequest("Empty")  # the real server's assertion without a message
    count = instance_count(params)
    if count < 0:
        raise BadRequest("task.create.failed")
    experience = params.get("neededExperience") or {}
    edit_position = [int(v) for v in params.get("editPosition") or [0, 0, 0]]
    edit_rotation = [float(v) for v in params.get("editRotation") or [0, 0, 0]]
    bounding_box = _bounding_box(params.get("boundingBox"))
    now = api.now()

    skeleton: JSON | None = None
    if task_type.tracing_type in ("skeleton", "hybrid"):
        base = params.get("baseAnnotation")
        if base_skeleton is not None:
            skeleton = copy.deepcopy(base_skeleton)
        elif isinstance(base, dict) and base.get("baseId"):
            skeleton = _base_annotation_skeleton(api, me, base)
            if skeleton is not None:
                skeleton.update(editPosition=list(edit_position), editRotation=list(edit_rotation))
        if skeleton is None:
            skeleton = empty_skeleton(edit_position, now)
            skeleton["editRotation"] = list(edit_rotation)
    elif base_skeleton is not None:
        raise BadRequest("taskType.mismatch")

    with api.store.transaction():
        tracing = r.Tracing(api.new_tracing_id(), "Skeleton", skeleton) if skeleton is not None else None
        task = r.Task(
            id=api.new_id(), project_id=project.id, task_type_id=task_type.id, dataset_id=dataset.id,
            needed_experience_domain=str(experience.get("domain", "")).strip(),
            needed_experience_value=int(experience.get("value", 0)),
            total_instances=count, pending_instances=count, edit_position=edit_position,
            edit_rotation=edit_rotation, created=now, script_id=str(script_id) if script_id is not None else None,
            bounding_box=bounding_box,
            creation_info=creation_info if creation_info is not None else params.get("creationInfo"),
            description=params.get("description"), base_tracing_id=tracing.id if tracing else None,
        )
        if tracing is not None:
            api.store.insert(tracing)
        api.store.insert(task)
    return task


def creation_outcome(api: Api, me: Principal, params: JSON, **kwargs: Any) -> Outcome:
    """``create_task`` as an outcome: the new task's JSON, or the ``ApiError`` that failed the item."""
    try:
        task = create_task(api, me, params, **kwargs)
    except ApiError as error:
        return error
    return task_views.task(api.store, task)


def creation_result(outcomes: Sequence[Outcome], warnings: Sequence[str] = ()) -> JSON:
    """The ``TaskCreationResult`` body, in request order. Successes carry ``"error": null`` and failures
    ``"success": null`` (the real server omits the unused key; webknossos-libs 0.14.x needs both)."""
    items: list[JSON] = []
    for outcome in outcomes:
        if isinstance(outcome, ApiError):
            items.append({"status": outcome.status, "success": None, "error": outcome.error})
        else:
            items.append({"status": 200, "success": outcome, "error": None})
    return {"tasks": items, "warnings": list(warnings)}


def team_warnings(api: Api, me: Principal, outcomes: Sequence[Outcome]) -> list[str]:
    """``Project team “T” has no read permission to dataset “D”.`` for each project team of the created
    tasks that is not among the dataset's allowed teams."""
    warnings: list[str] = []
    seen: set[tuple[str, str]] = set()
    for outcome in outcomes:
        if isinstance(outcome, ApiError):
            continue
        project = api.store.get(r.Project, outcome["projectId"])
        dataset = find_dataset_by_name(api, me, outcome["dataSet"])
        if project is None or dataset is None or (project.team_id, dataset.id) in seen:
            continue
        seen.add((project.team_id, dataset.id))
        allowed = api.store.scalars("SELECT team_id FROM dataset_teams WHERE dataset_id = ?", (dataset.id,))
        team = api.store.get(r.Team, project.team_id)
        if project.team_id not in allowed and team is not None:
            warnings.append(f"Project team “{team.name}” has no read permission to dataset “{dataset.name}”.")
    return warnings
