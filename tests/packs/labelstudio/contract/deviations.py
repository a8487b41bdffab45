"""The Label Studio deviations: one for each domain check, each valid under the 0.8 spec."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from tests.contract.drift import Deviation, Group, Rewrite


def task_count_plus_one(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    if code == 200 and isinstance(body, dict) and isinstance(body.get("task_count"), int):
        body["task_count"] += 1
    return code, headers, body


def another_task(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A task read by id answered as the task after it."""
    if code == 200 and isinstance(body, dict) and isinstance(body.get("id"), int):
        body["id"] += 1
    return code, headers, body


def handed_out(task_id: int) -> Rewrite:
    """``next`` answers with the id of a task that is done."""
    def rewrite(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        if code == 200 and isinstance(body, dict):
            body["id"] = task_id
        return code, headers, body
    return rewrite


def export_without_first(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A JSON export that leaves out its first task."""
    if code != 200 or not isinstance(body, bytes):
        return code, headers, body
    source = zipfile.ZipFile(io.BytesIO(body))
    if "result.json" not in source.namelist():
        return code, headers, body
    items = json.loads(source.read("result.json"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("result.json", json.dumps(items[1:]))
    return code, headers, out.getvalue()


def completion_numbered_as_second(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A new completion answered with the id its task's second completion would get (``{"id": …}`` as text)."""
    text = body.decode() if isinstance(body, bytes) else body
    try:
        answer = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return code, headers, body
    if code == 201 and isinstance(answer, dict) and isinstance(answer.get("id"), int):
        answer["id"] += 1
        return code, headers, json.dumps(answer).encode() if isinstance(body, bytes) else json.dumps(answer)
    return code, headers, body


def groups(done_task: int) -> dict[str, Group]:
    """The deviations against a world in which ``done_task`` has completions."""
    return {
        "counters and tasks": Group("0.8", (
            Deviation("task_count one too many", "GET", "/api/project", task_count_plus_one,
                      "GET /api/project", "project_counters_match_tasks"),
            Deviation("a task read back as the next one", "GET", r"/api/tasks/\d+", another_task,
                      "GET /api/tasks", "listed_task_reads_back"),
            Deviation("export without its first task", "GET", "/api/project/export", export_without_first,
                      "GET /api/project/export", "export_holds_the_done_tasks"),
        )),
        "writes": Group("0.8", (
            Deviation("a first completion numbered as the second", "POST", r"/api/tasks/\d+/completions",
                      completion_numbered_as_second, "POST /api/project/import", "imported_tasks_go_round"),
        ), options=("--allow-writes",)),
        "next": Group("0.8", (
            Deviation("next hands out a done task", "GET", "/api/project/next", handed_out(done_task),
                      "GET /api/project/next", "next_task_is_open"),
        )),
    }
