"""A small HTML index page for browsers at the server URL, the API URL and each version's URL.

The content is plain data (``IndexPage``: a title, the API versions with their Swagger UI, the
admin UI, the roles and emails of the printed users, never their tokens) passed in by whoever mounts
the API. ``IndexPageMiddleware`` answers ``GET`` requests for those paths that accept ``text/html``
(a browser); every other request, API clients sending ``Accept: application/json``, ``*/*`` or
nothing, passes through unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from html import escape

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.responses import send_response


@dataclasses.dataclass(frozen=True)
class ApiVersion:
    """One mounted API version: its path (``/api/v5``), which serves ``ui/`` and ``openapi.json``."""

    name: str
    path: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class IndexPage:
    """What the index page shows. Links are root-relative, so they hold behind any host name."""

    title: str
    api_path: str
    """The API URL's path (``/api``); each version lies under it."""
    versions: tuple[ApiVersion, ...]
    admin_path: str
    auth_header: str
    """The header the printed tokens travel in."""
    users: tuple[tuple[str, str], ...]
    """(role, email) of the users whose tokens are printed at start."""

    @property
    def paths(self) -> frozenset[str]:
        """Where the page is served: the server root, the API URL and each version's URL."""
        return frozenset({"/", self.api_path or "/", *(v.path or "/" for v in self.versions)})


def render(page: IndexPage) -> str:
    versions = "\n".join(
        f'<li><a href="{escape(v.path)}/ui/">{escape(v.name)}</a> <code>{escape(v.path)}</code>'
        f'{" (" + escape(v.note) + ")" if v.note else ""}, '
        f'<a href="{escape(v.path)}/openapi.json">openapi.json</a></li>' for v in page.versions)
    users = "\n".join(f"<tr><td>{escape(role)}</td><td>{escape(email)}</td></tr>" for role, email in page.users)
    users = users or '<tr><td colspan="2">none: the API needs no credentials</td></tr>'
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(page.title)}</title></head>
<body>
<h1>{escape(page.title)}</h1>
<p>Server URL: this page's root <code>/</code>. API URL: <code>{escape(page.api_path)}</code>
(the latest version); each version lies under it.</p>
<h2>API versions (Swagger UI)</h2>
<ul>
{versions}
</ul>
<h2>Admin</h2>
<p><a href="{escape(page.admin_path)}">{escape(page.admin_path)}</a> (needs the X-Admin-Key printed at start)</p>
<h2>Users</h2>
<table>
<tr><th>role</th><th>user</th></tr>
{users}
</table>
<p>Their tokens (<code>{escape(page.auth_header)}</code>) are printed at start.</p>
</body>
</html>
"""


def wants_html(accept: str) -> bool:
    """Whether an ``Accept`` header names ``text/html`` (with q > 0): a browser, not ``*/*`` or JSON."""
    for item in accept.split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if media_type.lower() != "text/html":
            continue
        quality = next((p.partition("=")[2] for p in params if p.lower().startswith("q=")), "1")
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


class IndexPageMiddleware:
    """Serves ``render(page())`` to browsers at ``page().paths`` (a trailing slash is ignored)."""

    def __init__(self, app: ASGIApp, page: Callable[[], IndexPage]) -> None:
        self.app, self.page = app, page
        self.paths = page().paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and self._is_index(scope):
            await send_response(send, 200, render(self.page()).encode(), "text/html; charset=utf-8")
            return
        await self.app(scope, receive, send)

    def _is_index(self, scope: Scope) -> bool:
        path: str = scope["path"]
        if (path.rstrip("/") or "/") not in self.paths:
            return False
        accept = b",".join(value for name, value in scope["headers"] if name == b"accept")
        return wants_html(accept.decode("latin-1"))
