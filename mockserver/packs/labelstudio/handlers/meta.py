"""``/``, ``/api/health`` and ``/version``."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, html_response, jsonify_response, redirect

LABELING_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>Label Studio</title>\n</head>\n<body>\n"
                 "  <p>The labeling page of the real server (its frontend is not part of this mock).</p>\n"
                 "</body>\n</html>\n")

FRONTEND = {"branch": "master", "commit": "57cbe6765b3aa0b59da23c39569d2a2abd9b59aa", "date": "2020-11-12T22:21:54Z",
            "message": "Fix deserialization of tree view in Regions panel"}
"""The build info of the frontend bundled with label-studio 0.8.1 on PyPI."""


async def root(ls: LabelStudio) -> Response:
    """302 to ``/welcome`` while the project has no tasks; else the labeling page (a stand-in here)."""
    if ls.tasks():
        return html_response(LABELING_PAGE)
    return redirect("/welcome")


async def health(ls: LabelStudio) -> Response:
    return html_response('{"status": "up"}')


async def version(ls: LabelStudio) -> Response:
    return jsonify_response({"label-studio-backend": "0.8.1", "label-studio-frontend": FRONTEND})
