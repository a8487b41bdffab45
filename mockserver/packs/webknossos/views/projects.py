"""Project shapes, plain and with status (reference §7.13)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.views.users import user_compact
from mockserver.store import Store

JSON = dict[str, Any]


def project(store: Store, record: r.Project) -> JSON:
    team = store.get(r.Team, record.team_id)
    owner = store.get(r.User, record.owner_id)
    return {
        "name": record.name,
        "team": record.team_id,
        "teamName": team.name if team else None,
        "owner": user_compact(store, owner) if owner else None,
        "priority": record.priority,
        "paused": record.paused,
        "expectedTime": record.expected_time,
        "isBlacklistedFromReport": record.is_blacklisted_from_report,
        "id": record.id,
        "created": record.created,
    }


def pending_instances(store: Store, project_id: str) -> int:
    values = store.scalars("SELECT COALESCE(SUM(pending_instances), 0) FROM tasks WHERE project_id = ?", (project_id,))
    return int(values[0])


def project_tracing_time(store: Store, project_id: str) -> int:
    values = store.scalars(
        "SELECT COALESCE(SUM(a.tracing_time), 0) FROM annotations a JOIN tasks t ON t.id = a.task_id "
        f"WHERE t.project_id = ? AND a.state IN {r.LIVE_STATES}", (project_id,))
    return int(values[0])


def project_with_status(store: Store, record: r.Project) -> JSON:
    """The project plus ``pendingInstances`` and ``tracingTime`` (``/projects/withStatus``)."""
    return {**project(store, record), "pendingInstances": pending_instances(store, record.id),
            "tracingTime": project_tracing_time(store, record.id)}


def project_with_open_assignments(store: Store, record: r.Project) -> JSON:
    """The seed document's older form (``/projects/assignments``): ``numberOfOpenAssignments``."""
    return {**project(store, record), "numberOfOpenAssignments": pending_instances(store, record.id),
            "tracingTime": project_tracing_time(store, record.id)}
