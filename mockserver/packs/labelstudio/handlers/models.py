"""The ML backend routes: list and disconnect backends, train, predictions (``mlbackends`` does the talking)."""

from __future__ import annotations

from typing import Any

from connexion import request
from starlette.responses import Response

from mockserver.packs.labelstudio import mlbackends
from mockserver.packs.labelstudio.api import LabelStudio, empty, html_response, jsonify_response, query_args
from mockserver.packs.labelstudio.errors import Crash

NO_BACKEND = "No ML backend"
NOT_STARTED = "Training is not started: seems that you don't have any ML backend connected"


async def list_models(ls: LabelStudio) -> Response:
    """The names of the connected backends (none is asked whether it answers)."""
    return jsonify_response({"models": [backend.name for backend in mlbackends.backends(ls)]})


def _name(body: Any) -> Any:
    try:
        return body["name"]
    except (KeyError, TypeError, IndexError) as exc:
        raise Crash(str(exc), query_args(), type(exc).__name__) from exc


async def delete_model(ls: LabelStudio, body: Any = None) -> Response:
    """``{"name": …}``: 204 with no body (said to be JSON); an unknown name is the real ``KeyError`` (500)."""
    mlbackends.disconnect(ls, _name(body))
    return empty(204, "application/json")


async def train(ls: LabelStudio) -> Response:
    """200 ``{"details": "Training started"}``; without a backend (or none answers its ``/health``) 400 with a bare
    JSON string."""
    if not mlbackends.backends(ls):
        return jsonify_response(NO_BACKEND, status=400)
    if not await mlbackends.train(ls):
        return jsonify_response(NOT_STARTED, status=400)
    return jsonify_response({"details": "Training started"})


def task_of(body: Any) -> dict[str, Any]:
    """The task a ``mode=data`` body names: the body when it has ``data``, else ``{"data": body}``."""
    try:
        task = body if "data" in body else {"data": body}
    except TypeError as exc:
        raise Crash(str(exc), query_args(), "TypeError") from exc
    if not isinstance(task, dict):
        raise Crash(f"'{type(task).__name__}' object has no attribute 'get'", query_args(), "AttributeError")
    return task


async def _all_tasks(ls: LabelStudio) -> Response:
    """Fresh predictions replace the stored ones of every task (imported ones too; ``[]`` when none came)."""
    fresh = {task.id: await mlbackends.predicted(ls, ls.source_task(task)) for task in ls.tasks()}
    with ls.store.transaction():
        for task_id, shown in fresh.items():
            record = ls.task(task_id)
            if record is not None:
                ls.store.update(record, predictions=shown["predictions"])
    return jsonify_response({"details": "predictions are ready"})


async def post_predictions(ls: LabelStudio, mode: str | None = None, body: Any = None) -> Response:
    """Without a backend 400 ``"No ML backend"`` whatever the mode (checked first). ``mode=data`` (default): the
    body's task with fresh predictions (no JSON body: 422); ``mode=all_tasks``: every task; other modes: 422."""
    if not mlbackends.backends(ls):
        return jsonify_response(NO_BACKEND, status=400)
    mode = "data" if mode is None else mode
    if mode == "all_tasks":
        return await _all_tasks(ls)
    if mode != "data":
        return jsonify_response({"detail": "unknown mode"}, status=422)
    if body is None:
        return jsonify_response({"detail": "no task data found in request json"}, status=422)
    return jsonify_response(await mlbackends.predicted(ls, task_of(body)))


def _sent_a_body() -> bool:
    return request.headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in request.headers


async def predictions(ls: LabelStudio, mode: str | None = None, body: Any = None) -> Response:
    """As ``POST``; the body of a ``GET`` is read too (Connexion gives a ``GET`` without one an empty object)."""
    return await post_predictions(ls, mode, body if _sent_a_body() else None)


async def states(ls: LabelStudio) -> Response:
    return html_response('{"status": "done"}')
