"""The error formats of Label Studio 0.8.1 (labelstudio-real.md §3 items 3–5).

- werkzeug's HTML pages (``text/html``, no charset) for unknown routes, wrong methods and unreadable bodies;
- the 500 envelope ``{"detail", "request", "result": {"traceback"}, "status": 500}`` of wrapped handlers;
- plain JSON bodies with a status (``{"label_config": […]}``, a list of import errors, ``{"detail": …}``);
- plain text served as ``text/html; charset=utf-8``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from mockserver.errors import HttpError
from mockserver.packs.labelstudio.wire import jsonify

HTML = "text/html; charset=utf-8"
"""The media type of Flask's ``make_response(str)``: also JSON text sent this way."""

PHRASES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Request Entity Too Large",
           500: "Internal Server Error"}
TEXTS = {
    400: "The browser (or proxy) sent a request that this server could not understand.",
    404: "The requested URL was not found on the server. If you entered the URL manually please check your "
         "spelling and try again.",
    405: "The method is not allowed for the requested URL.",
    413: "The data value transmitted exceeds the capacity limit.",
    500: "The server encountered an internal error and was unable to complete your request. Either the server "
         "is overloaded or there is an error in the application.",
}


def werkzeug_page(status: int) -> bytes:
    phrase = PHRASES.get(status, "Error")
    return (f'<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>{status} {phrase}</title>\n'
            f"<h1>{phrase}</h1>\n<p>{TEXTS.get(status, '')}</p>\n").encode()


class LabelStudioErrors:
    """What the core renders (unknown routes, wrong methods, Connexion's problems): werkzeug's pages.

    Every request problem Connexion finds (a malformed JSON body above all) becomes werkzeug's 400 page, which
    is what ``POST /api/project/config`` answers; the routes whose real handler reads the body inside its
    exception wrapper get their 500 envelope from ``RoutingQuirksMiddleware`` before Connexion sees the body.
    """

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        return werkzeug_page(status), "text/html", {"Content-Type": "text/html"}  # no charset, as werkzeug


ERROR_FORMAT = LabelStudioErrors()


class Crash(HttpError):
    """An exception inside a wrapped handler: 500 with the envelope, ``detail`` being the exception's text."""

    status: ClassVar[int] = 500

    def __init__(self, detail: str, request: dict[str, str], exception: str = "Exception") -> None:
        super().__init__(detail)
        self.request, self.exception = request, exception

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        traceback = ("Traceback (most recent call last):\n  File \"label_studio/blueprint.py\", in <handler>\n"
                     f"{self.exception}: {self.detail}\n")
        body = {"detail": self.detail, "request": self.request, "result": {"traceback": traceback}, "status": 500}
        return jsonify(body), "application/json", {}


class JsonError(HttpError):
    """A JSON body with a status (``{"label_config": […]}``, import errors, ``{"detail": …}``)."""

    def __init__(self, body: Any, status: int) -> None:
        super().__init__(str(body), status=status)
        self.body = body

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return jsonify(self.body), "application/json", {}


class TextError(HttpError):
    """A plain text with a status, served as ``text/html; charset=utf-8`` (``No label_config in POST``)."""

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return self.detail.encode(), HTML, {}


class Unwrapped(HttpError):
    """An exception in a handler without the exception wrapper: werkzeug's 500 page (``text/html``)."""

    status: ClassVar[int] = 500

    def rendered(self) -> tuple[bytes, str, dict[str, str]]:
        return werkzeug_page(500), "text/html", {"Content-Type": "text/html"}
