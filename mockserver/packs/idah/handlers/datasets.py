"""``/datasets`` (a project's batches) and ``POST /datasets/{id}/duplicate``; owners write, counters roll up."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi, workflow
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.handlers.projects import delete_dataset_rows
from mockserver.packs.idah.resources import RESOURCES

NAME = "datasets"
RESOURCE = RESOURCES[NAME]
OWNERS_ONLY = "Only the project owners can change datasets"


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    data, attributes, project = crud.owned_create(api, RESOURCE, body, OWNERS_ONLY)
    for required in ("name", "modality"):
        if not attributes.get(required):
            raise ValidationFailed("is missing", pointer=f"/data/attributes/{required}")
    now = api.now()
    dataset = r.Dataset(crud.new_id(api, RESOURCE, data), project.id, attributes["name"],
                        attributes.get("labels") or [], attributes["modality"],
                        attributes.get("labeling_configuration") or {}, attributes.get("workflow_configuration") or {},
                        "pending", 0.0, 0, 0, 0, now, now)
    with api.store.transaction():
        api.store.insert(dataset)
        workflow.touch_project(api.store, project.id, now)
    return crud.shown(api, NAME, dataset, 201)


def owned(api: Idah, resource_id: str) -> r.Dataset:
    scope = api.scope()
    dataset: r.Dataset = crud.find(api, NAME, resource_id, scope)
    if not scope.owns_id(dataset.project_id):
        raise Unauthorized(OWNERS_ONLY)
    return dataset


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    dataset = owned(api, resource_id)
    attributes = crud.changes_of(RESOURCE, body)
    now = api.now()
    with api.store.transaction():
        dataset = api.store.update(dataset, **attributes, updated_at=now)
        workflow.touch_project(api.store, dataset.project_id, now)
    return crud.shown(api, NAME, dataset)


def delete(api: Idah, resource_id: str) -> Response:
    dataset = owned(api, resource_id)
    if dataset.status in ("in_progress", "completed"):
        raise Unauthorized("Unable to delete in progress or completed dataset")
    with api.store.transaction():
        delete_dataset_rows(api, dataset.id)
        workflow.touch_project(api.store, dataset.project_id, api.now())
    return jsonapi.no_content()


def duplicate(api: Idah, id_: str, body: dict[str, Any] | None = None) -> Response:
    """A copy of the dataset with (some of) its entries back at ``annotate``/``pending``, unassigned; labels and
    annotations copied on request. The service copies in a background job; the mock copies at once."""
    source = owned(api, id_)
    options = body or {}
    now = api.now()
    copy = dataclasses.replace(source, id=api.new_uuid(), name=options.get("dataset_name") or f"{source.name} (copy)",
                               labels=source.labels if options.get("with_labels") else [], status="pending",
                               progress=0.0, entries_total_count=0, entries_completed_count=0,
                               entries_in_progress_count=0, created_at=now, updated_at=now)
    wanted = options.get("entry_ids")
    entries = [e for e in api.store.select(r.Entry, "dataset_id = ?", (source.id,), order="id")
               if wanted is None or e.id in wanted]
    with api.store.transaction():
        api.store.insert(copy)
        for entry in entries:
            _copy_entry(api, entry, copy.id, bool(options.get("with_annotations")), now)
        workflow.roll_up(api.store, copy.id, now)
    stored = api.store.get(r.Dataset, copy.id)
    return crud.shown(api, NAME, stored, 201)


def _copy_entry(api: Idah, entry: r.Entry, dataset_id: str, with_annotations: bool, now: int) -> None:
    fresh = dataclasses.replace(entry, id=api.new_uuid(), dataset_id=dataset_id, wf_step="annotate", status="pending",
                                assigned_to_id=None, submitted_by_id=None, reviewed_by_id=None,
                                assigned_to_email=None, submitted_by_email=None, reviewed_by_email=None,
                                created_at=now, updated_at=now)
    api.store.insert(fresh)
    if with_annotations:
        for annotation in api.store.select(r.Annotation, "entry_id = ?", (entry.id,), order="id"):
            api.store.insert(dataclasses.replace(annotation, id=api.new_uuid(), dataset_id=dataset_id,
                                                 entry_id=fresh.id, created_at=now, updated_at=now))
