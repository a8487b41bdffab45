"""ASGI middleware in front of Connexion: the request size limit, and errors written at the ASGI level."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.pack import ErrorFormat
from mockserver.responses import send_response


async def send_error(send: Send, errors: ErrorFormat, status: int, detail: str | None) -> None:
    """An error response in ``errors``' format, sent before Connexion saw the request."""
    await send_response(send, status, *errors.render(status, detail))


class BodyTooLarge(Exception):
    """The request body grew past the limit while it was being read."""


class BodyLimitMiddleware:
    """413 in the API's error format for bodies over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int, errors: ErrorFormat) -> None:
        self.app, self.max_bytes, self.errors = app, max_bytes, errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await send_error(send, self.errors, 413, f"Request entity too large (limit {self.max_bytes} bytes)")
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
                await send_error(send, self.errors, 413, f"Request entity too large (limit {self.max_bytes} bytes)")
