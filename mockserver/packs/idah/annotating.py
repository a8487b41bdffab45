"""Annotation writes shared by the JSON:API routes and the JSON-RPC methods: checks, derived ids, touch cascade.

An annotation belongs to an entry the caller sees; nothing is written on an entry whose status is
``completed``. ``write_shape`` keeps keyed sub-shapes that are merged into ``dimensions`` on read.
"""

from __future__ import annotations

from typing import Any

from mockserver.packs.idah import crud, workflow
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import ValidationFailed
from mockserver.packs.idah.jsonapi import value_of
from mockserver.packs.idah.resources import RESOURCES
from mockserver.packs.idah.visibility import Scope

RESOURCE = RESOURCES["annotations"]
CONTENT = ("dimensions", "annotation", "metadata")


def _open_entry(api: Idah, scope: Scope, entry_id: Any, verb: str) -> r.Entry:
    entry: r.Entry = crud.find(api, "entries", str(entry_id), scope)
    if entry.status == "completed":
        raise ValidationFailed(f"Cannot {verb} annotations on a completed entry", pointer="/entry_id")
    return entry


def _object(value: Any, name: str, *, required: bool) -> dict[str, Any] | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise ValidationFailed("must be a hash" if value is not None else "is missing", pointer=f"/{name}")
    return value


def create(api: Idah, scope: Scope, params: dict[str, Any], annotation_id: str | None = None) -> r.Annotation:
    entry = _open_entry(api, scope, params.get("entry_id"), "create")
    dimensions = _object(params.get("dimensions"), "dimensions", required=True)
    content = _object(params.get("annotation"), "annotation", required=True)
    metadata = _object(params.get("metadata"), "metadata", required=False) or {}
    new_id = str(annotation_id or params.get("id") or api.new_uuid())
    if api.store.get(r.Annotation, new_id) is not None:
        raise ValidationFailed(f"Annotation {new_id} already exists", pointer="/id")
    now = api.now()
    annotation = r.Annotation(new_id, entry.project_id, entry.dataset_id, entry.id, dimensions or {}, content or {},
                              metadata, {}, scope.who.email, now, now)
    with api.store.transaction():
        api.store.insert(annotation)
        workflow.touch_entry(api.store, entry.id, now)
    return annotation


def find(api: Idah, scope: Scope, annotation_id: Any) -> r.Annotation:
    if annotation_id is None:
        raise ValidationFailed("is missing", pointer="/id")
    annotation: r.Annotation = crud.find(api, "annotations", str(annotation_id), scope)
    return annotation


def update(api: Idah, scope: Scope, annotation_id: Any, params: dict[str, Any]) -> r.Annotation:
    """A partial update: only the given ``dimensions``, ``annotation``, ``metadata`` change."""
    annotation = find(api, scope, annotation_id)
    _open_entry(api, scope, annotation.entry_id, "update")
    changes = {name: _object(params[name], name, required=True) for name in CONTENT if name in params}
    now = api.now()
    with api.store.transaction():
        annotation = api.store.update(annotation, **changes, updated_at=now)
        workflow.touch_entry(api.store, annotation.entry_id, now)
    return annotation


def delete(api: Idah, scope: Scope, annotation_id: Any) -> r.Annotation:
    annotation = find(api, scope, annotation_id)
    _open_entry(api, scope, annotation.entry_id, "delete")
    now = api.now()
    with api.store.transaction():
        api.store.delete(r.Annotation, "id = ?", (annotation.id,))
        workflow.touch_entry(api.store, annotation.entry_id, now)
    return annotation


def write_shape(api: Idah, scope: Scope, params: dict[str, Any]) -> r.Annotation:
    """Upsert (or, with ``value`` null, remove) the sub-shape ``key`` of an annotation."""
    key = params.get("key")
    if not isinstance(key, str) or not key:
        raise ValidationFailed("is missing", pointer="/key")
    annotation = find(api, scope, params.get("annotation_id"))
    _open_entry(api, scope, annotation.entry_id, "update")
    shapes = {k: v for k, v in annotation.shapes.items() if k != key}
    if params.get("value") is not None:
        shapes[key] = params["value"]
    now = api.now()
    with api.store.transaction():
        annotation = api.store.update(annotation, shapes=shapes, updated_at=now)
        workflow.touch_entry(api.store, annotation.entry_id, now)
    return annotation


def plain(annotation: r.Annotation) -> dict[str, Any]:
    """The record as a plain object (the JSON-RPC result): ``id`` and the attributes."""
    return {"id": annotation.id, **{name: value_of(RESOURCE, annotation, name) for name in RESOURCE.attributes}}
