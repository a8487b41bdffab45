"""The records of the Label Studio pack: the project (0.8.1 serves exactly one; project 1), its tasks, files and
ML backends, and in multi-session mode a project per session (``sessions.py``).

A task carries its completions the way the real server keeps them (``meta`` given at import is not kept):
``completions`` is None while the task has no completions file (an open task) and a list once one was written,
even after its last completion was deleted (the task then still counts as done).
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from mockserver.store import Schema


@dataclasses.dataclass(frozen=True)
class Project:
    table: ClassVar[str] = "projects"
    id: int
    title: str
    description: str
    directory: str
    """The absolute project directory the real server reports in its paths (``/srv/label-studio/…``)."""
    label_config: str
    """The labeling config as saved (``config.xml``)."""
    sampling: str
    instruction: str
    label_config_updated: bool
    saved_storages: dict[str, str] | None = None
    """Side (``source``/``target``) → the storage type a storage-settings POST saved (its config entry is rewritten
    without a path)."""
    uuid: str | None = None
    """Multi-session mode: the project's UUID (its directory ``<root>/<owner>/<uuid>``); None for project 1."""
    owner: str | None = None
    """Multi-session mode: the UUID of the session user who made it."""


@dataclasses.dataclass(frozen=True)
class Task:
    table: ClassVar[str] = "tasks"
    primary_key: ClassVar[tuple[str, ...]] = ("project", "id")
    project: int
    id: int
    data: dict[str, Any]
    predictions: list[Any] | None
    imported_completions: list[Any] | None
    """Completions given with the task at import, kept in the source task as given (shown while it is open)."""
    completions: list[dict[str, Any]] | None
    """None: no completions file (open); a list (maybe empty): the task is done."""
    file_has_predictions: bool = False
    """The completions file also holds the task's predictions (a completion delete writes them there; a completion
    save takes them out again): what the JSON export shows."""
    result_missing: bool = False
    """One of ``completions`` has no ``result`` (``lacks_result``; kept with every write of ``completions``): such a
    task breaks the project (``LabelStudio.poisoned``), which a partial index finds without reading every task."""


def lacks_result(completions: list[dict[str, Any]] | None) -> bool:
    """Whether a completion of ``completions`` has no ``result`` (what ``Task.result_missing`` records)."""
    return any("result" not in completion for completion in completions or [])


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A file an import stored (``upload/<md5>-<name>`` in the project directory), served at ``/data/upload/``."""

    table: ClassVar[str] = "uploads"
    primary_key: ClassVar[tuple[str, ...]] = ("project", "name")
    project: int
    name: str
    content: str
    """Base64."""


@dataclasses.dataclass(frozen=True)
class Session:
    """Multi-session mode: what the real server keeps in its signed session cookie (the mock keeps it here and
    sends the token)."""

    table: ClassVar[str] = "sessions"
    primary_key: ClassVar[tuple[str, ...]] = ("token",)
    token: str
    user: str
    project: str
    """The UUID of the session's current project."""
    shared: list[str]
    """UUIDs the session switched to that another user made (looked up by owner on every request)."""


@dataclasses.dataclass(frozen=True)
class NewProjects:
    """Multi-session mode, server-wide (the real server keeps it in its start arguments): the description new
    projects get, set by every ``POST /api/project?new=1&desc=…`` (None: the config's ``default``)."""

    table: ClassVar[str] = "new_projects"
    id: int
    description: str | None


@dataclasses.dataclass(frozen=True)
class MLBackend:
    """An ML backend connected to a project (its ``config["ml_backends"]`` entry), ``id`` in connection order."""

    table: ClassVar[str] = "ml_backends"
    id: int
    project: int
    name: str
    url: str


@dataclasses.dataclass(frozen=True)
class TrainJob:
    """The job id a backend's ``/train`` answered, by backend name, as JSON (the real server's ``train_jobs.json``
    outside the project directory, so a backend connected again under that name still has it): the next train
    asks the backend's ``/job_status`` first."""

    table: ClassVar[str] = "train_jobs"
    primary_key: ClassVar[tuple[str, ...]] = ("name",)
    name: str
    job: str


SCHEMA = Schema((Project, Task, StoredFile, Session, NewProjects, MLBackend, TrainJob), indexes=(
    "CREATE INDEX IF NOT EXISTS ix_ls_tasks_result_missing ON tasks(project) WHERE result_missing = 1",
))
