"""Completions of a task: create, update (PATCH), delete (labelstudio-real.md §3 items 8–9)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio.api import (
    LabelStudio,
    empty,
    html_response,
    jsonify_response,
    parse_int,
    query_args,
)
from mockserver.packs.labelstudio.errors import HTML, Crash
from mockserver.packs.labelstudio.records import lacks_result


def _body_dict(body: Any, method: str) -> dict[str, Any]:
    """What the real handler's first dict operation does to a body that is not an object."""
    if isinstance(body, dict):
        return dict(body)
    if body is None:
        raise Crash("'NoneType' object has no attribute 'pop'" if method == "POST"
                    else "'NoneType' object does not support item assignment", query_args(), "TypeError")
    if isinstance(body, list):
        raise Crash("pop expected at most 1 argument, got 2" if method == "POST"
                    else "list indices must be integers or slices, not str", query_args(), "TypeError")
    raise Crash(f"'{type(body).__name__}' object has no attribute 'pop'", query_args(), "AttributeError")


async def create_completion(ls: LabelStudio, task_id: str, body: Any = None,
                            was_cancelled: str | None = None) -> Response:
    """201 ``{"id": …}`` as ``text/html``; ``?was_cancelled=<anything non-empty>`` marks it cancelled, otherwise a
    ``was_cancelled`` (and ``skipped``) in the body is dropped; a client ``id`` is ignored unless it names an
    existing completion of the task (then that one is updated)."""
    number = parse_int(task_id, query_args())
    completion = _body_dict(body, "POST")
    if was_cancelled:
        completion["was_cancelled"] = True
    else:
        completion.pop("skipped", None)
        completion.pop("was_cancelled", None)
    with ls.store.transaction():
        completion_id = ls.save_completion(ls.task(number), completion)
    return html_response(f'{{"id":{completion_id}}}', 201)


async def update_completion(ls: LabelStudio, task_id: str, completion_id: str, body: Any = None) -> Response:
    """201 ``ok``: merges the body into the completion, stamps ``created_at``; an unknown completion id creates a
    new completion (with the next id); ``was_cancelled`` in the body becomes false; ``null`` → 200 text."""
    if completion_id == "null":
        return html_response("completion id is null")
    number, cid = parse_int(task_id, query_args()), parse_int(completion_id, query_args())
    completion = _body_dict(body, "PATCH")
    completion["id"] = cid
    if "was_cancelled" in completion:
        completion["was_cancelled"] = False
    with ls.store.transaction():
        ls.save_completion(ls.task(number), completion)
    return html_response("ok", 201)


async def delete_completion(ls: LabelStudio, task_id: str, completion_id: str) -> Response:
    """204, also for unknown tasks and completions; the task keeps its (maybe empty) completions list. The real
    server recomputes its output schema before writing, so a completion without ``result`` anywhere (this one
    included) makes it fail with ``'result'`` and delete nothing."""
    if completion_id == "null":
        return html_response("completion id is null")
    number, cid = parse_int(task_id, query_args()), parse_int(completion_id, query_args())
    with ls.store.transaction():
        task = ls.task(number)
        if task is not None and task.completions is not None:
            if ls.poisoned():
                raise Crash("'result'", query_args(), "KeyError")
            kept = [c for c in task.completions if c.get("id") != cid]
            ls.store.update(task, completions=kept, result_missing=lacks_result(kept), file_has_predictions=True)
    return empty(204, HTML)


async def delete_task_completions(ls: LabelStudio, task_id: str) -> Response:
    """204 (empty ``text/html``): the task is open again; unknown tasks too. The output schema is recomputed after
    the removal: a completion without ``result`` elsewhere makes it 500 ``'result'`` (the removal stays)."""
    number = parse_int(task_id, query_args())
    with ls.store.transaction():
        task = ls.task(number)
        if task is not None and task.completions is not None:
            ls.store.update(task, completions=None, result_missing=False, file_has_predictions=False)
    if ls.poisoned():
        raise Crash("'result'", query_args(), "KeyError")
    return empty(204, HTML)


async def list_completion_ids(ls: LabelStudio) -> Response:
    """``{"ids": [...]}``: the ids of the tasks that have a completions file (not completion ids), sorted."""
    return jsonify_response({"ids": [t.id for t in ls.tasks() if t.completions is not None]})


async def delete_all_completions(ls: LabelStudio) -> Response:
    """201 ``done`` (as ``text/html``): every task is open again."""
    with ls.store.transaction():
        ls.store.execute("UPDATE tasks SET completions = NULL, file_has_predictions = 0 WHERE project = ?",
                         (ls.project_id,))
    return html_response("done", 201)
