"""The Dataset service's error forms: the JSON:API ``errors`` array, and JSON-RPC error replies on ``_rpc``.

``{"errors": [{"status": "403", "title": "Verse::Error::Unauthorized", "detail": "…"}]}``; validation errors
are 422 with a numeric ``status`` and a JSON pointer in ``source``. ``translate`` turns Connexion's failures
(validation, security, unreadable bodies) into these forms; on ``POST /annotations/_rpc`` into JSON-RPC errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import orjson
from connexion.exceptions import ProblemException

from mockserver.errors import HttpError
from mockserver.violations import RequestInvalid, Violation

MEDIA_TYPE = "application/vnd.api+json"
TITLES = {400: "Verse::Error::BadRequest", 401: "Verse::Error::Authorization", 403: "Verse::Error::Unauthorized",
          404: "Verse::Error::NotFound", 405: "Verse::Error::MethodNotAllowed", 413: "Verse::Error::BadRequest",
          422: "Verse::Error::ValidationFailed"}
TEXTS = {401: "unauthorized_access", 404: "verse.errors.not_found", 405: "method not allowed"}
"""Texts of the statuses the core renders without a detail (an unknown route, a wrong method) or for 401."""
RPC_PATH = re.compile(r".*/annotations/_rpc/?$")
BATCH_LIMIT = 50


def error_body(status: int, detail: str, title: str | None = None, pointer: str | None = None) -> bytes:
    entry: dict[str, Any] = {"status": status if status == 422 else str(status),
                             "title": title or TITLES.get(status, "Verse::Error::Base"), "detail": detail}
    if pointer is not None:
        entry["source"] = {"pointer": pointer}
    return orjson.dumps({"errors": [entry]})


class IdahErrors:
    """What the core renders (unknown routes, wrong methods, Connexion's problems) as an ``errors`` array."""

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        text = TEXTS.get(status, "") if status == 401 or detail is None else detail
        title = "StandardError" if status >= 500 else None
        return error_body(status, text, title), MEDIA_TYPE, {}


ERROR_FORMAT = IdahErrors()


class ApiError(HttpError):
    """An error of the service (``status`` and ``title`` by subclass), in the ``errors`` array."""

    pointer: str | None = None

    def __init__(self, detail: str, *, status: int | None = None, pointer: str | None = None) -> None:
        super().__init__(detail, status=status)
        self.pointer = pointer

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return error_body(self.status, self.detail, pointer=self.pointer), MEDIA_TYPE, {}


class BadRequest(ApiError):
    status: ClassVar[int] = 400


class NotAuthenticated(ApiError):
    """No valid token (Connexion's security finds most of these first)."""

    status: ClassVar[int] = 401


class AuthenticationFailed(ApiError):
    """Wrong e-mail or password at the IAM login."""

    status: ClassVar[int] = 401

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return error_body(401, self.detail, "Verse::Error::AuthenticationFailed"), MEDIA_TYPE, {}


class Unauthorized(ApiError):
    """A permission refusal (Verse's ``Unauthorized`` is the 403)."""

    status: ClassVar[int] = 403


class NotFound(ApiError):
    status: ClassVar[int] = 404

    def __init__(self, detail: str = "verse.errors.record_not_found") -> None:
        super().__init__(detail)

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return error_body(404, self.detail, "Verse::Error::RecordNotFound"), MEDIA_TYPE, {}


class ValidationFailed(ApiError):
    status: ClassVar[int] = 422


class RpcFailure(HttpError):
    """A JSON-RPC error reply that is the whole response (auth, batch size, unreadable requests)."""

    def __init__(self, status: int, code: int, message: str, data: Any = None) -> None:
        super().__init__(message, status=status)
        self.error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            self.error["data"] = data

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return orjson.dumps({"jsonrpc": "2.0", "id": None, "error": self.error}), "application/json", {}


# Connexion's failures in the service's words ------------------------------------------------------------

def pointer_of(v: Violation) -> str:
    """``page[size]`` → ``/page/size``; a body field → its path (``/data/type``)."""
    if v.location == "body":
        return "/" + "/".join(str(p) for p in v.field)
    return "/" + "/".join(re.findall(r"[^\[\]]+", v.name))


def _between(v: Violation) -> str:
    low, high = v.schema.get("minimum"), v.schema.get("maximum")
    if low is not None and high is not None:
        return f"must be between {low} and {high}"
    return f"must be greater than or equal to {low}" if v.kind == "minimum" else f"must be less than or equal to {high}"


TYPE_WORDS = {"integer": "an integer", "boolean": "boolean", "string": "a string", "object": "a hash",
              "array": "an array", "number": "a float"}
VIOLATION_TEXTS: dict[str, Callable[[Violation], str]] = {
    "missing": lambda v: "is missing",
    "type": lambda v: f"must be {TYPE_WORDS.get(str(v.expected), str(v.expected))}",
    "enum": lambda v: f"must be one of: {', '.join(map(str, v.expected or []))}",
    "minimum": _between, "maximum": _between,
    "maxItems": lambda v: f"size cannot be greater than {v.expected}",
    "minLength": lambda v: "must be filled",
    "format": lambda v: f"must be a valid {v.expected}",
}
"""Violation kind → dry-validation's text (what Verse answers); other kinds: ``is invalid``."""


def violation_text(v: Violation) -> str:
    if v.location == "body" and v.field == ("data", "type") and v.kind == "enum":
        return "type invalid"  # the rule NoteFeeds' create names; every resource checks its type
    text = VIOLATION_TEXTS.get(v.kind)
    return text(v) if text is not None else "is invalid"


def _rpc_failure(exc: Exception) -> HttpError | None:
    if isinstance(exc, RequestInvalid):
        first = exc.violations[0]
        if first.kind == "malformed":
            return RpcFailure(400, -32700, "Parse error")
        if first.kind == "maxItems" and first.field == ():
            return RpcFailure(400, -32600, "Batch size limit exceeded", {"batch_limit": BATCH_LIMIT})
        where = {"source": pointer_of(first), "detail": violation_text(first)}
        return RpcFailure(400, -32600, "Invalid Request", where)
    if isinstance(exc, ProblemException) and exc.status == 401:
        return RpcFailure(401, -32001, "unauthorized_access")
    if isinstance(exc, ProblemException) and exc.status < 500:  # no body, a wrong media type …
        return RpcFailure(exc.status, -32600, "Invalid Request", {"detail": str(exc.detail or exc.title)})
    if isinstance(exc, (UnicodeDecodeError, RecursionError, OverflowError)):
        return RpcFailure(400, -32700, "Parse error")
    return None


SHOW_PATH = re.compile(r".*/api/v1/dataset/[^/]+/[^/]+/?$")
"""``/<resource>/{id}``: where ``included`` outside the whitelist is "included unauthorized"."""


def translate(exc: Exception, scope: Mapping[str, Any]) -> HttpError | None:
    """The service's answer to a failure Connexion found (None: the neutral text in the ``errors`` format)."""
    path = str(scope.get("path", ""))
    if RPC_PATH.fullmatch(path):
        return _rpc_failure(exc)
    if isinstance(exc, RequestInvalid):
        first = exc.violations[0]
        if first.kind == "malformed":
            return BadRequest(f"Malformed JSON in the request body: {first.expected}")
        if first.name == "included[]" and SHOW_PATH.fullmatch(path):
            return ValidationFailed("included unauthorized", pointer="/included")
        return ValidationFailed(violation_text(first), pointer=pointer_of(first))
    if isinstance(exc, OverflowError):
        return BadRequest(f"Number out of range: {exc}")
    if isinstance(exc, (UnicodeDecodeError, RecursionError)):
        return BadRequest(f"Malformed JSON in the request body: {type(exc).__name__}")
    return None
