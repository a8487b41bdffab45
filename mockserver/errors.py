"""Exceptions of mockserver.

Hierarchy::

    MockServerError                 base of everything mockserver raises on purpose
    ├── ConfigurationError          bad settings, recipe, scenario or spec (raised before serving)
    ├── ServerError                 the mock logged an error serving a test's request (pytest plugin)
    └── HttpError                   a request failed with ``status``; rendered in the API's own format
        └── (each pack's own tree, e.g. WEBKNOSSOS' ``ApiError``)

An ``HttpError`` either renders itself (``rendered()``) or leaves its ``detail`` to the error format of
the API that was called (the pack's, or the admin API's).
"""

from __future__ import annotations

from typing import ClassVar


class MockServerError(Exception):
    """Base class of mockserver's own exceptions."""


class ConfigurationError(MockServerError):
    """Settings, a recipe or a spec cannot be used."""


class ServerError(MockServerError):
    """The mock logged an error while it served a test's requests (a bug or spec drift in the mock)."""


class HttpError(MockServerError):
    """A request failed with ``status`` and a short ``detail`` text."""

    status: ClassVar[int] = 400

    def __init__(self, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status  # type: ignore[misc]  # an instance may narrow its class's status

    def rendered(self) -> tuple[bytes, str, dict[str, str]] | None:
        """Body, media type and headers if the error renders itself; None: the API's format of ``detail``."""
        return None
