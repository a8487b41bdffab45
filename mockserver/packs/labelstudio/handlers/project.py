"""The project: ``/api/project``, its config, validation, import and ``next``."""

from __future__ import annotations

import base64
import random
import time
from typing import Any

from connexion import request
from starlette.responses import Response

from mockserver.packs.labelstudio import fileimport, labelconfig, mlbackends, sessions, urlimport
from mockserver.packs.labelstudio.api import LabelStudio, empty, html_response, jsonify_response, query_args
from mockserver.packs.labelstudio.errors import HTML, Crash, JsonError, TextError, Unwrapped
from mockserver.packs.labelstudio.middleware import BAD_REQUEST
from mockserver.packs.labelstudio.records import StoredFile, Task
from mockserver.packs.labelstudio.uploads import UPLOADS, Upload

STORAGES = [["s3", "Amazon S3"], ["s3-completions", "Amazon S3"], ["gcs", "Google Cloud Storage"],
            ["gcs-completions", "Google Cloud Storage"],
            ["completions-dir", 'Local [completions are in "completions" directory]'],
            ["tasks-json", 'Local [loading tasks from "tasks.json" file]']]
MAX_ERRORS = 100


async def read_project(ls: LabelStudio, status: int = 200, *, says_multi_session: bool | None = None) -> Response:
    """The project as ``Project.serialize`` gives it; ``multi_session_mode`` is inverted (true unless the server runs
    in multi-session mode) except where ``says_multi_session`` is given (project-switch reports it right)."""
    project, tasks = ls.project(), ls.tasks()
    directory = project.directory
    multi_session_mode = not ls.multi_session if says_multi_session is None else says_multi_session
    config: dict[str, Any] = {
        "allow_delete_completions": True, "config_path": f"{directory}/config.json", "debug": False,
        "description": project.description, "editor": {"debug": False}, "host": "localhost",
        "input_path": f"{directory}/tasks.json", "instruction": project.instruction,
        "label_config": f"{directory}/config.xml", "ml_backends": mlbackends.config_entries(ls),
        "output_dir": f"{directory}/completions",
        "port": ls.port, "protocol": "http://", "sampling": project.sampling,
        "show_project_links_in_multisession": True,
        "source": {"name": "Tasks", "path": f"{directory}/tasks.json", "type": "tasks-json"},
        "target": {"name": "Completions", "path": f"{directory}/completions", "type": "completions-dir"},
        "task_page_auto_update_timer": 10000, "templates_dir": "examples", "title": project.title,
    }
    if project.label_config_updated:
        config["label_config_updated"] = True
    for side, storage_type in (project.saved_storages or {}).items():
        config[side] = {"name": side, "params": {}, "path": None, "type": storage_type}
    parsed = ls.config()
    return jsonify_response({
        "available_storages": STORAGES, "can_delete_tasks": True, "can_manage_completions": True,
        "can_manage_tasks": True, "completion_count": sum(t.completions is not None for t in tasks),
        "config": config, "data_types": parsed.data_types, "instruction": project.instruction,
        "label_config_line": parsed.line, "multi_session_mode": multi_session_mode,
        "project_name": f"{project.owner}/{project.uuid}" if project.uuid else directory,
        "source_storage": {"readable_path": f"{directory}/tasks.json"},
        "source_syncing": False, "target_storage": {"readable_path": f"{directory}/completions"},
        "target_syncing": False, "task_count": len(tasks),
    }, status=status)


async def post_project(ls: LabelStudio, new: str | None = None, desc: str | None = None) -> Response:
    """Without ``new``: 200 and the project. ``?new=<anything>`` creates a project in multi-session mode only (201;
    the session switches to it, and ``desc`` becomes the description of every project made from then on, until the
    next ``new``); a single-project server fails with the 500 envelope of ``NotImplementedError``."""
    if not new:
        return await read_project(ls)
    if not ls.multi_session:
        raise Crash('"multi_session_force_recreate" option supported only with "start-multi-session" mode',
                    query_args(), "NotImplementedError")
    ls.use_project(sessions.create_project(ls.store, ls.backend, ls.session_token, desc).id)
    return await read_project(ls, status=201)


async def patch_project(ls: LabelStudio, body: Any = None) -> Response:
    """Only ``ml_backend`` is read: it connects an ML backend (``mlbackends.connect``); anything else: 201, the
    project unchanged."""
    if body is None or not isinstance(body, dict | list | str):
        raise Crash(f"argument of type '{type(body).__name__}' is not iterable", query_args(), "TypeError")
    if "ml_backend" in body:
        if not isinstance(body, dict):
            what = "string" if isinstance(body, str) else "list"
            raise Crash(f"{what} indices must be integers{'' if what == 'string' else ' or slices, not str'}",
                        query_args(), "TypeError")
        await mlbackends.connect(ls, body["ml_backend"])
    return await read_project(ls, status=201)


def check_config(ls: LabelStudio, text: Any) -> None:
    """``project.validate_label_config``: on its own, then against the tasks and completions (``ConfigError``)."""
    config = labelconfig.validate(text)
    tasks = ls.tasks()
    keys: list[str] | None = None
    if tasks:
        shared = set.intersection(*(set(t.data) for t in tasks))
        keys = [key for key in tasks[0].data if key in shared]
    used = labelconfig.used_labels([c for t in tasks for c in t.completions or []])
    labelconfig.check_against_tasks(config, keys, used)


def _check_config(ls: LabelStudio, text: Any) -> None:
    """``check_config``, refusals as 400 ``{"label_config": [text]}``."""
    try:
        check_config(ls, text)
    except labelconfig.ConfigError as exc:
        raise JsonError({"label_config": [str(exc)]}, 400) from exc


def _is_form() -> bool:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in ("application/x-www-form-urlencoded", "multipart/form-data")


def form_field(body: Any, name: str) -> Any:
    """A field of a JSON object, or of a form (Connexion gives a form's values as lists; Flask the first one)."""
    value = body.get(name) if isinstance(body, dict) else None
    if _is_form() and isinstance(value, list):
        return value[0] if value else ""
    return value


async def save_config(ls: LabelStudio, body: Any = None) -> Response:
    """The real handler reads the form field, else ``request.json["label_config"]`` outside any exception wrapper:
    a form without the field, or a body that is not JSON (XML, text, none), is werkzeug's 500 page."""
    missing = "label_config" not in body if isinstance(body, dict) else True
    if missing if _is_form() else body is None or isinstance(body, str | bytes):
        raise Unwrapped("label_config: no form field and no JSON body")
    text = form_field(body, "label_config")
    _check_config(ls, text)
    with ls.store.transaction():
        ls.store.update(ls.project(), label_config=str(text).replace("\r\n", "\n"), label_config_updated=True)
    await mlbackends.check_connections(ls)
    return empty(201, HTML)


async def validate_config(ls: LabelStudio, body: Any = None) -> Response:
    if not _is_form() or not isinstance(body, dict) or "label_config" not in body:
        raise TextError("No label_config in POST", status=417)
    _check_config(ls, form_field(body, "label_config"))
    return empty(204, HTML)


def _items(body: Any) -> tuple[list[Any], dict[str, int]]:
    """``uploader.load_tasks`` for JSON bodies: one task, a list, or (an empty list being falsy) the empty form."""
    if body is None:
        raise Crash("argument of type 'NoneType' is not iterable", {}, "TypeError")
    if isinstance(body, dict) or body == []:
        return [body if body != [] else EmptyForm()], {"request": 1}
    if isinstance(body, list):
        return body, {"request": len(body)}
    raise Crash("load_tasks: No data found in DATA or in FILES", {}, "ValidationError")


class EmptyForm(dict[str, Any]):
    """The empty ``request.form`` the real handler falls back to for ``[]``."""

    def __repr__(self) -> str:
        return "ImmutableMultiDict([])"

    __str__ = __repr__


def _uploaded(ls: LabelStudio, uploads: list[Upload]) -> tuple[list[Any], dict[str, int]]:
    """Tasks from the request's files (the files that become URL tasks are stored as they are read); a multipart
    body without files is the real 'No data found'."""
    if not uploads:
        raise Crash("load_tasks: No data found in DATA or in FILES", query_args(), "ValidationError")
    loaded = fileimport.Loaded()
    try:
        fileimport.load(uploads, ls.config().data_types, ls.backend.settings.base_url.rstrip("/"), loaded)
    except fileimport.UploadError as exc:
        raise Crash(str(exc), query_args(), "ValidationError") from exc
    finally:
        with ls.store.transaction():
            for name, content in loaded.stored.items():
                if ls.store.get(StoredFile, ls.project_id, name) is None:
                    ls.store.insert(StoredFile(ls.project_id, name, base64.b64encode(content).decode()))
    return loaded.tasks, fileimport.formats(loaded)


def _is_url_form() -> bool:
    return "application/x-www-form-urlencoded" in request.headers.get("content-type", "").lower()


async def _fetched(ls: LabelStudio, body: Any) -> list[Upload]:
    """The file of a ``url=`` form (``urlimport``); a form without ``url`` is werkzeug's ``BadRequestKeyError``."""
    url = form_field(body, "url")
    if not isinstance(url, str):
        raise Crash(BAD_REQUEST, query_args(), "ValidationError")
    try:
        return await urlimport.fetch(url, ls.backend.settings.max_body_bytes)
    except urlimport.FetchError as exc:
        raise Crash(str(exc), query_args(), "ValidationError") from exc


async def import_tasks(ls: LabelStudio, body: Any = None) -> Response:
    started = time.perf_counter()
    uploads = request.scope.get(UPLOADS)
    if uploads is None and _is_url_form():
        uploads = await _fetched(ls, body)
    items, formats = _uploaded(ls, uploads) if uploads is not None else _items(body)
    data_types = ls.config().data_types
    tasks, errors = [], []
    for index, item in enumerate(items):
        try:
            tasks.append(labelconfig.check_task(data_types, item))
        except TypeError as exc:  # not a validation error: the real handler's exception wrapper answers
            raise Crash(str(exc), query_args(), "TypeError") from exc
        except labelconfig.ConfigError as exc:
            errors.append(labelconfig.import_error(index, str(exc), item))
            if len(errors) >= MAX_ERRORS:
                errors[MAX_ERRORS - 1] = "..."
                break
    if errors:
        raise JsonError(errors, 400)
    with ls.store.transaction():
        first = ls.next_task_id()
        ids = list(range(first, first + len(tasks)))
        project = ls.project_id
        records = [Task(project, task_id, task["data"], task.get("predictions"), task.get("completions"), None)
                   if isinstance(task["data"], dict)  # Tasks.from_dict: id, data, completions, predictions as given
                   else Task(project, task_id, task, None, None, None)  # a list as "data": the whole item is the data
                   for task_id, task in zip(ids, tasks, strict=True)]
        ls.store.insert(*records)
        for record in records:
            for completion in record.imported_completions or []:
                ls.save_completion(ls.task(record.id), dict(completion))
        poisoned = ls.poisoned()
    if poisoned:  # the tasks stay imported
        raise Crash("'result'", {}, "KeyError")
    return jsonify_response({
        "completion_count": sum(len(t.get("completions", [])) for t in tasks),
        "duration": time.perf_counter() - started, "formats": formats, "new_task_ids": ids,
        "prediction_count": sum(len(t.get("predictions", [])) for t in tasks), "task_count": len(tasks),
    }, status=201)


def _mean_score(task: Task) -> Any:
    """The mean ``score`` of a task's predictions; a prediction without one is the real ``KeyError``."""
    predictions = task.predictions or []
    try:
        return sum((p["score"] for p in predictions), 0) / len(predictions)
    except KeyError as exc:
        raise Crash(str(exc), query_args(), "KeyError") from exc
    except TypeError as exc:
        raise Crash(str(exc), query_args(), "TypeError") from exc


async def next_task(ls: LabelStudio) -> Response:
    """An open task by the project's sampling; 404 with an empty ``text/html`` body when none is left."""
    sampling = ls.project().sampling
    open_tasks = [t for t in ls.tasks() if t.completions is None]
    chosen: Task | None = None
    if sampling == "sequential":
        chosen = open_tasks[0] if open_tasks else None
    elif sampling == "uniform":
        chosen = random.choice(open_tasks) if open_tasks else None  # random in the real server too
    elif sampling.startswith("prediction-score"):
        scores = {t.id: _mean_score(t) for t in open_tasks if t.predictions}
        if scores and sampling.endswith("-min"):
            chosen = ls.task(min(scores, key=scores.__getitem__))
        elif scores and sampling.endswith("-max"):
            chosen = ls.task(max(scores, key=scores.__getitem__))
        elif scores:
            raise Crash(f"Unknown sampling method {sampling}", query_args(), "NotImplementedError")
    else:
        raise Crash(f"Unknown sampling method {sampling}", query_args(), "NotImplementedError")
    if chosen is None:
        return html_response(b"", 404)
    return jsonify_response(await mlbackends.predicted(ls, ls.source_task(chosen)))
