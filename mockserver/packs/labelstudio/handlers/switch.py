"""``/api/project-switch``: multi-session mode only; a single-project server has no session user."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.labelstudio import sessions
from mockserver.packs.labelstudio.api import LabelStudio, query_args, redirect
from mockserver.packs.labelstudio.errors import Crash, TextError
from mockserver.packs.labelstudio.handlers.project import read_project


async def switch_project(ls: LabelStudio, uuid: str | None = None) -> Response:
    """No ``uuid``: 400 ``Not a valid UUID`` (text in ``text/html``). Multi-session mode: the session works on that
    project from its next request on (any text is taken; one nobody made poisons the session) and the answer is a
    302 to ``/setup``. A single-project server: the 500 envelope of the missing session user."""
    return await _switch(ls, uuid, form=False)


async def switch_project_form(ls: LabelStudio, uuid: str | None = None) -> Response:
    """As ``GET``, but 200 with the project the session had *before* the switch, whose ``multi_session_mode`` is
    right for once (true in multi-session mode)."""
    return await _switch(ls, uuid, form=True)


async def _switch(ls: LabelStudio, uuid: str | None, *, form: bool) -> Response:
    if uuid is None:
        raise TextError("Not a valid UUID", status=400)
    if not ls.multi_session:
        raise Crash("'_AppCtxGlobals' object has no attribute 'user'", query_args(), "AttributeError")
    sessions.switch(ls.store, ls.session_token, uuid)
    if form:
        return await read_project(ls, says_multi_session=True)
    return redirect("/setup")
