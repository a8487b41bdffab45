"""Test arrangement and scenario steps: datasets and entries added to a seeded world (``mockserver.world`` in
pytest, ``fixtures/idah/scenarios/*.yaml``). Counters are rolled up as the service does."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from mockserver.errors import ConfigurationError
from mockserver.packs.idah import records as r
from mockserver.packs.idah import workflow
from mockserver.packs.idah.ids import uuid7
from mockserver.store import Store
from mockserver.world import WorldInfo

STEPS = ("annotate", "review", "done", "error")


class Arranger:
    def __init__(self, store: Store, world: WorldInfo, seed: str) -> None:
        self.store, self.world = store, world
        self.rng = random.Random(seed)

    def _now(self) -> int:
        return time.time_ns() // 1_000_000

    def _project(self, name: str) -> r.Project:
        projects = self.store.select(r.Project, order="id")
        found = next((p for p in projects if name in ("", p.id, p.name)), None)
        if found is None:
            raise ConfigurationError(f"no project {name!r} (projects: {', '.join(p.name for p in projects)})")
        return found

    def _account(self, project: r.Project, label: str) -> r.ProjectMember | None:
        """The enabled member of ``project`` whose account has the printed role ``label`` (None for "")."""
        if not label:
            return None
        user = next((u for u in self.world.known_users if label in (u.role, u.email)), None)
        member = user and self.store.one(r.ProjectMember, "project_id = ? AND account_id = ? AND disabled_at IS NULL",
                                         (project.id, int(user.id)))
        if not member:
            raise ConfigurationError(f"{label!r} is no enabled member of the project {project.name!r}")
        return member

    def add_dataset(self, project: str = "", name: str = "Arranged batch", modality: str = "idah-image",
                    sample_rate: float = 1.0) -> r.Dataset:
        """An empty dataset in the project named (by name or id; "": the first project)."""
        now = self._now()
        dataset = r.Dataset(uuid7(now, self.rng), self._project(project).id, name, [], modality, {},
                            {"sample_rate": sample_rate}, "pending", 0.0, 0, 0, 0, now, now)
        self.store.insert(dataset)
        return dataset

    def add_entries(self, dataset: str, count: int = 1, step: str = "annotate", assignee: str = "",
                    submitter: str = "") -> r.Dataset:
        """``count`` entries at ``step``, assigned to / submitted by printed roles ("": nobody)."""
        found = self.store.get(r.Dataset, dataset)
        if found is None:
            raise ConfigurationError(f"no dataset {dataset!r}")
        if step not in STEPS:
            raise ConfigurationError(f"step must be one of {', '.join(STEPS)}")
        project = self._project(found.project_id)
        doer, author = self._account(project, assignee), self._account(project, submitter)
        now = self._now()
        for number in range(count):
            self.store.insert(r.Entry(
                uuid7(now + number, self.rng), project.id, found.id, f"arranged_{number}.jpg", 0, step,
                workflow.status_for(step, doer.account_id if doer else None), None,
                f"{self.rng.getrandbits(64):016x}.jpg", doer.account_id if doer else None,
                author.account_id if author else None, None, doer.email if doer else None,
                author.email if author else None, None, now, now))
        workflow.roll_up(self.store, found.id, now)
        stored = self.store.get(r.Dataset, found.id)
        assert stored is not None
        return stored


ACTIONS: dict[str, Callable[..., Any]] = {"add_dataset": Arranger.add_dataset, "add_entries": Arranger.add_entries}
"""Scenario step name → arranger method (its signature is the step's schema)."""
