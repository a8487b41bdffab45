"""Cytomine errors as the real core renders them (reference C.5).

Hierarchy (under the core's ``HttpError``)::

    CytomineError                   ``{"errors": {"message": …}}`` (the global exception handler's form)
        ├── BadRequest              400 (wrong argument, unparseable body, malformed WKT)
        ├── Unauthorized            401 (no or a wrong signature, an unknown token)
        ├── Forbidden               403
        └── NotFound                404 (``<Domain> not found with id : <id>``)
    DomainError                     ``{"success": false, "errors": "<message>", "errorValues": {}}`` (a command
                                    refused during add/update/delete: in-use ontology, duplicate, missing field)

``ERROR_FORMAT`` renders the core's errors (validation, unknown routes, wrong methods) the first way.
"""

from __future__ import annotations

from typing import Any, ClassVar

import orjson

from mockserver.errors import HttpError

TEXTS: dict[int, str] = {
    401: "Full authentication is required to access this resource",
    403: "Access is denied",
    404: "Not Found",
    405: "Request method not supported",
}
"""Spring's texts where the error has no detail of its own."""


def body(message: str) -> dict[str, Any]:
    return {"errors": {"message": message}}


class CytomineErrors:
    """The error format of every Cytomine route: ``{"errors": {"message": …}}``."""

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        if status == 401 or not detail:  # Connexion's 401 texts are not Cytomine's
            detail = TEXTS.get(status, "An error occurred")
        return orjson.dumps(body(detail)), "application/json", {}


ERROR_FORMAT = CytomineErrors()


class CytomineError(HttpError):
    """A request failed; rendered as ``{"errors": {"message": …}}``."""

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return ERROR_FORMAT.render(self.status, self.detail)


class BadRequest(CytomineError):
    status: ClassVar[int] = 400


class Unauthorized(CytomineError):
    status: ClassVar[int] = 401


class Forbidden(CytomineError):
    status: ClassVar[int] = 403


class NotFound(CytomineError):
    status: ClassVar[int] = 404

    @classmethod
    def of(cls, domain: str, ident: object) -> NotFound:
        return cls(f"{domain} not found with id : {ident}")


class DomainError(HttpError):
    """A command refused by the domain (``success: false``); 400 unless said otherwise (409: already exists)."""

    def __init__(self, message: str, *, status: int = 400, values: dict[str, Any] | None = None) -> None:
        super().__init__(message, status=status)
        self.values = values or {}

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        content = {"success": False, "errors": self.detail, "errorValues": self.values}
        return orjson.dumps(content), "application/json", {}
