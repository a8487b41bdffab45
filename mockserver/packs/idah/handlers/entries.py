"""``/entries`` and the workflow events: select, assign, unassign, submit, error (``workflow.py``).

Owners create, change and delete entries and assign them; whoever sees an entry may select it; the assignee
(or an owner) submits it. Every change rolls the dataset's counters up.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi, workflow
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES
from mockserver.packs.idah.visibility import Scope

NAME = "entries"
RESOURCE = RESOURCES[NAME]
OWNERS_ONLY = "Only the project owners can change entries"


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    """The entry starts at ``start``; the media job is done at once, so it is submitted to ``annotate`` (pending)."""
    data = crud.data_of(RESOURCE, body)
    attributes = crud.attributes_of(RESOURCE, data, update=False)
    scope = api.scope()
    dataset_id = crud.linked_id(data, "dataset") or attributes.get("dataset_id")
    if not dataset_id:
        raise ValidationFailed("is missing", pointer="/data/relationships/dataset")
    dataset: r.Dataset = crud.find(api, "datasets", str(dataset_id), scope)
    if not scope.owns_id(dataset.project_id):
        raise Unauthorized(OWNERS_ONLY)
    resource = attributes.get("resource")
    if not resource:
        raise ValidationFailed("is missing", pointer="/data/attributes/resource")
    if api.store.count(r.Entry, "dataset_id = ? AND resource = ?", (dataset.id, resource)):
        raise ValidationFailed(f"Entry with resource {resource} already exists", pointer="/data/attributes/resource")
    now = api.now()
    entry = r.Entry(crud.new_id(api, RESOURCE, data), dataset.project_id, dataset.id, attributes.get("name"),
                    int(attributes.get("priority") or 0), "annotate", "pending", None, resource, None, None, None,
                    None, None, None, now, now)
    with api.store.transaction():
        api.store.insert(entry)
        workflow.roll_up_added(api.store, dataset.id, now)
    return crud.shown(api, NAME, entry, 201)


def owned(api: Idah, resource_id: str, scope: Scope | None = None) -> r.Entry:
    scope = scope or api.scope()
    entry: r.Entry = crud.find(api, NAME, resource_id, scope)
    if not scope.owns_id(entry.project_id):
        raise Unauthorized(OWNERS_ONLY)
    return entry


def changed(api: Idah, entry: r.Entry, changes: dict[str, Any]) -> Response:
    """Apply ``changes`` (with a fresh ``updated_at``), roll the dataset up and answer the entry."""
    now = api.now()
    with api.store.transaction():
        entry = api.store.update(entry, **changes, updated_at=now)
        workflow.roll_up(api.store, entry.dataset_id, now)
    return crud.shown(api, NAME, entry)


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    entry = owned(api, resource_id)
    return changed(api, entry, crud.changes_of(RESOURCE, body))


def delete(api: Idah, resource_id: str) -> Response:
    entry = owned(api, resource_id)
    if entry.status in ("in_progress", "completed"):
        raise Unauthorized("Unable to delete in progress or completed entry")
    now = api.now()
    with api.store.transaction():
        api.store.execute("DELETE FROM note_comments WHERE note_feed_id IN "
                          "(SELECT id FROM note_feeds WHERE entry_id = ?)", (entry.id,))
        api.store.delete(r.NoteFeed, "entry_id = ?", (entry.id,))
        api.store.delete(r.Annotation, "entry_id = ?", (entry.id,))
        api.store.delete(r.Entry, "id = ?", (entry.id,))
        workflow.roll_up(api.store, entry.dataset_id, now)
    return jsonapi.no_content()


def _attributes(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    return attributes if isinstance(attributes, dict) else {}


def assign(api: Idah, id_: str, body: dict[str, Any]) -> Response:
    entry = owned(api, id_)
    account_id = _attributes(body).get("assigned_to_id")
    if not isinstance(account_id, int):
        raise ValidationFailed("is missing", pointer="/data/attributes/assigned_to_id")
    return changed(api, entry, workflow.assign(api.store, entry, account_id))


def unassign(api: Idah, id_: str) -> Response:
    entry = owned(api, id_)
    return changed(api, entry, workflow.unassign(entry))


def select(api: Idah, id_: str) -> Response:
    entry: r.Entry = crud.find(api, NAME, id_)
    who = api.principal()
    changes = workflow.select(entry, who.account_id, who.email)
    return changed(api, entry, changes) if changes else crud.shown(api, NAME, entry)


def submit(api: Idah, id_: str, body: dict[str, Any] | None = None) -> Response:
    """``approved`` is read at the review step only (the frontend sends ``false`` at every step)."""
    scope = api.scope()
    entry: r.Entry = crud.find(api, NAME, id_, scope)
    approved = _attributes(body).get("approved")
    changes = workflow.submit(api.store, entry, scope.who.account_id, scope.who.email,
                              approved if isinstance(approved, bool) else None, api.backend.settings.seed,
                              owner=scope.owns_id(entry.project_id))
    return changed(api, entry, changes)


def error(api: Idah, id_: str, body: dict[str, Any] | None = None) -> Response:
    scope = api.scope()
    entry: r.Entry = crud.find(api, NAME, id_, scope)
    if entry.assigned_to_id != scope.who.account_id and not scope.owns_id(entry.project_id):
        raise Unauthorized(workflow.NOT_ASSIGNED)
    return changed(api, entry, workflow.error(entry))
