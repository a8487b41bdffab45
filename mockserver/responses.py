"""Response helpers for handlers: JSON bodies (orjson), text, paging headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from starlette.responses import Response
from starlette.types import Send

JSON_HEADERS = {"Cache-Control": "no-cache"}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response as the real server sends it (``application/json``, ``Cache-Control: no-cache``)."""
    return Response(orjson.dumps(data), status_code=status, media_type="application/json",
                    headers={**JSON_HEADERS, **(headers or {})})


def text_response(text: str, status: int = 200, media_type: str = "text/plain; charset=UTF-8") -> Response:
    return Response(text, status_code=status, media_type=media_type)


def empty_response(status: int = 200) -> Response:
    return Response(b"", status_code=status)


def messages(success: str) -> dict[str, Any]:
    """The success envelope ``{"messages":[{"success": …}]}``."""
    return {"messages": [{"success": success}]}


def with_messages(data: dict[str, Any], success: str) -> dict[str, Any]:
    """A resource with the extra ``messages`` key some routes add."""
    return {**data, **messages(success)}


def paged_response(items: Sequence[Any], total: int | None) -> Response:
    """A list; ``total`` (when asked for with ``includeTotalCount``) goes into ``X-Total-Count``."""
    headers = {"X-Total-Count": str(total)} if total is not None else None
    return json_response(list(items), headers=headers)


async def send_response(send: Send, status: int, body: bytes, media_type: str,
                        headers: dict[str, str] | None = None) -> None:
    """A whole response sent at the ASGI level (middleware answering before Connexion)."""
    raw = [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode()),
           *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
