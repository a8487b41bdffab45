"""The ML backends of the project, coupled as Label Studio 0.8.1 couples them (``project.py`` and ``MLBackend`` in
``label_studio/utils/models.py``): connect, fresh predictions of a task, train, clear, disconnect.

Every "is this backend connected" asks its ``/health``; every prediction asks ``/setup`` for the model version,
then ``/predict`` for the one task. A failing backend ends a round of predictions quietly (the real server only
logs it) and the task keeps the predictions it had.
"""

from __future__ import annotations

import copy
import json
import posixpath
import uuid
from typing import Any
from urllib.parse import urlparse

from mockserver.packs.labelstudio.api import LabelStudio, query_args
from mockserver.packs.labelstudio.errors import Crash
from mockserver.packs.labelstudio.mlapi import MLApi
from mockserver.packs.labelstudio.records import MLBackend, TrainJob

NAMED = "=http"
"""``name=http://…`` names the backend."""
RUNNING = ("queued", "started")


def backends(ls: LabelStudio) -> list[MLBackend]:
    return ls.store.select(MLBackend, "project = ?", (ls.project_id,), order="id")


def config_entries(ls: LabelStudio) -> list[dict[str, str]]:
    """``config["ml_backends"]``."""
    return [{"name": backend.name, "url": backend.url} for backend in backends(ls)]


def _project_name(ls: LabelStudio) -> str:
    """``project.name``: the project directory, in multi-session mode ``<owner>/<uuid>``."""
    project = ls.project()
    return f"{project.owner}/{project.uuid}" if project.uuid else project.directory


def _api(backend: MLBackend) -> MLApi:
    return MLApi(backend.url, backend.name)


def _crash(exc: Exception) -> Crash:
    return Crash(str(exc), query_args(), type(exc).__name__)


def _is_url(text: str) -> bool:
    try:
        parts = urlparse(text.strip())
    except ValueError:
        return False
    return bool(parts.scheme and parts.netloc)


def params(ls: LabelStudio, value: Any) -> tuple[str, str]:
    """``_create_ml_backend_params``: (name, url). Without a name: the last part of the project's name and four
    random hex digits. Not a URL: the real ``ValueError``; not a string: the real ``TypeError``/``AttributeError``."""
    try:
        if NAMED in value:
            name, url = value.split("=", 1)
        else:
            name, url = posixpath.basename(_project_name(ls)) + str(uuid.uuid4())[:4], value
        if not _is_url(url):
            raise ValueError(f'Specified string "{url}" doesn\'t look like URL.')
    except (TypeError, AttributeError, ValueError) as exc:
        raise _crash(exc) from exc
    return name, url


async def _connected(api: MLApi) -> bool:
    return not (await api.health()).is_error


async def connect(ls: LabelStudio, value: Any) -> None:
    """``update_params``: a backend that does not answer its ``/health`` is not connected (500)."""
    name, url = params(ls, value)
    if not await _connected(MLApi(url, name)):
        raise Crash(f'ML backend with URL: "{url}" is not connected.', query_args(), "ValueError")
    with ls.store.transaction():
        number = int(ls.store.scalars("SELECT COALESCE(MAX(id), 0) + 1 FROM ml_backends")[0])
        ls.store.insert(MLBackend(number, ls.project_id, name, url))


def disconnect(ls: LabelStudio, name: Any) -> None:
    """``remove_ml_backend``: the first backend of that name; none is the real ``KeyError``."""
    found = next((backend for backend in backends(ls) if backend.name == name), None)
    if found is None:
        try:
            raise KeyError('Can\'t remove ML backend with name "' + name + '": not found.')
        except (KeyError, TypeError) as exc:
            raise _crash(exc) from exc
    with ls.store.transaction():
        ls.store.delete(MLBackend, "id = ?", (found.id,))


async def check_connections(ls: LabelStudio) -> None:
    """``load_project_and_ml_backends`` (after a config save): each backend is asked for its ``/health``."""
    for backend in backends(ls):
        await _connected(_api(backend))


async def clear(ls: LabelStudio) -> None:
    """``delete_tasks``: each backend is told to ``/delete`` the project (failures are only logged)."""
    for backend in backends(ls):
        await _api(backend).delete()


async def _prediction(api: MLApi, task: dict[str, Any], line: str) -> dict[str, Any] | None:
    """``MLBackend.make_predictions``: ``/setup``, then ``/predict`` with its model version; None for any failure."""
    setup = await api.setup(line)
    if setup.is_error or not isinstance(setup.body, dict) or "model_version" not in setup.body:
        return None
    answer = await api.predict([task], setup.body["model_version"], line)
    if answer.is_error:
        return None
    try:
        result = answer.body["results"][0]
    except (KeyError, IndexError, TypeError):
        return None
    return result if isinstance(result, dict) else None


async def predicted(ls: LabelStudio, task: dict[str, Any]) -> dict[str, Any]:
    """``project.make_predictions``: the task with one fresh prediction per connected backend (``created_by``: the
    backend's name, ``created_date``: local ISO time); its own predictions if none came. No backend: unchanged."""
    connected = backends(ls)
    if not connected:
        return task
    task = copy.deepcopy(task)
    stored = task.get("predictions")
    task["predictions"] = []
    line = ls.config().line
    for backend in connected:
        api = _api(backend)
        if not await _connected(api):
            continue
        prediction = await _prediction(api, task, line)
        if prediction is None:
            break
        prediction["created_by"] = backend.name
        prediction["created_date"] = ls.local_iso_time()
        task["predictions"].append(prediction)
    if not task["predictions"] and stored:
        task["predictions"] = stored
    return task


def _field(body: Any, key: str) -> Any:
    try:
        return body[key]
    except (KeyError, TypeError, IndexError) as exc:
        raise _crash(exc) from exc


async def _train(ls: LabelStudio, backend: MLBackend, completions: list[Any]) -> None:
    """``MLBackend.train``: not while its last job or ``/is_training`` says it is running."""
    api = _api(backend)
    job = ls.store.get(TrainJob, backend.name)
    if job is not None:
        status = await api.job_status(json.loads(job.job))
        if not status.is_error and _field(status.body, "job_status") in RUNNING:
            raise Crash("Can't start new training: Train job is running.", query_args(), "CantStartTrainJobError")
    training = await api.is_training()
    if training.is_error:
        raise Crash(f"Can't validate whether model is training for project {_project_name(ls)}", query_args(),
                    "CantValidateIsTraining")
    if _field(training.body, "is_training"):
        raise Crash("Can't start new training: Train job is running.", query_args(), "CantStartTrainJobError")
    answer = await api.train(completions, ls.config().line)
    if answer.is_error:
        raise Crash(f"Can't update model: ML backend returns an error: {answer.error}", query_args(),
                    "CantStartTrainJobError")
    if not isinstance(answer.body, dict):
        raise Crash(f"'{type(answer.body).__name__}' object has no attribute 'get'", query_args(), "AttributeError")
    started = answer.body.get("job")
    if started:
        with ls.store.transaction():
            ls.store.delete(TrainJob, "name = ?", (backend.name,))
            ls.store.insert(TrainJob(backend.name, json.dumps(started)))
        if not isinstance(started, str):  # kept, then logged as 'train job ' + job
            raise Crash(f'can only concatenate str (not "{type(started).__name__}") to str', query_args(), "TypeError")


async def train(ls: LabelStudio) -> bool:
    """``project.train``: every connected backend gets the completions files of all done tasks; False when none
    answered its ``/health``."""
    completions = [ls.completions_file(task) for task in ls.tasks() if task.completions is not None]
    started = False
    for backend in backends(ls):
        if await _connected(_api(backend)):
            await _train(ls, backend, completions)
            started = True
    return started
