"""``POST /annotations/_rpc``: JSON-RPC 2.0 as verse-jsonrpc answers it.

One call as a bare object, a batch as a bare array (at most 50; more: HTTP 400, -32600, checked with the
body); call errors come back inside HTTP 200; a batch stops at the first failing call (the calls after it get
-32603 "Batch execution cancelled due to previous error"); notifications (no ``id``) get no reply, and a
request with nothing to reply to is answered 204.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
from starlette.responses import Response

from mockserver.packs.idah import annotating
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import ApiError, ValidationFailed
from mockserver.packs.idah.visibility import Scope

Method = Callable[[Idah, Scope, dict[str, Any]], Any]

METHODS: dict[str, Method] = {
    "show": lambda api, scope, p: annotating.plain(annotating.find(api, scope, p.get("id"))),
    "create": lambda api, scope, p: annotating.plain(annotating.create(api, scope, p)),
    "update": lambda api, scope, p: annotating.plain(annotating.update(api, scope, p.get("id"), p)),
    "delete": lambda api, scope, p: annotating.plain(annotating.delete(api, scope, p.get("id"))),
    "write_shape": lambda api, scope, p: annotating.plain(annotating.write_shape(api, scope, p)),
}
CANCELLED = {"code": -32603, "message": "Batch execution cancelled due to previous error"}


def error_of(exc: ApiError) -> dict[str, Any]:
    """-32602 for invalid params (``data`` says where), -32603 with the service's error for everything else."""
    if isinstance(exc, ValidationFailed):
        return {"code": -32602, "message": "Invalid params", "data": {"source": exc.pointer, "detail": exc.detail}}
    return {"code": -32603, "message": exc.detail, "data": {"status": exc.status, "title": type(exc).__name__}}


def run(api: Idah, scope: Scope, call: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the result or error member of the reply, whether the call failed)."""
    method = METHODS.get(str(call.get("method")))
    if method is None:
        return {"error": {"code": -32601, "message": "Method not found"}}, True
    params = call.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return {"error": {"code": -32602, "message": "Invalid params", "data": {"source": "/params"}}}, True
    try:
        return {"result": method(api, scope, params)}, False
    except ApiError as exc:
        return {"error": error_of(exc)}, True
    except OverflowError as exc:  # a number the store cannot keep (beyond 64 bits)
        return {"error": {"code": -32602, "message": "Invalid params", "data": {"detail": str(exc)}}}, True


def reply(call: dict[str, Any], member: dict[str, Any]) -> dict[str, Any] | None:
    return {"jsonrpc": "2.0", "id": call["id"], **member} if "id" in call else None


def handle(api: Idah, body: Any) -> Response:
    scope = api.scope()
    calls = body if isinstance(body, list) else [body]
    replies: list[dict[str, Any]] = []
    failed = False
    for call in calls:
        member: dict[str, Any] = {"error": CANCELLED}
        if not failed:
            member, failed = run(api, scope, call)
        if (answer := reply(call, member)) is not None:
            replies.append(answer)
    if not replies:
        return Response(b"", status_code=204)
    shown: Any = replies if isinstance(body, list) else replies[0]
    return Response(_dumps(shown), media_type="application/json")


def _dumps(value: Any) -> bytes:
    """orjson, or the standard library for call ids beyond 64 bits (echoed as sent)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":")).encode()
