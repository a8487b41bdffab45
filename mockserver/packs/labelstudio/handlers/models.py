"""ML backend routes of a project without ML backends (connecting one is a later slice)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, html_response, jsonify_response, query_args
from mockserver.packs.labelstudio.errors import Crash

NO_BACKEND = "No ML backend"


async def list_models(ls: LabelStudio) -> Response:
    return jsonify_response({"models": []})


async def delete_model(ls: LabelStudio, body: Any = None) -> Response:
    """``{"name": …}``; with no backend every name is unknown: the real ``KeyError`` as a 500 envelope."""
    try:
        name = body["name"]
    except (KeyError, TypeError, IndexError) as exc:
        raise Crash(str(exc), query_args(), type(exc).__name__) from exc
    raise Crash(str(KeyError(f'Can\'t remove ML backend with name "{name}": not found.')), query_args(), "KeyError")


async def train(ls: LabelStudio) -> Response:
    """400 with a bare JSON string."""
    return jsonify_response(NO_BACKEND, status=400)


async def predictions(ls: LabelStudio, mode: str | None = None) -> Response:
    """400 with a bare JSON string, whatever the mode (the backend is checked first)."""
    return jsonify_response(NO_BACKEND, status=400)


async def post_predictions(ls: LabelStudio, mode: str | None = None, body: Any = None) -> Response:
    return jsonify_response(NO_BACKEND, status=400)


async def states(ls: LabelStudio) -> Response:
    return html_response('{"status": "done"}')
