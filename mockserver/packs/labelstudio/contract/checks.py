"""Domain checks of the Label Studio 0.8 API: counters, task list, single tasks, ``next`` and export agree.

Each is a plain function ``(ctx, response, case)`` named for the property it asserts (see
``mockserver.contract.checks``); follow-ups run a bounded number of times per run (``memo``).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import expect, fail, follow_up, json_of, memo, ok

LARGEST_LISTING = 5000
"""Projects with more tasks than this are not listed whole by the checks."""


def _label(case: Any) -> str:
    return f"{case.method.upper()} {case.path}"


def _all_tasks(case: Any, count: int) -> tuple[list[dict[str, Any]], Any] | None:
    """Every task of the project on one page (``page_size`` above ``count``), and the follow-up case."""
    sent = follow_up(case, "GET", "/api/tasks", query={"page": "1", "page_size": str(count + 100)})
    tasks = expect(case, sent, ok, "listing every task")
    if sent is None or not isinstance(tasks, list):
        return None
    return [task for task in tasks if isinstance(task, dict)], sent[1]


def _project(case: Any) -> dict[str, Any] | None:
    project = expect(case, follow_up(case, "GET", "/api/project"), ok, "reading the project")
    return project if isinstance(project, dict) else None


def project_counters_match_tasks(ctx: Any, response: Any, case: Any) -> bool | None:
    """``task_count`` is the number of tasks, ``completion_count`` the number of done tasks (those that carry
    ``completions`` in the task list, even an empty list)."""
    project = json_of(response)
    if response.status_code != 200 or _label(case) != "GET /api/project" or not isinstance(project, dict):
        return None
    total = project.get("task_count")
    if not isinstance(total, int) or total > LARGEST_LISTING or not memo.first("project_counters_match_tasks"):
        return None
    listing = _all_tasks(case, total)
    if listing is None:
        return None
    tasks, follow = listing
    if len(tasks) != total:
        fail(case, f"task_count is {total}, but the task list holds {len(tasks)} tasks", follow=follow)
    done = sum("completions" in task for task in tasks)
    if project.get("completion_count") != done:
        fail(case, f"completion_count is {project.get('completion_count')}, but {done} tasks of the list are done",
             follow=follow)
    return True


def listed_task_reads_back(ctx: Any, response: Any, case: Any) -> bool | None:
    """A task of ``GET /api/tasks`` reads back by its id with the same id and data."""
    tasks = json_of(response)
    if response.status_code != 200 or _label(case) != "GET /api/tasks" or not isinstance(tasks, list):
        return None
    task = next((t for t in tasks if isinstance(t, dict) and isinstance(t.get("id"), int)), None)
    if task is None or not memo.first("listed_task_reads_back", times=2):
        return None
    sent = follow_up(case, "GET", "/api/tasks/{task_id}", path_parameters={"task_id": task["id"]})
    read = expect(case, sent, ok, f"reading task {task['id']}")
    if sent is None or not isinstance(read, dict):
        return None
    if read.get("id") != task["id"] or read.get("data") != task.get("data"):
        fail(case, f"GET /api/tasks/{task['id']} gave task {read.get('id')} with data {str(read.get('data'))[:80]}",
             follow=sent[1])
    return True


def next_task_is_open(ctx: Any, response: Any, case: Any) -> bool | None:
    """``next`` hands out an open task: one without completions."""
    task = json_of(response)
    if response.status_code != 200 or _label(case) != "GET /api/project/next" or not isinstance(task, dict):
        return None
    if "completions" in task:
        fail(case, f"next gave task {task.get('id')}, which has completions")
    if not isinstance(task.get("id"), int) or not memo.first("next_task_is_open", times=2):
        return True
    sent = follow_up(case, "GET", "/api/tasks/{task_id}", path_parameters={"task_id": task["id"]})
    read = expect(case, sent, ok, f"reading task {task['id']}")
    if sent is not None and isinstance(read, dict) and "completions" in read:
        fail(case, f"next gave task {task['id']}, which is done ({len(read['completions'])} completions)",
             follow=sent[1])
    return True


def _exported(case: Any) -> tuple[list[Any], Any] | None:
    """The items of a ``format=JSON`` export and its follow-up case (None where the spec has no export; a failed
    check when it is no ZIP holding ``result.json``)."""
    sent = follow_up(case, "GET", "/api/project/export", query={"format": "JSON"})
    if sent is None:
        return None
    expect(case, sent, ok, "exporting as JSON")
    try:
        with zipfile.ZipFile(io.BytesIO(sent[0].content)) as archive:
            exported = json.loads(archive.read("result.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        fail(case, f"the JSON export is not a ZIP holding result.json ({exc})", follow=sent[1])
    return (exported if isinstance(exported, list) else []), sent[1]


def export_holds_the_done_tasks(ctx: Any, response: Any, case: Any) -> bool | None:
    """The JSON export's ``result.json`` holds exactly the done tasks, by id (checked once per run, with a
    ``format=JSON`` export of its own after any export the run asked for)."""
    if (response.status_code != 200 or _label(case) != "GET /api/project/export"
            or not memo.first("export_holds_the_done_tasks")):
        return None
    exported = _exported(case)
    if exported is None:
        return None
    items, follow = exported
    project = _project(case)
    total = project.get("task_count") if project else None
    if not isinstance(total, int) or total > LARGEST_LISTING:
        return None
    listing = _all_tasks(case, total)
    if listing is None:
        return None
    done = sorted(task["id"] for task in listing[0] if "completions" in task)
    ids = sorted(item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), int))
    if ids != done:
        fail(case, f"the JSON export holds tasks {ids[:10]}, the done tasks are {done[:10]}", follow=follow)
    return True


def imported_tasks_go_round(ctx: Any, response: Any, case: Any) -> bool | None:
    """After an import of the run's own (201 with ``new_task_ids``; runs with ``--allow-writes``, once): the new
    tasks are in the task list, the first reads back with the data sent, takes a completion whose id is the task's
    first (``task_id * 1000 + 1``), reads back with it, ``next`` no longer hands it out, and the JSON export holds
    it with that completion."""
    body = json_of(response)
    if response.status_code != 201 or _label(case) != "POST /api/project/import" or not isinstance(body, dict):
        return None
    new = [task_id for task_id in body.get("new_task_ids") or [] if isinstance(task_id, int)]
    if not new or not memo.first("imported_tasks_go_round"):
        return None
    task_id, items = new[0], case.body if isinstance(case.body, list) else []
    task = {"task_id": task_id}
    read = expect(case, follow_up(case, "GET", "/api/tasks/{task_id}", path_parameters=task), ok,
                  f"reading the imported task {task_id}")
    sent = items[0].get("data", items[0]) if items and isinstance(items[0], dict) else None
    if isinstance(sent, dict) and isinstance(read, dict) and read.get("data") != sent:
        fail(case, f"imported {sent}, task {task_id} reads back with {read.get('data')}")
    project = _project(case)
    total = project.get("task_count") if project else None
    listing = _all_tasks(case, total) if isinstance(total, int) and total <= LARGEST_LISTING else None
    missing = [new_id for new_id in new if new_id not in {t.get("id") for t in listing[0]}] if listing else []
    if listing is not None and missing:
        fail(case, f"the imported tasks {missing[:10]} are not in the task list", follow=listing[1])
    completing = follow_up(case, "POST", "/api/tasks/{task_id}/completions", path_parameters=task,
                           body={"lead_time": 1.0, "result": []})
    made = expect(case, completing, ok, f"completing the imported task {task_id}")
    if completing is None:
        return True
    completion = made.get("id") if isinstance(made, dict) else None
    if completion != task_id * 1000 + 1:
        fail(case, f"the first completion of task {task_id} got the id {completion}, not {task_id * 1000 + 1}",
             follow=completing[1])
    read = expect(case, follow_up(case, "GET", "/api/tasks/{task_id}", path_parameters=task), ok,
                  f"reading task {task_id} after its completion")
    if isinstance(read, dict) and completion not in [c.get("id") for c in read.get("completions") or []]:
        fail(case, f"task {task_id} reads back without its completion {completion}")
    handing = follow_up(case, "GET", "/api/project/next")
    handed = json_of(handing[0]) if handing is not None else None
    if handing is not None and isinstance(handed, dict) and handed.get("id") == task_id:
        fail(case, f"next hands out task {task_id}, which was just completed", follow=handing[1])
    items = (_exported(case) or ([], None))[0]
    exported = next((item for item in items if isinstance(item, dict) and item.get("id") == task_id), None)
    if exported is None or completion not in [c.get("id") for c in exported.get("completions") or []]:
        fail(case, f"the JSON export does not hold task {task_id} with its completion {completion}")
    return True


DOMAIN_CHECKS: tuple[CheckFunction, ...] = (
    project_counters_match_tasks,
    listed_task_reads_back,
    next_task_is_open,
    export_holds_the_done_tasks,
    imported_tasks_go_round,
)
