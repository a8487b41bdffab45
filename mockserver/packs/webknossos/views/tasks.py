"""Task, task type and script shapes (reference §7.8, §7.10, §7.11)."""

from __future__ import annotations

from typing import Any, NamedTuple

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.views.users import user_compact
from mockserver.store import Store

JSON = dict[str, Any]


def task_type(store: Store, record: r.TaskType) -> JSON:
    team = store.get(r.Team, record.team_id)
    return {
        "id": record.id,
        "summary": record.summary,
        "description": record.description,
        "teamId": record.team_id,
        "teamName": team.name if team else "",
        "settings": dict(record.settings),
        "recommendedConfiguration": record.recommended_configuration,
        "tracingType": record.tracing_type,
    }


def script(store: Store, record: r.Script) -> JSON:
    owner = store.get(r.User, record.owner_id)
    return {"id": record.id, "name": record.name, "gist": record.gist,
            "owner": user_compact(store, owner) if owner else None}


class AnnotationStats(NamedTuple):
    """What a task's JSON needs from its annotations (a tuple: a page builds one per task)."""

    active: int
    """Non-cancelled unfinished annotations (``Active`` or ``Initializing``)."""
    tracing_time: int | None
    """Sum over the non-cancelled ones; None without any (or without times)."""


STATS_SQL = ("SELECT task_id, SUM(CASE WHEN state IN ('Active', 'Initializing') THEN 1 ELSE 0 END), "
             "SUM(tracing_time) FROM annotations WHERE task_id IN ({}) AND state IN " + r.LIVE_STATES
             + " GROUP BY task_id")


NO_ANNOTATIONS = AnnotationStats(0, None)


def annotation_stats(store: Store, task_ids: list[str]) -> dict[str, AnnotationStats]:
    """``AnnotationStats`` of many tasks in one query (tasks without annotations: 0 and None)."""
    found = dict.fromkeys(task_ids, NO_ANNOTATIONS)
    for task_id, active, time in store.rows_in(STATS_SQL, task_ids):
        found[task_id] = AnnotationStats(int(active or 0), None if time is None else int(time))
    return found


def instance_counts(record: r.Task, stats: AnnotationStats) -> tuple[int, int, int]:
    """``(pending, active, finished)``: finished = total − active − pending (the real server's arithmetic)."""
    pending = record.pending_instances
    return pending, stats.active, record.total_instances - stats.active - pending


class Related:
    """The JSON of what tasks share (task type, script, project and dataset names), built once per
    id: a list of 1,000 tasks of one project builds its task type once, not 1,000 times."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._types: dict[str, JSON | None] = {}
        self._scripts: dict[str, JSON | None] = {}
        self._projects: dict[str, tuple[str, str]] = {}
        self._datasets: dict[str, str] = {}

    def task_type(self, type_id: str) -> JSON | None:
        if type_id not in self._types:
            found = self.store.get(r.TaskType, type_id)
            self._types[type_id] = task_type(self.store, found) if found else None
        return self._types[type_id]

    def script(self, script_id: str | None) -> JSON | None:
        if not script_id:
            return None
        if script_id not in self._scripts:
            found = self.store.get(r.Script, script_id)
            self._scripts[script_id] = script(self.store, found) if found else None
        return self._scripts[script_id]

    def project(self, project_id: str) -> tuple[str, str]:
        """(project name, team name)."""
        if project_id not in self._projects:
            project = self.store.get(r.Project, project_id)
            team = self.store.get(r.Team, project.team_id) if project else None
            self._projects[project_id] = (project.name if project else "", team.name if team else "")
        return self._projects[project_id]

    def dataset_name(self, dataset_id: str) -> str:
        if dataset_id not in self._datasets:
            dataset = self.store.get(r.Dataset, dataset_id)
            self._datasets[dataset_id] = dataset.name if dataset else ""
        return self._datasets[dataset_id]


def tasks(store: Store, records: list[r.Task]) -> list[JSON]:
    """Task JSONs of a list: the annotation figures of all of them fetched at once, shared parts built once."""
    stats = annotation_stats(store, [record.id for record in records])
    related = Related(store)
    return [task(store, record, stats[record.id], related) for record in records]


def task(store: Store, record: r.Task, stats: AnnotationStats | None = None, related: Related | None = None) -> JSON:
    """The task JSON; ``stats`` and ``related`` when a list already fetched them (``tasks``)."""
    stats = annotation_stats(store, [record.id])[record.id] if stats is None else stats
    related = related or Related(store)
    project_name, team_name = related.project(record.project_id)
    pending, active, finished = instance_counts(record, stats)
    return {
        "id": record.id,
        "formattedHash": record.id[-6:],
        "projectId": record.project_id,
        "projectName": project_name,
        "team": team_name,
        "type": related.task_type(record.task_type_id),
        "dataSet": related.dataset_name(record.dataset_id),
        "neededExperience": {"domain": record.needed_experience_domain, "value": record.needed_experience_value},
        "created": record.created,
        "status": {"pending": pending, "active": active, "finished": finished},
        "script": related.script(record.script_id),
        "tracingTime": stats.tracing_time,
        "creationInfo": record.creation_info,
        "boundingBox": record.bounding_box,
        "editPosition": list(record.edit_position),
        "editRotation": list(map(float, record.edit_rotation)),
    }
