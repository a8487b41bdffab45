"""Arranging a world directly in the store: look things up by role or name, add consistent records.

Scenario steps (``mockserver.scenarios``) are methods of ``Arranger``, and the pytest plugin hands
one to each test as ``mockserver.world``. References are strings: a known role (``admin``,
``manager``, ``user``), an email, a name or an id. Ids and timestamps come from one seeded
generator, so the same arrangement on the same world gives the same ids. Every method writes in
one transaction and returns the (new or changed) record.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from typing import Any, TypeVar

from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.world.generate import DOMAINS
from mockserver.packs.webknossos.world.ids import IdFactory
from mockserver.packs.webknossos.world.skeletons import empty_skeleton, volume_content
from mockserver.store import Store
from mockserver.world import WorldInfo

ARRANGE_EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z: arranged records are newer than seeded ones
INACTIVE_STATUS = "No longer available on datastore."
T = TypeVar("T")


def _found(record: T | None, kind: str, ref: str) -> T:
    if record is None:
        raise ConfigurationError(f"no {kind} {ref!r}")
    return record


class Arranger:
    """Helpers over one store; see the module docstring."""

    def __init__(self, store: Store, world: WorldInfo, seed: str = "arrange") -> None:
        self.store, self.world = store, world
        self.rng = random.Random(seed)
        self.ids = IdFactory(self.rng)
        self._clock = ARRANGE_EPOCH_MS

    def now(self) -> int:
        self._clock += 1000
        return self._clock

    # lookups ------------------------------------------------------------------------------------

    def user(self, ref: str = "user") -> r.User:
        """A user by role (``admin``, ``manager``, ``user``), email or id."""
        known = {u.role: u.id for u in self.world.known_users}
        ref = known.get(ref, ref)
        return _found(self.store.get(r.User, ref) or self.store.one(r.User, "email = ?", (ref,)), "user", ref)

    @property
    def organization_id(self) -> str:
        return self.user("admin").organization_id

    def team(self, ref: str | None = None) -> r.Team:
        """A team by name or id; default: the plain user's first team (managed by the known manager)."""
        if ref is None:
            team = self.store.one(r.Team, "id IN (SELECT team_id FROM memberships WHERE user_id = ?) ORDER BY id",
                                  (self.user("user").id,))
            return _found(team, "team of the plain user", "user")
        return _found(self.store.get(r.Team, ref) or self.store.one(
            r.Team, "name = ? AND organization_id = ?", (ref, self.organization_id)), "team", ref)

    def project(self, ref: str | None = None) -> r.Project:
        """A project by name or id; default: the oldest running project of the default team."""
        if ref is None:
            project = self.store.one(r.Project, "team_id = ? AND paused = 0 ORDER BY created, id", (self.team().id,))
            return _found(project, "running project of the default team", "")
        return _found(self.store.get(r.Project, ref) or self.store.one(
            r.Project, "name = ? AND organization_id = ?", (ref, self.organization_id)), "project", ref)

    def dataset(self, ref: str | None = None) -> r.Dataset:
        """A dataset by name or id; default: ``l4_sample`` (the organization's first dataset)."""
        if ref is None:
            dataset = self.store.one(r.Dataset, "organization_id = ? ORDER BY created, id", (self.organization_id,))
            return _found(dataset, "dataset", "")
        return _found(self.store.get(r.Dataset, ref) or self.store.one(
            r.Dataset, "name = ? AND organization_id = ?", (ref, self.organization_id)), "dataset", ref)

    def task_type(self, ref: str | None = None) -> r.TaskType:
        """A task type by summary or id; default: the organization's first one."""
        if ref is None:
            found = self.store.one(r.TaskType, "organization_id = ? ORDER BY id", (self.organization_id,))
            return _found(found, "task type", "")
        return _found(self.store.get(r.TaskType, ref) or self.store.one(
            r.TaskType, "summary = ? AND organization_id = ?", (ref, self.organization_id)), "task type", ref)

    def task(self, ref: str) -> r.Task:
        return _found(self.store.get(r.Task, ref), "task", ref)

    def annotation(self, ref: str) -> r.Annotation:
        return _found(self.store.get(r.Annotation, ref), "annotation", ref)

    # additions ----------------------------------------------------------------------------------

    def add_team(self, *, name: str) -> r.Team:
        team = r.Team(self.ids.object_id(self.now()), name, self.organization_id)
        self.store.insert(team)
        return team

    def add_user(self, *, email: str | None = None, first_name: str = "Test", last_name: str = "User",
                 team: str | None = None, team_manager: bool = False, admin: bool = False,
                 experience: int = 10, active: bool = True) -> r.User:
        """A user in ``team`` (default team if None) with ``experience`` in every domain of the seeded world."""
        created = self.now()
        user_id = self.ids.object_id(created)
        email = email or f"test.user.{user_id[-6:]}@example.org"
        if self.store.one(r.User, "email = ?", (email,)) is not None:
            raise ConfigurationError(f"a user with email {email!r} exists already")
        user = r.User(id=user_id, email=email, first_name=first_name, last_name=last_name,
                      organization_id=self.organization_id, token=self.ids.token(), created=created,
                      last_activity=created, is_admin=admin, is_dataset_manager=admin, is_active=active,
                      experiences=dict.fromkeys(DOMAINS, experience))
        self.store.insert(user, r.Membership(user.id, self.team(team).id, team_manager))
        return user

    def add_project(self, *, name: str | None = None, team: str | None = None, tasks: int = 0, instances: int = 1,
                    paused: bool = False, priority: int = 100, owner: str = "manager", task_type: str | None = None,
                    dataset: str | None = None, expected_time: int | None = None) -> r.Project:
        """A project in ``team`` with ``tasks`` new tasks of ``instances`` open instances each."""
        created = self.now()
        project_id = self.ids.object_id(created)
        project = r.Project(id=project_id, organization_id=self.organization_id, name=name or f"project_{project_id}",
                            team_id=self.team(team).id, owner_id=self.user(owner).id, priority=priority,
                            created=created, paused=paused, expected_time=expected_time)
        if self.store.one(r.Project, "name = ? AND organization_id = ?", (project.name, project.organization_id)):
            raise ConfigurationError(f"a project named {project.name!r} exists already")
        with self.store.transaction():
            self.store.insert(project)
            self.add_tasks(tasks, project=project.id, instances=instances, task_type=task_type, dataset=dataset)
        return project

    def add_task(self, *, project: str | None = None, instances: int = 1, task_type: str | None = None,
                 dataset: str | None = None, domain: str = DOMAINS[0], experience: int = 1,
                 description: str | None = None) -> r.Task:
        """One task with ``instances`` open instances (defaults: the default project, first task type, l4_sample)."""
        return self.add_tasks(1, project=project, instances=instances, task_type=task_type, dataset=dataset,
                              domain=domain, experience=experience, description=description)[0]

    def add_tasks(self, count: int, *, project: str | None = None, instances: int = 1, task_type: str | None = None,
                  dataset: str | None = None, domain: str = DOMAINS[0], experience: int = 1,
                  description: str | None = None) -> list[r.Task]:
        """``count`` tasks like ``add_task`` in one insert (fast enough for thousands)."""
        if count < 0 or instances < 1:
            raise ConfigurationError("count must be >= 0 and instances >= 1")
        owner, kind, data = self.project(project), self.task_type(task_type), self.dataset(dataset)
        layers = data.data_source.get("dataLayers") or [{}]
        box = layers[0].get("boundingBox") or {"topLeft": [0, 0, 0], "width": 1, "height": 1, "depth": 1}
        sizes = (box["width"], box["height"], box["depth"])
        tasks = []
        for _ in range(count):
            created = self.now()
            position = [box["topLeft"][i] + self.rng.randrange(max(size, 1)) for i, size in enumerate(sizes)]
            tasks.append(r.Task(id=self.ids.object_id(created), project_id=owner.id, task_type_id=kind.id,
                                dataset_id=data.id, needed_experience_domain=domain,
                                needed_experience_value=experience, total_instances=instances,
                                pending_instances=instances, edit_position=position, edit_rotation=[0.0, 0.0, 0.0],
                                created=created, description=description))
        if tasks:
            self.store.insert(*tasks)
        return tasks

    def add_annotation(self, *, user: str = "user", task: str | None = None, dataset: str | None = None,
                       state: str = "Active", name: str = "") -> r.Annotation:
        """An annotation of ``user``: of ``task`` (takes one open instance) or, without task, explorational."""
        owner = self.user(user)
        record = self.task(task) if task else None
        tracing_type = self.task_type(record.task_type_id).tracing_type if record else "skeleton"
        data = self.store.get(r.Dataset, record.dataset_id) if record else self.dataset(dataset)
        assert data is not None
        created = self.now()
        tracings = self._tracings(tracing_type, record.edit_position if record else [0, 0, 0], created)
        annotation = r.Annotation(
            id=self.ids.object_id(created), typ="Task" if record else "Explorational", state=state,
            user_id=owner.id, dataset_id=data.id, created=created, modified=created,
            layers=[{"tracingId": t.id, "typ": t.typ, "name": t.typ} for t in tracings],
            task_id=record.id if record else None, name=name, tracing_time=0 if state == "Finished" else None)
        with self.store.transaction():
            if record is not None and state != "Cancelled":
                if record.pending_instances < 1:
                    raise ConfigurationError(f"task {record.id} has no open instance left")
                self.store.update(record, pending_instances=record.pending_instances - 1)
            self.store.insert(*tracings, annotation)
        return annotation

    def _tracings(self, tracing_type: str, position: list[int], created: int) -> list[r.Tracing]:
        tracings = []
        if tracing_type in ("skeleton", "hybrid"):
            tracings.append(r.Tracing(self.ids.tracing_id(), "Skeleton", empty_skeleton(list(position), created)))
        if tracing_type in ("volume", "hybrid"):
            tracings.append(r.Tracing(self.ids.tracing_id(), "Volume", volume_content(None, None)))
        return tracings

    # additions or changes by name (scenarios made from recorded traffic: loading one twice changes nothing) ----

    def put_team(self, *, name: str) -> r.Team:
        """The team ``name``, added if the organization has none of that name."""
        found = self.store.one(r.Team, "name = ? AND organization_id = ?", (name, self.organization_id))
        return found or self.add_team(name=name)

    def put_user(self, *, email: str, first_name: str = "Test", last_name: str = "User", team: str | None = None,
                 team_manager: bool = False, admin: bool = False, active: bool = True,
                 experiences: dict[str, int] | None = None) -> r.User:
        """The user ``email`` with these names, roles and experiences (added if missing), a member of ``team``."""
        found = self.store.one(r.User, "email = ?", (email,))
        with self.store.transaction():
            if found is None:
                found = self.add_user(email=email, first_name=first_name, last_name=last_name, team=team,
                                      team_manager=team_manager, admin=admin, active=active)
            elif team is not None:
                membership = r.Membership(found.id, self.team(team).id, team_manager)
                self.store.delete(r.Membership, "user_id = ? AND team_id = ?", (found.id, membership.team_id))
                self.store.insert(membership)
            changes = {"first_name": first_name, "last_name": last_name, "is_admin": admin, "is_active": active}
            if experiences is not None:
                changes["experiences"] = dict(experiences)
            return self.store.update(found, **changes)

    def put_project(self, *, name: str, team: str | None = None, owner: str = "manager", priority: int = 100,
                    paused: bool = False, expected_time: int | None = None) -> r.Project:
        """The project ``name`` with these settings (added, without tasks, if missing)."""
        found = self.store.one(r.Project, "name = ? AND organization_id = ?", (name, self.organization_id))
        if found is None:
            return self.add_project(name=name, team=team, owner=owner, priority=priority, paused=paused,
                                    expected_time=expected_time)
        return self.store.update(found, team_id=self.team(team).id, owner_id=self.user(owner).id,
                                 priority=priority, paused=paused, expected_time=expected_time)

    # changes ------------------------------------------------------------------------------------

    def finish_annotation(self, *, annotation: str) -> r.Annotation:
        return self.store.update(self.annotation(annotation), state="Finished", modified=self.now())

    def pause_project(self, *, project: str | None = None) -> r.Project:
        return self.store.update(self.project(project), paused=True)

    def resume_project(self, *, project: str) -> r.Project:
        return self.store.update(self.project(project), paused=False)

    def deactivate_dataset(self, *, dataset: str | None = None) -> r.Dataset:
        """The dataset is no longer active: no data layers, status ``No longer available on datastore.``."""
        record = self.dataset(dataset)
        source: dict[str, Any] = {"status": INACTIVE_STATUS, "scale": record.data_source.get("scale", [1, 1, 1])}
        return self.store.update(record, is_active=False, data_source=source)

    def set_experience(self, *, user: str = "user", domain: str = DOMAINS[0], value: int = 1) -> r.User:
        record = self.user(user)
        return self.store.update(record, experiences={**record.experiences, domain: value})

    def use_up_tasks(self, *, user: str = "user") -> r.User:
        """No open instance left in any project of ``user``'s teams (``There is currently no task available``)."""
        record = self.user(user)
        self.store.execute("UPDATE tasks SET pending_instances = 0 WHERE project_id IN (SELECT id FROM projects "
                           "WHERE team_id IN (SELECT team_id FROM memberships WHERE user_id = ?))", (record.id,))
        return record

    def update(self, record: T, **changes: Any) -> T:
        """Write ``changes`` to a record (``mockserver.world.update(task, pending_instances=0)``)."""
        if not dataclasses.is_dataclass(record):
            raise TypeError("update() takes a record")
        return self.store.update(record, **changes)


ACTIONS: dict[str, Callable[..., Any]] = {
    "add_annotation": Arranger.add_annotation,
    "add_project": Arranger.add_project,
    "add_task": Arranger.add_task,
    "add_tasks": Arranger.add_tasks,
    "add_team": Arranger.add_team,
    "add_user": Arranger.add_user,
    "deactivate_dataset": Arranger.deactivate_dataset,
    "finish_annotation": Arranger.finish_annotation,
    "pause_project": Arranger.pause_project,
    "put_project": Arranger.put_project,
    "put_team": Arranger.put_team,
    "put_user": Arranger.put_user,
    "resume_project": Arranger.resume_project,
    "set_experience": Arranger.set_experience,
    "use_up_tasks": Arranger.use_up_tasks,
}
"""Step name → ``Arranger`` method; its signature is the step's schema."""

