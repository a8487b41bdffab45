"""Deliberate deviations from the spec, injected into a running mock by an ASGI wrapper (tests only).

``Drift`` sits in front of the app (never inside the product): for a request that one of its
``Deviation``s matches it buffers the response and lets the deviation rewrite status, headers or
JSON body before it goes out. Every other request passes straight through.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Rewrite = Callable[[int, dict[str, str], Any], tuple[int, dict[str, str], Any]]


@dataclasses.dataclass(frozen=True)
class Deviation:
    """``rewrite`` applied to the answers of ``method path`` (exact request path); the run must report
    ``check`` for ``operation`` (a schemathesis operation label)."""

    name: str
    method: str
    path: str
    rewrite: Rewrite
    operation: str
    check: str


class Drift:
    """ASGI wrapper applying the enabled deviations."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.deviations: list[Deviation] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        deviation = next((d for d in self.deviations if scope["type"] == "http" and scope["method"] == d.method
                          and scope["path"] == d.path), None)
        if deviation is None:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await _send_rewritten(send, start, b"".join(chunks), deviation.rewrite)

        await self.app(scope, receive, buffer)


async def _send_rewritten(send: Send, start: Message, body: bytes, rewrite: Rewrite) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = body
    status, headers, data = rewrite(start["status"], headers, data)
    out = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers["content-length"] = str(len(out))
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": out})


# the deviations ---------------------------------------------------------------------------------


def rename_field(old: str, new: str) -> Rewrite:
    def rewrite(status: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        items = body if isinstance(body, list) else [body]
        for item in items:
            if isinstance(item, dict) and old in item:
                item[new] = item.pop(old)
        return status, headers, body
    return rewrite


def status(code: int) -> Rewrite:
    return lambda _status, headers, body: (code, headers, body)


def without_header(name: str) -> Rewrite:
    return lambda code, headers, body: (code, {k: v for k, v in headers.items() if k != name.lower()}, body)


def server_error(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    return 500, {**headers, "content-type": "application/json"}, {"messages": [{"error": "Internal error"}]}


def v5_layers(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A v3 annotation list answered in the v5 shape (``annotationLayers`` instead of ``tracing``)."""
    for item in body if isinstance(body, list) else []:
        tracing = item.pop("tracing", {}) or {}
        item["annotationLayers"] = [{"tracingId": tracing_id, "typ": typ.capitalize(), "name": typ.capitalize()}
                                    for typ, tracing_id in tracing.items() if tracing_id]
    return code, headers, body


DEVIATIONS = {
    "v5": [
        Deviation("renamed field", "GET", "/api/v5/users", rename_field("firstName", "givenName"),
                  "GET /users", "response_schema_conformance"),
        Deviation("wrong status code", "GET", "/api/v5/buildinfo", status(202),
                  "GET /buildinfo", "status_code_conformance"),
        Deviation("missing X-Total-Count", "GET", "/api/v5/user/annotations", without_header("X-Total-Count"),
                  "GET /user/annotations", "total_count_header_only_when_requested"),
        Deviation("500 on one route", "GET", "/api/v5/datastores", server_error,
                  "GET /datastores", "not_a_server_error"),
    ],
    "v3": [
        Deviation("v5 shape leaking into v3", "GET", "/api/v3/user/annotations", v5_layers,
                  "GET /user/annotations", "annotation_shape_matches_version"),
    ],
}
