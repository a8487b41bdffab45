"""Exceptions of mockserver.

Hierarchy::

    MockServerError                 base of everything mockserver raises on purpose
    ├── ConfigurationError          bad settings, recipe, scenario or spec (raised before serving)
    ├── ServerError                 the mock logged an error serving a test's request (pytest plugin)
    └── ApiError                    a request failed; rendered in the WEBKNOSSOS error format
        ├── BadRequest              400, JSON envelope
        ├── Forbidden               403, JSON envelope
        ├── NotFound                404, JSON envelope
        ├── PayloadTooLarge         413, JSON envelope
        └── Unauthorized            401, plain text (as the real server)

``ApiError.messages`` is the ``messages`` list of the envelope; ``chain`` adds the real server's
cause-chain entry.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

UNAUTHORIZED_TEXT = "You are not authorized to view this resource. Please log in."
NOT_FOUND_TEXT = "Couldn't find the requested resource."
FORBIDDEN_TEXT = "You are not authorized to view or edit this resource"


class MockServerError(Exception):
    """Base class of mockserver's own exceptions."""


class ConfigurationError(MockServerError):
    """Settings, a recipe or a spec cannot be used."""


class ServerError(MockServerError):
    """The mock logged an error while it served a test's requests (a bug or spec drift in the mock)."""


class ApiError(MockServerError):
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
