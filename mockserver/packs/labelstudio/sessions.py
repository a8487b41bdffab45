"""Multi-session mode (``serve --mode multi-session``, the real ``label-studio start-multi-session``): a project per
browser session.

The real server keeps the session in a signed Flask cookie (a user UUID, the current project's UUID, the projects
of other users it switched to). The mock keeps the same in the store (``Session``) and sends a random token as the
``session`` cookie. Before every request but the static files, as the real ``before_request`` does:

- no cookie, or one the mock did not give (the real server ignores a cookie whose signature fails): a new session
  with a new user and project, and ``Set-Cookie``;
- a current project the session switched to from another user: that user's project; if there is none, every
  request of the session fails (API routes: the 500 envelope ``No such shared project found: project_uuid = …``;
  pages: an error page, 200) until the client drops the cookie;
- otherwise the session user's project of that UUID, made on first use from the recipe (as the real server makes
  each new project from its start arguments).

The request then carries the project's number (``PROJECT_KEY``) and the session token (``SESSION_KEY``).
"""

from __future__ import annotations

import html
import secrets
import uuid
from urllib.parse import parse_qsl

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.backend import Backend
from mockserver.journal import ADMIN_PREFIX
from mockserver.packs.labelstudio import world
from mockserver.packs.labelstudio.errors import HTML, Crash
from mockserver.packs.labelstudio.records import NewProjects, Project, Session
from mockserver.store import Store

MULTI_SESSION = "multi-session"
PROJECT_KEY = "mockserver.labelstudio.project"
SESSION_KEY = "mockserver.labelstudio.session"
COOKIE = "session"
ERROR_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>Label Studio</title>\n</head>\n<body>\n"
              "  <h1>Project loading error</h1>\n  <pre>{error}</pre>\n</body>\n</html>\n")
"""The real server renders its page template with the error (``includes/error.html``); a stand-in here."""


class SharedProjectGone(Exception):
    """The session's current project was switched to from another user and does not exist."""


def new_session(store: Store) -> Session:
    session = Session(secrets.token_urlsafe(24), str(uuid.uuid4()), str(uuid.uuid4()), [])
    store.insert(session)
    return session


def new_project(store: Store, backend: Backend, owner: str, project_uuid: str) -> Project:
    """A project of ``owner`` made as the real server makes one (the description of the last ``new=1``)."""
    defaults = store.get(NewProjects, 1)
    description = defaults.description if defaults is not None else None
    return world.session_project(store, backend.world, owner, project_uuid, description)


def owner_of(store: Store, project_uuid: str) -> str | None:
    """``Project.get_user_by_project``: the user whose directory holds that project, or None."""
    found = store.lookup(Project, "uuid = ?", (project_uuid,))
    return found.owner if found is not None else None


def project_of(store: Store, backend: Backend, session: Session) -> Project:
    """``project_get_or_create``: the session's current project (made on first use)."""
    owner = session.user
    if session.project in session.shared:
        owner = owner_of(store, session.project) or ""
        if not owner:
            raise SharedProjectGone(f"No such shared project found: project_uuid = {session.project}")
    found = store.lookup(Project, "owner = ? AND uuid = ?", (owner, session.project))
    return found if found is not None else new_project(store, backend, owner, session.project)


class SessionMiddleware:
    """Gives every request its session's project (see the module); a new session gets the ``session`` cookie."""

    def __init__(self, app: ASGIApp, backend: Backend) -> None:
        self.app, self.backend = app, backend

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(("/static/", ADMIN_PREFIX)):
            await self.app(scope, receive, send)
            return
        store = self.backend.store
        token = HTTPConnection(scope).cookies.get(COOKIE)
        with store.transaction():
            session = store.get(Session, token) if token else None
            fresh = session is None
            session = session or new_session(store)
            try:
                project = project_of(store, self.backend, session)
            except SharedProjectGone as exc:
                await self._fail(scope, send, str(exc))
                return
        scope = {**scope, PROJECT_KEY: project.id, SESSION_KEY: session.token}
        await self.app(scope, receive, with_cookie(send, session.token) if fresh else send)

    @staticmethod
    async def _fail(scope: Scope, send: Send, error: str) -> None:
        if scope.get("path", "").startswith("/api"):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            content, media_type, _ = Crash(error, query, "Exception").rendered()
            status = 500
        else:
            content, media_type, status = ERROR_PAGE.format(error=html.escape(error)).encode(), HTML, 200
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", media_type.encode()),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})


def with_cookie(send: Send, token: str) -> Send:
    """``send`` that adds Flask's session cookie (``HttpOnly; Path=/``) and ``Vary: Cookie`` to the response."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), (b"set-cookie", f"{COOKIE}={token}; HttpOnly; Path=/".encode()),
                       (b"vary", b"Cookie")]
            message = {**message, "headers": headers}
        await send(message)

    return sending


def create_project(store: Store, backend: Backend, token: str, description: str | None) -> Project:
    """``POST /api/project?new=1&desc=…``: a new project of the session user, now the session's; ``description``
    (None without ``desc``) is what every project made from now on is described as."""
    with store.transaction():
        store.delete(NewProjects, "id = 1")
        store.insert(NewProjects(1, description))
        session = store.get(Session, token)
        assert session is not None
        project_uuid = str(uuid.uuid4())
        store.update(session, project=project_uuid)
        return new_project(store, backend, session.user, project_uuid)


def switch(store: Store, token: str, project_uuid: str) -> None:
    """``/api/project-switch?uuid=…``: the session's project is ``project_uuid`` from its next request on; a UUID
    the session user did not make is remembered as shared (a UUID nobody made poisons the session)."""
    with store.transaction():
        session = store.get(Session, token)
        assert session is not None
        mine = owner_of(store, project_uuid) == session.user
        shared = session.shared if mine or project_uuid in session.shared else [*session.shared, project_uuid]
        store.update(session, project=project_uuid, shared=shared)
