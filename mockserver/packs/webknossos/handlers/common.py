"""Checks shared by handlers: id formats, paging."""

from __future__ import annotations

import re

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.views import users as user_views

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
DEFAULT_LIST_LIMIT = 1000


def require_object_id(value: str, error: str) -> str:
    """400 with the real server's chain message when ``value`` is not a 24-hex id."""
    if not OBJECT_ID.match(value):
        raise BadRequest(error, chain=f"The passed resource id ‘{value}’ is invalid")
    return value


def page_window(limit: int | None, page_number: int | None, default_limit: int | None = DEFAULT_LIST_LIMIT
                ) -> tuple[int | None, int]:
    """``(limit, offset)`` of a paged list: offset = limit × pageNumber."""
    size = default_limit if limit is None else limit
    page = page_number or 0
    return size, (size or 0) * page


def find_user(api: Api, me: Principal, user_id: str, *, write: bool = False) -> r.User:
    """A user the requester may see: 400 for a malformed id, 404 unknown, 403 not administrable."""
    require_object_id(user_id, "The provided user id is invalid.")
    record = api.store.get(r.User, user_id)
    if record is None or not me.in_organization(record.organization_id):
        raise NotFound("User not found")
    if write or record.id != me.id:
        teams = [t["id"] for t in user_views.memberships(api.store, record.id)]
        if not user_views.may_edit_user(me, record, teams):
            raise Forbidden()
    return record
