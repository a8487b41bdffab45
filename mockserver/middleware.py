"""ASGI middleware in front of Connexion: the request size limit, and errors written at the ASGI level.

A body sent without ``Content-Length`` (``Transfer-Encoding: chunked``) is read here, within the limit,
and handed on with its length declared: Connexion takes a request without ``Content-Length`` for one
without a body and would validate (and the handler read) nothing.
"""

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
            if declared is None and dict(scope["headers"]).get(b"transfer-encoding"):
                scope, replay = await _declared_length(scope, limited_receive)
                await self.app(scope, replay, tracking_send)
            else:
                await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_error(send, self.errors, 413, f"Request entity too large (limit {self.max_bytes} bytes)")


async def _declared_length(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """Read a body of unknown length whole (``receive`` enforces the limit); the scope with its
    ``Content-Length`` and a ``receive`` that replays the body's messages, then the rest of the channel."""
    messages: list[Message] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            messages.append(message)
            break
        messages.append(message)
        more = bool(message.get("more_body"))
    length = sum(len(m.get("body", b"")) for m in messages)
    headers = [(k, v) for k, v in scope["headers"] if k != b"transfer-encoding"]
    queued = iter(messages)

    async def replay() -> Message:
        return next(queued, None) or await receive()

    return {**scope, "headers": [*headers, (b"content-length", str(length).encode())]}, replay
