"""``/note_feeds``: review threads on an entry (or one of its annotations); ``POST /note_feeds/{id}/resolve``.

A feed is only opened on an entry at ``annotate`` or ``review`` whose status is ``in_progress``.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi, workflow
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES

NAME = "note_feeds"
RESOURCE = RESOURCES[NAME]
ANCHORS = ("entry", "annotation")


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def _required(attributes: dict[str, Any], name: str) -> Any:
    value = attributes.get(name)
    if value in (None, ""):
        raise ValidationFailed("must be filled" if name == "content_md" else "is missing",
                               pointer=f"/data/attributes/{name}")
    return value


def create(api: Idah, body: dict[str, Any]) -> Response:
    data = crud.data_of(RESOURCE, body)
    attributes = data.get("attributes") or {}
    scope = api.scope()
    entry: r.Entry = crud.find(api, "entries", str(_required(attributes, "entry_id")), scope)
    anchor = _required(attributes, "anchor_type")
    if anchor not in ANCHORS:
        raise ValidationFailed(f"must be one of: {', '.join(ANCHORS)}", pointer="/data/attributes/anchor_type")
    content = _required(attributes, "content_md")
    annotation_id = attributes.get("annotation_id")
    if anchor == "annotation":
        annotation = crud.find(api, "annotations", str(_required(attributes, "annotation_id")), scope)
        annotation_id = annotation.id
    if entry.wf_step not in ("annotate", "review") or entry.status != "in_progress":
        raise ValidationFailed(f"Cannot add note feed to entry in current step ({entry.wf_step}, {entry.status})")
    now = api.now()
    feed = r.NoteFeed(crud.new_id(api, RESOURCE, data), entry.project_id, entry.dataset_id, entry.id,
                      annotation_id if anchor == "annotation" else None, scope.who.email, anchor,
                      attributes.get("position"), "pending", str(content), now, now, None)
    with api.store.transaction():
        api.store.insert(feed)
        workflow.touch_entry(api.store, entry.id, now)
    return crud.shown(api, NAME, feed, 201)


def _writable(api: Idah, resource_id: str) -> r.NoteFeed:
    scope = api.scope()
    feed: r.NoteFeed = crud.find(api, NAME, resource_id, scope)
    if feed.created_by_email != scope.who.email and not scope.owns_id(feed.project_id):
        raise Unauthorized("Only the author or a project owner can change a note")
    return feed


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    """A change sets ``edited_at``."""
    feed = _writable(api, resource_id)
    attributes = crud.changes_of(RESOURCE, body)
    now = api.now()
    with api.store.transaction():
        feed = api.store.update(feed, **attributes, edited_at=now, updated_at=now)
    return crud.shown(api, NAME, feed)


def resolve(api: Idah, id_: str, body: dict[str, Any] | None = None) -> Response:
    feed: r.NoteFeed = crud.find(api, NAME, id_)
    now = api.now()
    with api.store.transaction():
        feed = api.store.update(feed, status="resolved", updated_at=now)
        workflow.touch_entry(api.store, feed.entry_id, now)
    return crud.shown(api, NAME, feed)


def delete(api: Idah, resource_id: str) -> Response:
    feed = _writable(api, resource_id)
    with api.store.transaction():
        api.store.delete(r.NoteComment, "note_feed_id = ?", (feed.id,))
        api.store.delete(r.NoteFeed, "id = ?", (feed.id,))
    return jsonapi.no_content()
