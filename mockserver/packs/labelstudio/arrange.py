"""Test arrangement and scenario steps (``fixtures/labelstudio/scenarios/*.yaml``, ``mockserver import-world``):
the project of the single-project server (project 1) and its tasks, written as given.

A task is what the real server keeps of it: its data, the predictions and completions it was imported with, and
its completions file (``completions`` None: open; a list, maybe empty: done). Ids are kept as given, so a world
made from recorded traffic answers with the recorded ids; imports continue after the largest one.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from mockserver.errors import ConfigurationError
from mockserver.packs.labelstudio import labelconfig
from mockserver.packs.labelstudio.records import Project, Task, lacks_result
from mockserver.packs.labelstudio.world import SAMPLINGS
from mockserver.store import Store
from mockserver.world import WorldInfo

PROJECT = 1
"""The project of the single-project server."""


class Arranger:
    def __init__(self, store: Store, world: WorldInfo, seed: str = "arrange") -> None:
        self.store, self.world = store, world
        self.rng = random.Random(seed)

    def project(self) -> Project:
        project = self.store.get(Project, PROJECT)
        if project is None:
            raise ConfigurationError(f"no project {PROJECT}")
        return project

    def set_project(self, *, label_config: str | None = None, title: str | None = None,
                    description: str | None = None, sampling: str | None = None, instruction: str | None = None,
                    directory: str | None = None, label_config_updated: bool | None = None) -> Project:
        """Change what is given of the project (``label_config_updated``: a config was saved through the API)."""
        if label_config is not None:
            try:
                labelconfig.validate(label_config)
            except labelconfig.ConfigError as exc:
                raise ConfigurationError(f"label_config: {exc}") from None
        if sampling is not None and sampling not in SAMPLINGS:
            raise ConfigurationError(f"sampling must be one of {', '.join(SAMPLINGS)}, not {sampling!r}")
        given = {"label_config": label_config, "title": title, "description": description, "sampling": sampling,
                 "instruction": instruction, "directory": directory, "label_config_updated": label_config_updated}
        return self.store.update(self.project(), **{key: value for key, value in given.items() if value is not None})

    def put_task(self, *, id: int, data: dict[str, Any], predictions: list[Any] | None = None,
                 completions: list[dict[str, Any]] | None = None,
                 imported_completions: list[Any] | None = None) -> Task:
        """The task ``id`` as given (replacing a task with that id): ``completions`` None is an open task."""
        if id < 0:
            raise ConfigurationError(f"task ids are 0 or more, not {id}")
        task = Task(PROJECT, id, data, predictions, imported_completions, completions,
                    result_missing=lacks_result(completions))
        with self.store.transaction():
            self.store.delete(Task, "project = ? AND id = ?", (PROJECT, id))
            self.store.insert(task)
        return task

    def delete_task(self, *, id: int) -> int:
        """Remove the task ``id`` with its completions."""
        if not self.store.delete(Task, "project = ? AND id = ?", (PROJECT, id)):
            raise ConfigurationError(f"no task {id}")
        return id


ACTIONS: dict[str, Callable[..., Any]] = {
    "delete_task": Arranger.delete_task,
    "put_task": Arranger.put_task,
    "set_project": Arranger.set_project,
}
"""Scenario step name → arranger method (its signature is the step's schema)."""
