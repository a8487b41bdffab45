"""``/api/project-switch``: multi-session mode only; a single-project server has no session user."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, query_args
from mockserver.packs.labelstudio.errors import Crash, TextError


async def switch_project(ls: LabelStudio, uuid: str | None = None) -> Response:
    """No ``uuid``: 400 ``Not a valid UUID`` (text in ``text/html``); any uuid: the 500 envelope of the missing
    session user (``'_AppCtxGlobals' object has no attribute 'user'``)."""
    if uuid is None:
        raise TextError("Not a valid UUID", status=400)
    raise Crash("'_AppCtxGlobals' object has no attribute 'user'", query_args(), "AttributeError")


async def switch_project_form(ls: LabelStudio, uuid: str | None = None) -> Response:
    return await switch_project(ls, uuid)
