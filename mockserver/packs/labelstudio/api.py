"""What Label Studio handlers get first: the backend, the project and the real server's wire forms."""

from __future__ import annotations

import dataclasses
import datetime
import time
from typing import Any
from urllib.parse import urlsplit

from connexion import request
from starlette.responses import Response

from mockserver.backend import Backend
from mockserver.packs.labelstudio import labelconfig
from mockserver.packs.labelstudio.errors import HTML, Crash
from mockserver.packs.labelstudio.records import Project, Task, lacks_result
from mockserver.packs.labelstudio.sessions import MULTI_SESSION, PROJECT_KEY, SESSION_KEY
from mockserver.packs.labelstudio.wire import jsonify
from mockserver.store import SQLITE_MAX, Store


def jsonify_response(data: Any, status: int = 200) -> Response:
    """Flask's ``jsonify``: compact, keys sorted, a trailing newline, ``application/json``."""
    return Response(jsonify(data), status_code=status, media_type="application/json")


def html_response(body: bytes | str, status: int = 200) -> Response:
    """Flask's ``make_response(str)``: ``text/html; charset=utf-8`` whatever the text is."""
    return Response(body, status_code=status, media_type=HTML)


REDIRECT = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n'
            "<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: "
            '<a href="{target}">{target}</a>.  If not click the link.')
"""werkzeug's ``redirect`` page."""


def redirect(target: str) -> Response:
    """werkzeug's ``redirect``: 302, its page, ``Location`` absolute on the request's host."""
    response = html_response(REDIRECT.format(target=target), status=302)
    response.headers["Location"] = str(request.url.replace(path=target, query=""))
    return response


def empty(status: int, media_type: str) -> Response:
    response = Response(b"", status_code=status)
    response.headers["Content-Type"] = media_type
    return response


def sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every object sorted (``json.dump(..., sort_keys=True)`` read back)."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def parse_int(text: str, request_args: dict[str, str] | None = None) -> int:
    """Python's ``int(text)`` as the real handlers call it; a 500 envelope with ``ValueError``'s text otherwise."""
    try:
        return int(text)
    except ValueError as exc:
        raise Crash(str(exc), request_args if request_args is not None else {}, "ValueError") from exc


def query_args() -> dict[str, str]:
    """The request's query arguments (echoed by the 500 envelope as ``request``), first value of each."""
    return {key: value for key, value in request.query_params.items()}


@dataclasses.dataclass(frozen=True)
class LabelStudio:
    backend: Backend

    @property
    def store(self) -> Store:
        return self.backend.store

    def now(self) -> int:
        """UTC epoch seconds (completion ``created_at``)."""
        return self.backend.clock() // 1000

    def local_iso_time(self) -> str:
        """``datetime.now().isoformat()`` (prediction ``created_date``): local time with microseconds, here UTC."""
        now = datetime.datetime.fromtimestamp(self.backend.clock() / 1000, datetime.UTC)
        return now.replace(tzinfo=None).isoformat(timespec="microseconds")

    @staticmethod
    def local_time(seconds: int) -> str:
        """``completed_at``: ``YYYY-MM-DD HH:MM:SS`` in server local time (the mock's local time is UTC)."""
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds))

    @property
    def port(self) -> int:
        parts = urlsplit(self.backend.settings.base_url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def multi_session(self) -> bool:
        """``serve --mode multi-session`` (``start-multi-session``): a project per session cookie."""
        return self.backend.settings.mode == MULTI_SESSION

    @property
    def project_id(self) -> int:
        """The project of the request (multi-session mode: its session's, see ``sessions.py``); project 1
        otherwise."""
        try:
            return int(request.scope.get(PROJECT_KEY, 1))
        except RuntimeError:  # outside a request
            return 1

    @property
    def session_token(self) -> str:
        """Multi-session mode: the token of the request's session."""
        return str(request.scope[SESSION_KEY])

    def use_project(self, number: int) -> None:
        """The rest of the request works on project ``number`` (a new project of the session)."""
        request.scope[PROJECT_KEY] = number

    def project(self) -> Project:
        project = self.store.get(Project, self.project_id)
        assert project is not None
        return project

    def config(self) -> labelconfig.LabelConfig:
        return labelconfig.parse(self.project().label_config)

    def tasks(self) -> list[Task]:
        return self.store.select(Task, "project = ?", (self.project_id,), order="id")

    def tasks_page(self, size: int, offset: int, descending: bool = False) -> list[Task]:
        """``size`` tasks by id from ``offset`` on (SQL ``LIMIT``/``OFFSET``: only the page is read); a page past
        the ids no task can have is empty."""
        if offset > SQLITE_MAX:
            return []
        return self.store.select(Task, "project = ?", (self.project_id,), order="id DESC" if descending else "id",
                                 limit=min(size, SQLITE_MAX), offset=offset)

    def task(self, task_id: int) -> Task | None:
        """The task, or None (also for ids no task can have: beyond SQLite's 64-bit integers, which Python reads)."""
        if not -(2**63) <= task_id < 2**63:
            return None
        return self.store.get(Task, self.project_id, task_id)

    def next_task_id(self) -> int:
        return int(self.store.scalars("SELECT COALESCE(MAX(id), -1) + 1 FROM tasks WHERE project = ?",
                                      (self.project_id,))[0])

    def poisoned(self) -> bool:
        """A completion without ``result`` anywhere (accepted by the API) breaks every later output-schema update
        with ``KeyError('result')`` (labelstudio-real.md §3 item 8). Such tasks carry ``result_missing``, which a
        partial index finds without reading the project's tasks."""
        return bool(self.store.scalars("SELECT 1 FROM tasks WHERE project = ? AND result_missing = 1 LIMIT 1",
                                       (self.project_id,)))

    # wire forms ---------------------------------------------------------------------------------

    @staticmethod
    def source_task(task: Task) -> dict[str, Any]:
        """A task as imported (``tasks.json``): id, data, then the completions and predictions given at import."""
        shown: dict[str, Any] = {"id": task.id, "data": task.data}
        if task.imported_completions is not None:
            shown["completions"] = task.imported_completions
        if task.predictions is not None:
            shown["predictions"] = task.predictions
        return shown

    def task_with_completions(self, task: Task) -> dict[str, Any]:
        """A done task as its completions file holds it (keys sorted at every level: the file is written so), with
        the predictions of the source task (as imported)."""
        shown: dict[str, Any] = sorted_keys({**self.source_task(task), "completions": task.completions})
        shown["predictions"] = task.predictions or []
        return dict(sorted(shown.items()))

    def jsonified_task_with_completions(self, task: Task) -> dict[str, Any]:
        """``task_with_completions`` for a ``jsonify`` answer, which sorts the keys at every level itself: the same
        values, keys unsorted."""
        return {**self.source_task(task), "completions": task.completions, "predictions": task.predictions or []}

    @staticmethod
    def completions_file(task: Task) -> dict[str, Any]:
        """What ``completions/<id>.json`` holds (written with sorted keys): the source task with its completions, and
        its predictions only after a completion delete rewrote the file."""
        held: dict[str, Any] = {"completions": task.completions, "data": task.data, "id": task.id}
        if task.file_has_predictions:
            held["predictions"] = task.predictions or []
        result: dict[str, Any] = sorted_keys(held)
        return result

    def shown(self, task: Task) -> dict[str, Any]:
        return self.source_task(task) if task.completions is None else self.task_with_completions(task)

    def save_completion(self, task: Task | None, completion: dict[str, Any]) -> int:
        """``project.save_completion``: update the completion with ``completion["id"]`` or append a new one
        (id ``task_id * 1000 + number of completions + 1``); ``created_at`` is stamped either way."""
        if task is None:
            raise Crash("'NoneType' object does not support item assignment", {}, "TypeError")
        completions = [dict(c) for c in task.completions or []]
        completion = {**completion, "created_at": self.now()}
        for existing in completions:
            if "id" in completion and existing.get("id") == completion["id"]:
                existing.update(completion)
                break
        else:
            completion["id"] = task.id * 1000 + len(completions) + 1
            completions.append(completion)
        completions = [dict(sorted(c.items())) for c in completions]  # the completions file is written sorted
        self.store.update(task, completions=completions, predictions=task.predictions, file_has_predictions=False,
                          result_missing=lacks_result(completions))
        return int(completion["id"])
