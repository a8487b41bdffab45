"""WEBKNOSSOS routing in front of Connexion: ``/api`` is the latest version, unknown ``/api/vN`` a 404."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.middleware import send_error
from mockserver.packs.webknossos.errors import ERROR_FORMAT

VERSION_PATH = re.compile(r"^/api/v(\d+)(/|$)")


class ApiVersionMiddleware:
    """``/api/vN/…`` for a version this server does not serve: 404 with the real server's message.

    The unversioned ``/api/…`` is the latest version: it is routed to ``/api/<latest>/…`` here, so
    Connexion mounts (and validates, and builds routes for) the latest document only once.
    """

    def __init__(self, app: ASGIApp, versions: Iterable[str], latest: str) -> None:
        self.app = app
        self.numbers = sorted(int(v.lstrip("v")) for v in versions)
        self.latest = int(latest.lstrip("v"))
        self.latest_prefix = f"/api/{latest}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        match = VERSION_PATH.match(path)
        if match and int(match.group(1)) not in self.numbers:
            await send_error(send, ERROR_FORMAT, 404, self.message(int(match.group(1))))
            return
        if match is None and (path == "/api" or path.startswith("/api/")):
            scope = {**scope, "path": self.latest_prefix + path[4:]}
            raw_path = scope.get("raw_path")
            if raw_path is not None and raw_path.startswith(b"/api"):
                scope["raw_path"] = self.latest_prefix.encode() + raw_path[4:]
        await self.app(scope, receive, send)

    def message(self, requested: int) -> str:
        if requested > self.latest:
            return ("This WEBKNOSSOS instance does not yet support this API version. The requested API version is "
                    f"higher than the current API version {self.latest}.")
        return (f"This WEBKNOSSOS instance does not support the requested HTTP API version. Client requested "
                f"{requested} but must be at least {self.numbers[0]} and at most {self.latest}.")
