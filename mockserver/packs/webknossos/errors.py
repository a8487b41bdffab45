"""WEBKNOSSOS errors: the texts of the real server and the ``messages`` envelope.

Hierarchy (under the core's ``HttpError``)::

    ApiError                        a request failed; rendered in the WEBKNOSSOS error format
        ├── BadRequest              400, JSON envelope
        ├── Forbidden               403, JSON envelope
        ├── NotFound                404, JSON envelope
        ├── PayloadTooLarge         413, JSON envelope
        └── Unauthorized            401, plain text (as the real server)

``ApiError.messages`` is the ``messages`` list of the envelope; ``chain`` adds the real server's
cause-chain entry. ``ERROR_FORMAT`` renders every other error of a WEBKNOSSOS route (validation,
unknown routes, the core's ``HttpError``) the same way.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

import orjson

from mockserver.errors import HttpError

UNAUTHORIZED_TEXT = "You are not authorized to view this resource. Please log in."
NOT_FOUND_TEXT = "Couldn't find the requested resource."
FORBIDDEN_TEXT = "You are not authorized to view or edit this resource"


class ApiError(HttpError):
    """A request failed; the response uses the WEBKNOSSOS error envelope."""

    status: ClassVar[int] = 400

    def __init__(self, error: str = "", *, chain: str | None = None, body: dict[str, Any] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.chain = chain
        self._body = body

    @property
    def body(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        if self._body is not None:
            return self._body
        messages: list[dict[str, str]] = [{"error": self.error}]
        if self.chain:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
            messages.append({"chain": f"[Server Time {stamp}]  <~ {self.chain}"})
        return {"messages": messages}

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        if self.status == 401:
            return ERROR_FORMAT.render(401, None)
        return orjson.dumps(self.body), "application/json", dict(JSON_ERROR_HEADERS)


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self) -> None:
        super().__init__(UNAUTHORIZED_TEXT)


class Forbidden(ApiError):
    status = 403

    def __init__(self, error: str = FORBIDDEN_TEXT, **kwargs: Any) -> None:
        super().__init__(error, **kwargs)


class NotFound(ApiError):
    status = 404

    def __init__(self, error: str = NOT_FOUND_TEXT, **kwargs: Any) -> None:
        super().__init__(error, **kwargs)


class PayloadTooLarge(ApiError):
    status = 413


JSON_ERROR_HEADERS = {"Cache-Control": "no-cache"}
STATUS_TEXTS = {401: UNAUTHORIZED_TEXT, 404: NOT_FOUND_TEXT, 405: "Method not allowed on this route."}


class WebknossosErrors:
    """The real server's error responses: plain text for 401, ``{"messages":[{"error": …}]}`` otherwise."""

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        if status == 401:
            return UNAUTHORIZED_TEXT.encode(), "text/plain", {}
        text = STATUS_TEXTS.get(status, "") if detail is None else detail
        return orjson.dumps({"messages": [{"error": text}]}), "application/json", dict(JSON_ERROR_HEADERS)


ERROR_FORMAT = WebknossosErrors()
