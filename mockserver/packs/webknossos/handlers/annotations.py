"""``/annotations``: info, finish, reopen, reset, cancel, edit, duplicate, merge, the readable list.

Download and upload live in ``downloads`` and ``uploads`` and are re-exported here (their operationIds name
this module). The typed routes the real server overrides for legacy versions (info, finish, merge,
duplicate, reopen, reset and the edit body) go through ``api.adapter``; the type-less info, the
readable list and cancel answer latest shapes in every version. Lifecycle rules: reference §8.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.compound import (
    CANCELLED,
    COMPOUND_TYPES,
    build_compound,
    compound_json,
    find_annotation,
    may_manage,
    resolve_compound,
)
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import page_window
from mockserver.packs.webknossos.handlers.downloads import download_annotation, download_by_id
from mockserver.packs.webknossos.handlers.uploads import upload_annotations
from mockserver.packs.webknossos.tracing_merge import copy_layers, merge_layers
from mockserver.packs.webknossos.views import annotations as views
from mockserver.packs.webknossos.world.skeletons import empty_skeleton, volume_content
from mockserver.responses import json_response, messages, paged_response, with_messages

__all__ = [
    "cancel_annotation",
    "download_annotation",
    "download_by_id",
    "duplicate_annotation",
    "edit_annotation",
    "finish_annotation",
    "finish_many",
    "list_readable",
    "merge_annotations",
    "read_info",
    "read_info_by_id",
    "reopen_annotation",
    "reset_annotation",
    "upload_annotations",
]

REOPEN_WINDOW_MS = (30 + 10) * 1000
"""``features.taskReopenAllowedInSeconds`` (default 30 s) plus the server's 10 s slack."""

FINISH_FAILED = "Finishing the annotation failed"
NOT_ACTIVE = "The annotation is not active and cannot be finished"
NOT_POSSIBLE = "Could not access annotation"
REOPEN_FAILED = "Failed to reopen the annotation."
REOPEN_NOT_ALLOWED = "You are not allowed to reopen this annotation."
REOPEN_TOO_LATE = "The annotation cannot be reopened anymore, since it has been finished for too long."
REOPEN_NOT_FINISHED = "The requested annotation is not finished."
RESET_FAILED = "Could not reset tracing to base"
RESET_TASKS_ONLY = "Reverting an annotation is only implemented for tasks"
MERGE_FAILED = "Merging failed"
MERGE_DATASETS = "Cannot merge annotations of different datasets"


def _full(api: Api, record: r.Annotation, viewer: Principal | None) -> dict[str, Any]:
    return views.annotation(api.store, record, viewer)


def _finish_message(record: r.Annotation) -> str:
    return "Task is finished" if record.task_id else "Annotation is archived"


def _source(api: Api, me: Principal, typ: str, id_: str) -> r.Annotation:
    """A stored annotation or a freshly built compound one (for merge and duplicate)."""
    if typ in COMPOUND_TYPES:
        return build_compound(api, me, typ, id_)[0]
    return find_annotation(api.store, me, id_)


# info --------------------------------------------------------------------------------------------


def _info(api: Api, typ: str | None, id_: str, user: str | None) -> dict[str, Any]:
    viewer = api.principal(user)
    if typ in COMPOUND_TYPES:
        assert typ is not None
        record, target = build_compound(api, viewer, typ, id_)
        assert viewer is not None
        return compound_json(api, viewer, record, target)
    record = find_annotation(api.store, viewer, id_)
    if record.state == "Cancelled":
        raise BadRequest(CANCELLED)
    return _full(api, record, viewer)


async def read_info(api: Api, typ: str, id_: str, user: str | None = None, timestamp: int | None = None) -> Response:
    return json_response(api.adapter.annotation(_info(api, typ, id_, user)))


async def read_info_by_id(api: Api, id_: str, user: str | None = None, timestamp: int | None = None) -> Response:
    return json_response(_info(api, None, id_, user))


# finish ------------------------------------------------------------------------------------------


def _finish(api: Api, me: Principal, record: r.Annotation) -> r.Annotation:
    """Active → Finished (owner or manager); an already finished annotation stays as it is."""
    if me.id != record.user_id and not views.is_manager_of_annotation(api.store, record, me):
        raise BadRequest(FINISH_FAILED, chain=NOT_POSSIBLE)
    if record.state == "Finished":
        return record
    if record.state != "Active":
        raise BadRequest(FINISH_FAILED, chain=NOT_ACTIVE)
    return api.store.update(record, state="Finished", modified=api.now())


async def finish_annotation(api: Api, typ: str, id_: str, user: str | None = None,
                            timestamp: int | None = None) -> Response:
    me = api.require(user)
    if typ in COMPOUND_TYPES:
        build_compound(api, me, typ, id_)
        raise BadRequest(FINISH_FAILED, chain=NOT_POSSIBLE)
    with api.store.transaction():
        record = _finish(api, me, find_annotation(api.store, me, id_))
    data = api.adapter.annotation(_full(api, record, me))
    return json_response(with_messages(data, _finish_message(record)))


async def finish_many(api: Api, typ: str, body: dict[str, Any], user: str | None = None,
                      timestamp: int | None = None) -> Response:
    """All-or-nothing: the first failure aborts and nothing changes."""
    me = api.require(user)
    with api.store.transaction():
        for annotation_id in body.get("annotations", []):
            _finish(api, me, find_annotation(api.store, me, str(annotation_id)))
    return json_response(messages("All annotations are archived"))


# reopen, reset, cancel ---------------------------------------------------------------------------


async def reopen_annotation(api: Api, typ: str, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    if typ in COMPOUND_TYPES:
        build_compound(api, me, typ, id_)
        raise BadRequest(REOPEN_FAILED, chain=REOPEN_NOT_FINISHED)
    with api.store.transaction():
        record = find_annotation(api.store, me, id_)
        if record.state != "Finished":
            raise BadRequest(REOPEN_FAILED, chain=REOPEN_NOT_FINISHED)
        now = api.now()
        if not views.is_manager_of_annotation(api.store, record, me):
            if me.id != record.user_id:
                raise BadRequest(REOPEN_FAILED, chain=REOPEN_NOT_ALLOWED)
            if now - record.modified > REOPEN_WINDOW_MS:
                raise BadRequest(REOPEN_FAILED, chain=REOPEN_TOO_LATE)
        record = api.store.update(record, state="Active", modified=now)
    data = api.adapter.annotation(_full(api, record, me))
    return json_response(with_messages(data, "Annotation was reopened"))


def _base_layers(api: Api, record: r.Annotation) -> tuple[list[r.Tracing], list[dict[str, Any]]]:
    """Fresh tracings for the layers of a task annotation: the task's base skeleton (else an empty one
    at the task's position) and empty volumes with the same fallback layer."""
    task = api.store.get(r.Task, record.task_id) if record.task_id else None
    base = api.store.get(r.Tracing, task.base_tracing_id) if task and task.base_tracing_id else None
    now = api.now()
    tracings, layers = [], []
    for layer in record.layers:
        old = api.store.get(r.Tracing, layer["tracingId"])
        if layer["typ"] == "Skeleton":
            if base is not None and base.typ == "Skeleton":
                content = dict(base.content)
            else:
                content = empty_skeleton(task.edit_position if task else [0, 0, 0], now)
                if task:
                    content["editRotation"] = [float(v) for v in task.edit_rotation]
        else:
            previous = old.content if old else {}
            content = volume_content(previous.get("fallbackLayer"), previous.get("largestSegmentId"))
        tracing = r.Tracing(api.new_tracing_id(), layer["typ"], content)
        tracings.append(tracing)
        layers.append({**layer, "tracingId": tracing.id})
    return tracings, layers


async def reset_annotation(api: Api, typ: str, id_: str, user: str | None = None) -> Response:
    """Task annotations only, team managers of the task's team (or of the owner) and admins only."""
    me = api.require(user)
    if typ in COMPOUND_TYPES:
        _, target = build_compound(api, me, typ, id_)
        if not may_manage(me, target):
            raise NotFound()
        raise BadRequest(RESET_FAILED, chain=RESET_TASKS_ONLY)
    with api.store.transaction():
        record = find_annotation(api.store, me, id_)
        if not views.is_manager_of_annotation(api.store, record, me):
            raise NotFound()
        if record.typ != "Task":
            raise BadRequest(RESET_FAILED, chain=RESET_TASKS_ONLY)
        tracings, layers = _base_layers(api, record)
        old_ids = [layer["tracingId"] for layer in record.layers]
        api.store.insert(*tracings)
        record = api.store.update(record, layers=layers, modified=api.now())
        if old_ids:
            api.store.delete(r.Tracing, f"id IN ({', '.join('?' for _ in old_ids)})", old_ids)
    data = api.adapter.annotation(_full(api, record, me))
    return json_response(with_messages(data, "Annotation was successfully reset"))


async def cancel_annotation(api: Api, typ: str, id_: str, user: str | None = None) -> Response:
    """Task → Cancelled and its instance back to the task (pending + 1); explorationals stay unchanged."""
    me = api.require(user)
    if typ in COMPOUND_TYPES:
        target = resolve_compound(api.store, me, typ, id_)
        if not may_manage(me, target):
            raise NotFound()
        return json_response(messages("Annotation is archived"))
    with api.store.transaction():
        record = find_annotation(api.store, me, id_)
        if not views.is_manager_of_annotation(api.store, record, me):
            raise NotFound()
        if record.typ != "Task":
            return json_response(messages("Annotation is archived"))
        if record.state != "Cancelled":
            api.store.update(record, state="Cancelled")
            task = api.store.get(r.Task, record.task_id) if record.task_id else None
            if task is not None:
                api.store.update(task, pending_instances=task.pending_instances + 1)
    return json_response(messages("Task is finished"))


# edit --------------------------------------------------------------------------------------------

_EDIT_FIELDS = {"name": "name", "description": "description", "visibility": "visibility", "tags": "tags",
                "viewConfiguration": "view_configuration"}


async def edit_annotation(api: Api, typ: str, id_: str, body: dict[str, Any], user: str | None = None) -> Response:
    """Name, description, visibility (Private also clears the shared teams), tags, view configuration."""
    me = api.require(user)
    if typ in COMPOUND_TYPES:
        build_compound(api, me, typ, id_)
        raise Forbidden()
    body = api.adapter.annotation_edit(body)
    with api.store.transaction():
        record = find_annotation(api.store, me, id_)
        if not views.restrictions(api.store, record, me)["allowUpdate"]:
            raise Forbidden()
        changes: dict[str, Any] = {column: body[key] for key, column in _EDIT_FIELDS.items() if key in body}
        if "tags" in changes:
            changes["tags"] = list(dict.fromkeys(str(t) for t in changes["tags"]))
        api.store.update(record, **changes, modified=api.now())
        if changes.get("visibility") == "Private":
            api.store.delete(r.AnnotationTeam, "annotation_id = ?", (record.id,))
    return json_response(messages("Successfully updated annotation"))


# duplicate, merge --------------------------------------------------------------------------------


def _usable_dataset(api: Api, dataset_id: str) -> r.Dataset:
    dataset = api.store.get(r.Dataset, dataset_id)
    if dataset is None:
        raise NotFound("The Dataset for this annotation does not exist or could not be accessed.")
    if not dataset.is_active:
        raise BadRequest(f"Dataset {dataset.name} is not imported")
    return dataset


async def duplicate_annotation(api: Api, typ: str, id_: str, user: str | None = None) -> Response:
    """A new Active explorational of the requester with copies of all layers (same name and description)."""
    me = api.require(user)
    source = _source(api, me, typ, id_)
    dataset = _usable_dataset(api, source.dataset_id)
    with api.store.transaction():
        tracings, layers = copy_layers(api.store, source.layers, api.new_tracing_id)
        now = api.now()
        record = r.Annotation(id=api.new_id(), typ="Explorational", state="Active", user_id=me.id,
                              dataset_id=dataset.id, layers=layers, created=now, modified=now,
                              name=source.name if source.typ in ("Task", "Explorational") else "",
                              description=source.description)
        api.store.insert(*tracings, record)
    return json_response(api.adapter.annotation(_full(api, record, me)))


async def merge_annotations(api: Api, typ: str, id_: str, merged_typ: str, merged_id: str,
                            user: str | None = None) -> Response:
    """A new explorational of the requester on the second annotation's dataset with the merged layers."""
    me = api.require(user)
    first = _source(api, me, typ, id_)
    second = _source(api, me, merged_typ, merged_id)
    if first.dataset_id != second.dataset_id:
        raise BadRequest(MERGE_FAILED, chain=MERGE_DATASETS)
    dataset = _usable_dataset(api, second.dataset_id)
    with api.store.transaction():
        tracings, layers = [], []
        for content, layer_typ, name in merge_layers(api.store, [first.layers, second.layers]):
            tracing = r.Tracing(api.new_tracing_id(), layer_typ, content)
            tracings.append(tracing)
            layers.append({"tracingId": tracing.id, "typ": layer_typ, "name": name})
        now = api.now()
        record = r.Annotation(id=api.new_id(), typ="Explorational", state="Active", user_id=me.id,
                              dataset_id=dataset.id, layers=layers, created=now, modified=now)
        api.store.insert(*tracings, record)
    data = api.adapter.annotation(_full(api, record, me))
    return json_response(with_messages(data, "Merging successfully done"))


# readable list -----------------------------------------------------------------------------------



async def list_readable(api: Api, user: str | None = None, is_finished: bool | None = None, limit: int | None = None,
                        page_number: int | None = None, include_total_count: bool | None = None) -> Response:
    """Explorationals of others that the requester may read and that are shared with one of their teams
    or Public/Internal in their organization; newest first, paged like the user lists."""
    me = api.require(user)
    teams = sorted(me.teams)
    marks = ", ".join("?" for _ in teams) or "NULL"
    where = (f"typ = 'Explorational' AND {r.STATE_FILTERS[is_finished]} AND user_id != ? "
             "AND user_id IN (SELECT id FROM users WHERE organization_id = ?) "
             f"AND (visibility IN ('Public', 'Internal') OR id IN "
             f"(SELECT annotation_id FROM annotation_teams WHERE team_id IN ({marks})))")
    candidates = api.store.select(r.Annotation, where, (me.id, me.organization_id, *teams), order="id DESC")
    readable = [a for a in candidates if views.may_read(api.store, a, me)]
    size, offset = page_window(limit, page_number)
    page = readable[offset:] if size is None else readable[offset:offset + size]
    total = len(readable) if include_total_count else None
    return paged_response([views.annotation_compact(api.store, a) for a in page], total)
