"""Tasks: ``GET /api/tasks`` (paging, ordering, fields) and ``GET/DELETE /api/tasks/{task_id}``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio import mlbackends, wire
from mockserver.packs.labelstudio.api import (
    LabelStudio,
    empty,
    jsonify_response,
    parse_int,
    query_args,
)
from mockserver.packs.labelstudio.errors import Crash, JsonError
from mockserver.packs.labelstudio.records import Task

ORDERS = ("id", "completed_at", "has_cancelled_completions")


class Switch:
    """The real server's sort key wrapper: None sorts last in both directions; ``inverted`` False sorts
    descending. Its ``<`` is True for two equal values when inverted, which decides how ties come out (kept, so
    the order of ties is the real server's)."""

    def __init__(self, value: Any, inverted: bool) -> None:
        self.value, self.inverted = value, inverted

    def __eq__(self, other: object) -> bool:  # tuples of keys compare with == first
        if not isinstance(other, Switch):
            return NotImplemented
        if self.value is None or other.value is None:
            return self.value is None and other.value is None
        return bool(other.value == self.value)

    __hash__ = None  # type: ignore[assignment]

    def __lt__(self, other: Switch) -> bool:
        if self.value is None:
            return other.value is None
        if other.value is None:
            return True
        result = bool(other.value < self.value)
        return not result if self.inverted else result


def _completed_at(task: Task) -> Any:
    """The newest completion's ``created_at``; ``"undefined"`` when the completions list is empty."""
    try:
        return max(task.completions or [], key=lambda c: c["created_at"])["created_at"]
    except (ValueError, KeyError, TypeError):
        return "undefined"


def _cancelled(task: Task) -> int:
    return sum(bool(c.get("skipped", False) or c.get("was_cancelled", False)) for c in task.completions or [])


async def list_tasks(ls: LabelStudio, page: str = "1", page_size: str = "10", order: str = "id",
                     fields: str = "all") -> Response:
    args = query_args()
    number, size = parse_int(page, args), parse_int(page_size, args)
    if number < 1 or size < 1:
        raise JsonError({"detail": "Incorrect page or page_size"}, 422)
    if not order:
        raise Crash("string index out of range", args, "IndexError")
    inverted = order[0] == "-"
    key = order[1:] if inverted else order
    if key not in ORDERS:
        raise Crash("Incorrect order", args, "DataManagerException")
    if key == "id":  # a page by id needs only its tasks
        tasks = ls.tasks_page(size, (number - 1) * size, descending=inverted)
        return _page(ls, tasks, fields, args)
    rows = [_row(task) for task in ls.tasks()]
    try:
        if key == "has_cancelled_completions":
            rows.sort(key=lambda r: (Switch(r[key], not inverted), Switch(r["completed_at"], False)))
        else:
            rows.sort(key=lambda r: Switch(r[key], not inverted))
    except TypeError as exc:  # "undefined" against a time
        raise Crash(str(exc), args, "TypeError") from exc
    return _page(ls, [row["task"] for row in rows[(number - 1) * size:number * size]], fields, args)


def _row(t: Task) -> dict[str, Any]:
    """A task with the keys it sorts by (None for open tasks)."""
    return {"task": t, "id": t.id, "completed_at": None if t.completions is None else _completed_at(t),
            "has_cancelled_completions": None if t.completions is None else _cancelled(t)}


def _page(ls: LabelStudio, tasks: list[Task], fields: str, args: dict[str, str]) -> Response:
    """The page's tasks as the list shows them, only the ``fields`` asked for."""
    chosen = fields.split(",")
    shown = []
    for task in tasks:
        if task.completions is None:
            item = ls.source_task(task)
        else:
            item = ls.jsonified_task_with_completions(task)
            completed = _completed_at(task)
            item["completed_at"] = ls.local_time(completed) if isinstance(completed, int) else completed
            item["has_cancelled_completions"] = _cancelled(task)
        if "all" not in chosen:
            try:
                item = {name: item[name] for name in chosen}
            except KeyError as exc:
                raise Crash(str(exc), args, "KeyError") from exc
        shown.append(item)
    return jsonify_response(shown)


async def read_task(ls: LabelStudio, task_id: str, pretty: str | None = None) -> Response:
    task = ls.task(parse_int(task_id, query_args()))
    if task is None:
        raise Crash("'NoneType' object is not subscriptable", query_args(), "TypeError")
    shown = await mlbackends.predicted(ls, ls.shown(task))
    body = wire.ujson(shown, newline=True, indent=1 if pretty else 0)
    return Response(body, media_type="application/json")


async def delete_task(ls: LabelStudio, task_id: str) -> Response:
    """Also deletes its completions; an unknown id is the real server's ``KeyError`` (detail: the id). A completion
    without ``result`` elsewhere makes the schema update after the removal fail: 500 ``'result'``, task gone."""
    number = parse_int(task_id, query_args())
    with ls.store.transaction():
        if ls.task(number) is None or not ls.store.delete(Task, "project = ? AND id = ?", (ls.project_id, number)):
            raise Crash(str(number), query_args(), "KeyError")
    if ls.poisoned():
        raise Crash("'result'", query_args(), "KeyError")
    return empty(204, "application/json")


async def delete_all_tasks(ls: LabelStudio) -> Response:
    """204 (an empty body that says ``application/json``): every task and completion is gone; ids start at 0
    again. Each ML backend is told to ``/delete`` the project."""
    with ls.store.transaction():
        ls.store.delete(Task, "project = ?", (ls.project_id,))
    await mlbackends.clear(ls)
    return empty(204, "application/json")
