"""Task, task type and script shapes (reference §7.8, §7.10, §7.11)."""

from __future__ import annotations

from typing import Any

from mockserver import records as r
from mockserver.store import Store
from mockserver.views.users import user_compact

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


def instance_counts(store: Store, record: r.Task) -> tuple[int, int, int]:
    """``(pending, active, finished)``: active = non-cancelled unfinished annotations,
    finished = total − active − pending (the real server's arithmetic)."""
    active = store.count(r.Annotation, "task_id = ? AND state IN ('Active', 'Initializing')", (record.id,))
    pending = record.pending_instances
    return pending, active, record.total_instances - active - pending


def tracing_time(store: Store, task_id: str) -> int | None:
    values = store.scalars("SELECT SUM(tracing_time) FROM annotations WHERE task_id = ? AND state != 'Cancelled'",
                           (task_id,))
    return int(values[0]) if values and values[0] is not None else None


def task(store: Store, record: r.Task) -> JSON:
    project = store.get(r.Project, record.project_id)
    team = store.get(r.Team, project.team_id) if project else None
    dataset = store.get(r.Dataset, record.dataset_id)
    type_record = store.get(r.TaskType, record.task_type_id)
    script_record = store.get(r.Script, record.script_id) if record.script_id else None
    pending, active, finished = instance_counts(store, record)
    return {
        "id": record.id,
        "formattedHash": record.id[-6:],
        "projectId": record.project_id,
        "projectName": project.name if project else "",
        "team": team.name if team else "",
        "type": task_type(store, type_record) if type_record else None,
        "dataSet": dataset.name if dataset else "",
        "neededExperience": {"domain": record.needed_experience_domain, "value": record.needed_experience_value},
        "created": record.created,
        "status": {"pending": pending, "active": active, "finished": finished},
        "script": script(store, script_record) if script_record else None,
        "tracingTime": tracing_time(store, record.id),
        "creationInfo": record.creation_info,
        "boundingBox": record.bounding_box,
        "editPosition": list(record.edit_position),
        "editRotation": [float(v) for v in record.edit_rotation],
    }
