"""The deprecated routes 0.8.1 still answers (each logs a deprecation warning and calls the new handler, or fails
as the real one fails)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio import mlbackends
from mockserver.packs.labelstudio.api import LabelStudio, html_response, jsonify_response
from mockserver.packs.labelstudio.errors import Crash, Unwrapped
from mockserver.packs.labelstudio.handlers import completions, export, models, project, tasks


async def next_task(ls: LabelStudio) -> Response:
    """``/api/projects/1/next/``: ``GET /api/project/next``."""
    return await project.next_task(ls)


async def completion_ids(ls: LabelStudio) -> Response:
    """``/api/projects/1/completions_ids/``: the ids of ``GET /api/completions`` as a bare list."""
    return jsonify_response(sorted(t.id for t in ls.tasks() if t.completions is not None))


async def expert_instruction(ls: LabelStudio) -> Response:
    """The project's ``instruction`` as ``text/html; charset=utf-8``."""
    return html_response(ls.project().instruction)


async def export_completions(ls: LabelStudio, format_: str | None = None) -> Response:
    return await export.export(ls, format_)


async def save_config(ls: LabelStudio, body: Any = None) -> Response:
    return await project.save_config(ls, body)


async def import_tasks(ls: LabelStudio, body: Any = None) -> Response:
    return await project.import_tasks(ls, body)


async def train(ls: LabelStudio) -> Response:
    return await models.train(ls)


async def predict(ls: LabelStudio, body: Any = None) -> Response:
    """``/predict`` reads ``'data' in request.json`` first: no JSON body is werkzeug's 500 page; otherwise, without
    an ML backend, 400 ``"No ML backend"``."""
    if body is None or not isinstance(body, dict | list | str):
        raise Unwrapped(f"argument of type '{type(body).__name__}' is not iterable")
    task = body if "data" in body else {"data": body}
    if not mlbackends.backends(ls):
        return await models.train(ls)
    if not isinstance(task, dict):
        raise Unwrapped(f"'{type(task).__name__}' object has no attribute 'get'")
    return jsonify_response(await mlbackends.predicted(ls, task))


async def cancel_task(ls: LabelStudio, task_id: str) -> Response:
    """``POST /api/tasks/<id>/cancel`` raises its ``DeprecatedException`` outside any wrapper: werkzeug's 500."""
    raise Unwrapped("/api/tasks/<task_id>/cancel is deprecated, use POST /api/tasks/<task_id>/completions/")


async def remove_ml_backend(ls: LabelStudio, body: Any = None) -> Response:
    """``POST /api/remove-ml-backend``: as ``DELETE /api/models``, but outside any wrapper (failures are werkzeug's
    500 page)."""
    try:
        return await models.delete_model(ls, body)
    except Crash as exc:
        raise Unwrapped(exc.detail) from exc


async def delete_all_tasks(ls: LabelStudio) -> Response:
    """``DELETE /api/tasks/delete``: ``DELETE /api/tasks``."""
    return await tasks.delete_all_tasks(ls)


async def delete_all_completions(ls: LabelStudio) -> Response:
    """``DELETE /api/project/completions/``: ``DELETE /api/completions``."""
    return await completions.delete_all_completions(ls)
