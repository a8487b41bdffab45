"""``/api/health`` and ``/version``."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, html_response, jsonify_response

FRONTEND = {"branch": "master", "commit": "57cbe6765b3aa0b59da23c39569d2a2abd9b59aa", "date": "2020-11-12T22:21:54Z",
            "message": "Fix deserialization of tree view in Regions panel"}
"""The build info of the frontend bundled with label-studio 0.8.1 on PyPI."""


async def health(ls: LabelStudio) -> Response:
    return html_response('{"status": "up"}')


async def version(ls: LabelStudio) -> Response:
    return jsonify_response({"label-studio-backend": "0.8.1", "label-studio-frontend": FRONTEND})
