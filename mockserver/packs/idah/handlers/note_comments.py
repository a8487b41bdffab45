"""``/note_comments``: replies in a note feed (created with the ``note_feed`` relationship)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES

NAME = "note_comments"
RESOURCE = RESOURCES[NAME]


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    data = crud.data_of(RESOURCE, body)
    attributes = crud.attributes_of(RESOURCE, data, update=False)
    feed_id = crud.linked_id(data, "note_feed") or attributes.get("note_feed_id")
    if not feed_id:
        raise ValidationFailed("is missing", pointer="/data/relationships/note_feed")
    scope = api.scope()
    feed: r.NoteFeed = crud.find(api, "note_feeds", str(feed_id), scope)
    if not attributes.get("content_md"):
        raise ValidationFailed("must be filled", pointer="/data/attributes/content_md")
    now = api.now()
    comment = r.NoteComment(crud.new_id(api, RESOURCE, data), feed.id, str(attributes["content_md"]),
                            scope.who.email, now, now, None)
    with api.store.transaction():
        api.store.insert(comment)
        api.store.update(feed, updated_at=now)
    return crud.shown(api, NAME, comment, 201)


def _authored(api: Idah, resource_id: str) -> r.NoteComment:
    scope = api.scope()
    comment: r.NoteComment = crud.find(api, NAME, resource_id, scope)
    if comment.created_by_email != scope.who.email:
        raise Unauthorized("Only the author can change a comment")
    return comment


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    comment = _authored(api, resource_id)
    attributes = crud.changes_of(RESOURCE, body)
    now = api.now()
    with api.store.transaction():
        comment = api.store.update(comment, **attributes, edited_at=now, updated_at=now)
    return crud.shown(api, NAME, comment)


def delete(api: Idah, resource_id: str) -> Response:
    comment = _authored(api, resource_id)
    with api.store.transaction():
        api.store.delete(r.NoteComment, "id = ?", (comment.id,))
    return jsonapi.no_content()
