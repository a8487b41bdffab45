"""Routing and body quirks of the real (Flask, ``strict_slashes`` off) server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import yaml
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.packs.labelstudio.errors import HTML, Crash

NOT_FOUND_FOR_GET = re.compile(r"/api/project/config|/api/project/completions|/api/tasks/[^/]+/completions")
"""Paths the real server answers 404 (not 405) for ``GET`` (``/api/project/completions`` is registered with a
trailing slash)."""
NOWHERE = "/__labelstudio_no_such_route__"
WRAPPED_JSON = re.compile(r"/api/project/import|/api/tasks/[^/]+/completions(/[^/]+)?")
"""Routes whose handler reads the JSON body inside its exception wrapper: malformed JSON is a 500 envelope there
(werkzeug's ``BadRequest`` text as detail), not the 400 page the core renders for Connexion's problem."""
BAD_REQUEST = "400 Bad Request: The browser (or proxy) sent a request that this server could not understand."
MAX_CHECKED = 16 * 1024 * 1024
OUTSIDE_API = frozenset({"/predict"})
"""Routes outside ``/api/`` that read a JSON body (the deprecated ``/predict``)."""


def allowed_methods(spec: Path) -> list[tuple[re.Pattern[str], str]]:
    """(path pattern, ``Allow`` value) of every path of the document: its methods, HEAD with GET, OPTIONS."""
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    table = []
    for path, item in document["paths"].items():
        methods = {m.upper() for m in item if m in ("get", "put", "post", "patch", "delete")}
        methods |= {"HEAD"} if "GET" in methods else set()
        table.append((re.compile(re.sub(r"\{[^/}]+\}", "[^/]+", path)), ", ".join(sorted(methods | {"OPTIONS"}))))
    return table


class RoutingQuirksMiddleware:
    """A trailing slash is ignored (``/api/health/`` is ``/api/health``); ``GET`` on a few POST-only routes is a
    404 page, not a 405 one; ``OPTIONS`` is Flask's automatic answer (200, empty, ``Allow``); a request without
    body and Content-Type is read as an empty JSON one; malformed JSON to a wrapped route is a 500 envelope. The
    admin API and the root keep their paths."""

    def __init__(self, app: ASGIApp, allowed: list[tuple[re.Pattern[str], str]] | None = None) -> None:
        self.app, self.allowed = app, allowed or []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/api/") or path in OUTSIDE_API):
            await self.app(scope, receive, send)
            return
        if path.endswith("/") and not path.endswith("//"):
            path = path.rstrip("/")
        if scope["method"] == "GET" and NOT_FOUND_FOR_GET.fullmatch(path):
            path = NOWHERE
        if path != scope["path"]:
            scope = {**scope, "path": path, "raw_path": path.encode()}
        if scope["method"] == "OPTIONS":
            allow = next((methods for pattern, methods in self.allowed if pattern.fullmatch(path)), None)
            if allow is not None:
                await _send(send, 200, b"", HTML, [(b"allow", allow.encode())])
                return
        if scope["method"] in ("POST", "PATCH", "DELETE"):
            scope = _without_body_as_json(scope)
        if scope["method"] in ("POST", "PATCH") and WRAPPED_JSON.fullmatch(path) and _is_json(scope):
            body = await read_body(receive)
            if body is not None and body.strip() and not _parses(body):
                query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
                content, media_type, _ = Crash(BAD_REQUEST, query, "BadRequest").rendered()
                await _send(send, 500, content, media_type)
                return
            if body is not None:
                receive = replayed(body)
        await self.app(scope, receive, send)


async def _send(send: Send, status: int, content: bytes, media_type: str,
                headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media_type.encode()), (b"content-length", str(len(content)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": content})


def _without_body_as_json(scope: Scope) -> Scope:
    """A request without body and Content-Type reaches the handlers as an empty JSON one (body None), which is
    what Flask's ``request.json`` gives the real handlers."""
    headers = dict(scope.get("headers", []))
    if b"content-type" in headers or headers.get(b"content-length", b"0") not in (b"", b"0"):
        return scope
    return {**scope, "headers": [*scope.get("headers", []), (b"content-type", b"application/json")]}


def _is_json(scope: Scope) -> bool:
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length", b"")
    media_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return media_type.endswith(b"json") and length.isdigit() and int(length) <= MAX_CHECKED


def _parses(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body (None: the client went away)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def replayed(body: bytes) -> Receive:
    """A ``receive`` that sends ``body`` again."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
