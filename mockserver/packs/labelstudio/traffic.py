"""Recorded Label Studio traffic → a scenario (``mockserver import-world --api labelstudio``).

The exchanges are read in order, and what each successful one says replaces what was known (the last writer
wins): the project from its answers (``GET/POST/PATCH /api/project``) and saved configs; tasks from the answers
that show them (``GET /api/tasks`` pages, ``GET /api/tasks/{id}``, ``next``) and from JSON imports (with the ids
the answer gave); completion writes and every delete as the real server applies them. Completions created or
changed through the API carry the time of the exchange as ``created_at`` until a later answer shows them.

Whether a ``completions`` list is the task's completions file (done) or the completions it was imported with
(open): ``GET /api/tasks`` adds ``completed_at`` to done tasks; ``GET /api/tasks/{id}`` shows a done task with its
keys sorted (the completions file is written so) and an open one with ``id`` first.

Not mapped: ML backends, storage settings, stored files, multi-session projects, file imports (their tasks come in
when an answer shows them), and the port the real server reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from mockserver.har import Entry
from mockserver.packs.labelstudio import labelconfig
from mockserver.traffic_world import Exchange, Imported, NotMapped, Routes

DERIVED = ("completed_at", "has_cancelled_completions")
"""Keys ``GET /api/tasks`` adds to done tasks (computed from their completions)."""


@dataclasses.dataclass
class View:
    """The world as the traffic showed it so far."""

    project: dict[str, Any] = dataclasses.field(default_factory=dict)
    """``set_project`` parameters."""
    tasks: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)
    """Task id → ``put_task`` parameters (without ``id``; ``data`` missing while no answer showed it)."""
    deleted: int = 0
    """Tasks deletes removed (each one, and every task known when all were deleted)."""

    # the project -----------------------------------------------------------------------------------

    def project_answer(self, exchange: Exchange) -> None:
        if exchange.query.get("new"):
            raise NotMapped("multi-session projects")
        answer = _object(exchange.answer(), "project answer")
        try:
            config, line = answer["config"], answer["label_config_line"]
            self.project.update(
                title=config["title"], description=config["description"], sampling=config["sampling"],
                instruction=answer["instruction"], directory=config["config_path"].removesuffix("/config.json"),
                label_config_updated=bool(config.get("label_config_updated", False)))
        except (KeyError, TypeError, AttributeError):
            raise NotMapped("project answers without their fields") from None
        known = self.project.get("label_config")
        if not isinstance(known, str) or _line(known) != line:
            self.project["label_config"] = line

    def config_saved(self, exchange: Exchange) -> None:
        body = exchange.form() if exchange.media_type() == "application/x-www-form-urlencoded" else exchange.sent()
        text = body.get("label_config") if isinstance(body, dict) else None
        if not isinstance(text, str):
            raise NotMapped("config saves without a label_config")
        self.project.update(label_config=text.replace("\r\n", "\n"), label_config_updated=True)

    # tasks ---------------------------------------------------------------------------------------

    def task_shown(self, item: dict[str, Any], done: bool) -> None:
        """A task as a read shows it whole (``done``: its ``completions`` are its completions file)."""
        task_id = _task_id(item)
        if not isinstance(item.get("data"), dict):
            raise NotMapped("task answers without data")
        self.tasks[task_id] = {
            "data": item["data"], "predictions": item.get("predictions"),
            "completions": item.get("completions", []) if done else None,
            "imported_completions": None if done else item.get("completions")}

    def task_fields(self, item: Any) -> None:
        """A task of a page with ``fields``: what it names replaces what was known."""
        item = _object(item, "task answer")
        task = self.tasks.setdefault(_task_id(item), {"predictions": None, "completions": None,
                                                       "imported_completions": None})
        if "data" in item:
            task["data"] = item["data"]
        if "predictions" in item:
            task["predictions"] = item["predictions"]
        if "completions" in item:
            done = task["completions"] is not None or any(key in item for key in DERIVED)
            task["completions" if done else "imported_completions"] = item["completions"]

    def task_page(self, exchange: Exchange) -> None:
        fields = exchange.query.get("fields", "all").split(",")
        items = exchange.answer()
        if not isinstance(items, list):
            raise NotMapped("task pages that are not lists")
        for item in items:
            if "all" in fields:  # keys sorted (jsonify): a done task is one with the derived keys
                item = _object(item, "task answer")
                self.task_shown({key: value for key, value in item.items() if key not in DERIVED},
                                done=any(key in item for key in DERIVED))
            else:
                self.task_fields(item)

    def task_read(self, exchange: Exchange) -> None:
        """``GET /api/tasks/{id}`` (ujson, keys as kept): a done task's keys are sorted, an open one starts with
        ``id``."""
        item = _object(exchange.answer(), "task answer")
        self.task_shown(item, done=bool(item) and next(iter(item)) != "id")

    def next_read(self, exchange: Exchange) -> None:
        """``next``: an open task."""
        self.task_shown(_object(exchange.answer(), "task answer"), done=False)

    def imported(self, exchange: Exchange) -> None:
        """A JSON import: the tasks as sent, with the ids the answer gave; completions sent with a task are saved
        into its completions file at once."""
        if exchange.media_type() != "application/json":
            raise NotMapped("file imports")
        body, ids = exchange.sent(), _object(exchange.answer(), "import answer").get("new_task_ids")
        items = [body] if isinstance(body, dict) else body
        if not isinstance(items, list) or not isinstance(ids, list) or len(ids) != len(items):
            raise NotMapped("imports whose answer does not name their tasks")
        now = _seconds(exchange)
        for task_id, item in zip(ids, items, strict=True):
            task = item if isinstance(item, dict) and isinstance(item.get("data"), dict) else {"data": item}
            given = task.get("completions")
            completions = [dict(sorted({**c, "created_at": now, "id": task_id * 1000 + n}.items()))
                           for n, c in enumerate(given or [], 1)]
            self.tasks[task_id] = {"data": task["data"], "predictions": task.get("predictions"),
                                   "completions": completions or None, "imported_completions": given}

    def task_deleted(self, exchange: Exchange) -> None:
        self.tasks.pop(_int(exchange.params["task_id"]), None)
        self.deleted += 1

    def all_deleted(self, exchange: Exchange) -> None:
        self.deleted += len(self.tasks)
        self.tasks.clear()

    # completions ----------------------------------------------------------------------------------

    def _known(self, exchange: Exchange) -> dict[str, Any]:
        task = self.tasks.get(_int(exchange.params["task_id"]))
        if task is None:
            raise NotMapped("completion writes to tasks not seen")
        return task

    def completion_created(self, exchange: Exchange) -> None:
        task, body = self._known(exchange), _object(exchange.sent(), "completion")
        completion_id = _object(exchange.answer(), "completion answer").get("id")
        if not isinstance(completion_id, int):
            raise NotMapped("completion answers without an id")
        if exchange.query.get("was_cancelled"):
            body["was_cancelled"] = True
        else:
            body.pop("skipped", None)
            body.pop("was_cancelled", None)
        _save(task, {**body, "id": completion_id}, _seconds(exchange), completion_id)

    def completion_changed(self, exchange: Exchange) -> None:
        task, body = self._known(exchange), _object(exchange.sent(), "completion")
        body["id"] = _int(exchange.params["completion_id"])
        if "was_cancelled" in body:
            body["was_cancelled"] = False
        new_id = _int(exchange.params["task_id"]) * 1000 + len(task["completions"] or []) + 1
        _save(task, body, _seconds(exchange), new_id)

    def completion_deleted(self, exchange: Exchange) -> None:
        task, completion_id = self._known(exchange), _int(exchange.params["completion_id"])
        if task["completions"] is not None:
            task["completions"] = [c for c in task["completions"] if c.get("id") != completion_id]

    def completions_deleted(self, exchange: Exchange) -> None:
        self._known(exchange)["completions"] = None

    def all_completions_deleted(self, exchange: Exchange) -> None:
        for task in self.tasks.values():
            task["completions"] = None

    # the scenario ---------------------------------------------------------------------------------

    def routes(self) -> Routes:
        return Routes({
            "GET /api/project": self.project_answer, "POST /api/project": self.project_answer,
            "PATCH /api/project": self.project_answer,
            "POST /api/project/config": self.config_saved, "POST /api/save-config": self.config_saved,
            "GET /api/tasks": self.task_page, "GET /api/tasks/{task_id}": self.task_read,
            "GET /api/project/next": self.next_read, "GET /api/projects/1/next": self.next_read,
            "POST /api/project/import": self.imported, "POST /api/import": self.imported,
            "DELETE /api/tasks": self.all_deleted, "DELETE /api/tasks/delete": self.all_deleted,
            "DELETE /api/tasks/{task_id}": self.task_deleted,
            "POST /api/tasks/{task_id}/completions": self.completion_created,
            "PATCH /api/tasks/{task_id}/completions/{completion_id}": self.completion_changed,
            "DELETE /api/tasks/{task_id}/completions/{completion_id}": self.completion_deleted,
            "DELETE /api/tasks/{task_id}/completions": self.completions_deleted,
            "DELETE /api/completions": self.all_completions_deleted,
            "DELETE /api/project/completions": self.all_completions_deleted,
        })

    def imported_world(self, entries: Sequence[Entry]) -> Imported:
        unmapped = self.routes().replay(entries)
        whole = {task_id: task for task_id, task in sorted(self.tasks.items()) if "data" in task}
        steps: list[tuple[str, dict[str, Any]]] = [("set_project", dict(self.project))] if self.project else []
        steps += [("put_task", {"id": task_id, **{key: value for key, value in task.items() if value is not None}})
                  for task_id, task in whole.items()]
        done = [task["completions"] for task in whole.values() if task["completions"] is not None]
        notes = [f"{self.deleted} task{'s' if self.deleted != 1 else ''} deleted"] if self.deleted else []
        if len(whole) < len(self.tasks):
            notes.append(f"{len(self.tasks) - len(whole)} tasks seen without their data left out")
        return Imported(
            description=f"The Label Studio project as {len(entries)} recorded exchanges last showed it.",
            steps=tuple(steps),
            mapped=(("project config", int(bool(self.project))), ("tasks", len(whole)),
                    ("completions", sum(len(c) for c in done)),
                    ("predictions", sum(len(t.get("predictions") or []) for t in whole.values()))),
            unmapped=unmapped, notes=tuple(notes))


def _save(task: dict[str, Any], completion: dict[str, Any], now: int, new_id: int) -> None:
    """``project.save_completion``: update the completion with that id, or append it as ``new_id``."""
    completions = [dict(c) for c in task["completions"] or []]
    completion = {**completion, "created_at": now}
    for existing in completions:
        if existing.get("id") == completion["id"]:
            existing.update(completion)
            break
    else:
        completion["id"] = new_id
        completions.append(completion)
    task["completions"] = [dict(sorted(c.items())) for c in completions]


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NotMapped(f"{what}s that are not objects")
    return value


def _task_id(item: dict[str, Any]) -> int:
    task_id = item.get("id")
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise NotMapped("task answers without an id")
    return task_id


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise NotMapped("ids that are not numbers") from None


def _seconds(exchange: Exchange) -> int:
    return int(exchange.entry.started.timestamp())


def _line(text: str) -> str | None:
    try:
        return labelconfig.parse(text).line
    except labelconfig.ConfigError:
        return None


def world_from_traffic(entries: Sequence[Entry]) -> Imported:
    """``Pack.world_from_traffic``: the scenario of the Label Studio project the traffic shows."""
    return View().imported_world(entries)
