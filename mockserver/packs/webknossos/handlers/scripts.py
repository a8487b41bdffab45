"""``/scripts``: reading the user scripts of the requester's organization (reference §7.11)."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.errors import NotFound
from mockserver.packs.webknossos.handlers.common import require_object_id
from mockserver.packs.webknossos.views import tasks as views
from mockserver.responses import json_response

SCRIPT_NOT_FOUND = "Script could not be found"
ORGANIZATION_SCRIPTS = "owner_id IN (SELECT id FROM users WHERE organization_id = ?)"


async def list_scripts(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    records = api.store.select(r.Script, ORGANIZATION_SCRIPTS, (me.organization_id,), order="id")
    return json_response([views.script(api.store, s) for s in records])


async def read_script(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    require_object_id(id_, "The provided script id is invalid.")
    record = api.store.one(r.Script, f"id = ? AND {ORGANIZATION_SCRIPTS}", (id_, me.organization_id))
    if record is None:
        raise NotFound(SCRIPT_NOT_FOUND)
    return json_response(views.script(api.store, record))
