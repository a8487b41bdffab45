"""Connexion's request and response validation layers, with their per-request bookkeeping made cheaper.

Both layers read the ``Content-Type`` of every request and answer through ``connexion.utils.extract_content_type``,
which builds a ``typing`` generic on each call, and check the media type against the operation's list by building
a ``MediaTypeDict`` on each call. Here the header is read directly (the first ``content-type``, decoded as
latin-1, as there) and a media type the operation accepted is remembered per operation, so it is not matched
again. What is checked, and every error, is Connexion's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import (
    ResponseValidationAPI,
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.operations import AbstractOperation
from connexion.utils import split_content_type

KNOWN_MEDIA_TYPES = 32
"""Accepted media types an operation remembers (clients may send any; the rest are matched each time)."""


def content_type_of(headers: Iterable[tuple[bytes | str, bytes | str]] | dict[str, str]) -> str | None:
    """The first ``Content-Type`` of ASGI ``headers`` (or a dict), latin-1 decoded; None without one."""
    pairs = headers.items() if isinstance(headers, dict) else headers
    for key, value in pairs:
        name = key.decode("latin-1") if isinstance(key, bytes) else key
        if name.lower() == "content-type":
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def media_type_and_encoding(headers: Any, listed: Sequence[str]) -> tuple[str, str]:
    """Connexion's ``extract_content_type`` of a validation layer: without a header, the first media type the
    operation lists (else ``application/octet-stream``); without a charset, UTF-8."""
    mime_type, encoding = split_content_type(content_type_of(headers))
    if mime_type is None:
        mime_type = listed[0] if listed else "application/octet-stream"
    return mime_type, "utf-8" if encoding is None else encoding


class _RemembersMediaTypes:
    """``validate_mime_type`` that skips a media type it already accepted for this operation."""

    _accepted: set[str]

    def validate_mime_type(self, mime_type: str) -> None:
        accepted = self.__dict__.setdefault("_accepted", set())
        if mime_type in accepted:
            return
        super().validate_mime_type(mime_type)  # type: ignore[misc]  # raises for one the operation does not take
        if len(accepted) < KNOWN_MEDIA_TYPES:
            accepted.add(mime_type)


class RequestChecks(_RemembersMediaTypes, RequestValidationOperation):  # type: ignore[misc]
    def extract_content_type(self, headers: Any) -> tuple[str, str]:
        return media_type_and_encoding(headers, self._operation.consumes)


class ResponseChecks(_RemembersMediaTypes, ResponseValidationOperation):  # type: ignore[misc]
    def extract_content_type(self, headers: Any) -> tuple[str, str]:
        return media_type_and_encoding(headers, self._operation.produces)


class _RequestChecksAPI(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> RequestChecks:
        return RequestChecks(self.next_app, operation=operation, strict_validation=self.strict_validation,
                             validator_map=self.validator_map)


class _ResponseChecksAPI(ResponseValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> Any:
        if not self.validate_responses:
            return self.next_app
        return ResponseChecks(self.next_app, operation=operation, validator_map=self.validator_map)


class RequestChecksMiddleware(RequestValidationMiddleware):  # type: ignore[misc]
    api_cls = _RequestChecksAPI


class ResponseChecksMiddleware(ResponseValidationMiddleware):  # type: ignore[misc]
    api_cls = _ResponseChecksAPI


def with_checks(middlewares: Sequence[Any]) -> list[Any]:
    """Connexion's middleware list with its two validation layers replaced by these."""
    replaced = {RequestValidationMiddleware: RequestChecksMiddleware,
                ResponseValidationMiddleware: ResponseChecksMiddleware}
    return [replaced.get(middleware, middleware) for middleware in middlewares]
