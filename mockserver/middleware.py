"""ASGI middleware in front of Connexion: request size limits and unsupported API versions."""

from __future__ import annotations

import re
from collections.abc import Iterable

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

VERSION_PATH = re.compile(r"^/api/v(\d+)(/|$)")


async def send_error(send: Send, status: int, error: str) -> None:
    body = orjson.dumps({"messages": [{"error": error}]})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(Exception):
    """The request body grew past the limit while it was being read."""


class BodyLimitMiddleware:
    """413 in the API's error format for bodies over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await send_error(send, 413, f"Request entity too large (limit {self.max_bytes} bytes)")
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_error(send, 413, f"Request entity too large (limit {self.max_bytes} bytes)")


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
            await send_error(send, 404, self.message(int(match.group(1))))
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
