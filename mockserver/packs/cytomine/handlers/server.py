"""``/server/ping`` and the admin session routes (at the root, without ``/api``)."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import Forbidden
from mockserver.responses import json_response

VERSION = "4.0.0"
"""The core version the mock reports (the Spring generation whose shapes it serves)."""


def _ping(cy: Cytomine) -> Response:
    return json_response({"alive": True, "version": VERSION, "serverURL": cy.base_url, "serverID": "mockserver"})


async def ping(cy: Cytomine) -> Response:
    return _ping(cy)


async def heartbeat(cy: Cytomine) -> Response:
    return _ping(cy)


def _admin(cy: Cytomine, user: str | None) -> Response:
    me = cy.me(user)
    if not me.admin:
        raise Forbidden("You must be a superadmin to open an admin session")
    return json_response(views.user(cy, me, me))


async def open_admin_session(cy: Cytomine, user: str | None = None) -> Response:
    return _admin(cy, user)


async def close_admin_session(cy: Cytomine, user: str | None = None) -> Response:
    return _admin(cy, user)
