"""User, compact user, team membership and logged-time shapes (reference §7.2, §7.14)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.auth import Principal
from mockserver.store import Store

JSON = dict[str, Any]


def organization_name(store: Store, organization_id: str) -> str:
    organization = store.get(r.Organization, organization_id)
    return organization.name if organization else ""


MEMBERSHIPS_SQL = ("SELECT m.user_id, t.id, t.name, m.is_team_manager FROM memberships m "
                   "JOIN teams t ON t.id = m.team_id WHERE m.user_id IN ({}) ORDER BY t.name")


def memberships(store: Store, user_id: str) -> list[JSON]:
    """The user's teams (memoized rows; fresh dicts for every answer)."""
    rows = store.remember(("memberships", "teams"), ("teams of", user_id),
                          lambda: [tuple(row) for row in store.rows_in(MEMBERSHIPS_SQL, [user_id])])
    return [membership(row) for row in rows]


def memberships_of(store: Store, user_ids: list[str]) -> dict[str, list[JSON]]:
    """``memberships`` of many users in one query (user lists)."""
    found: dict[str, list[JSON]] = {user_id: [] for user_id in user_ids}
    for row in store.rows_in(MEMBERSHIPS_SQL, user_ids):
        found[row[0]].append(membership(row))
    return found


def membership(row: Any) -> JSON:
    """``(user id, team id, team name, is manager)`` → the ``teams`` entry of a user."""
    return {"id": row[1], "name": row[2], "isTeamManager": bool(row[3])}


def may_edit_user(viewer: Principal | None, user: r.User, team_ids: list[str]) -> bool:
    """Admins of the user's organization and managers of one of the user's teams administrate a user."""
    if viewer is None or not viewer.in_organization(user.organization_id):
        return False
    return viewer.is_admin or any(viewer.manages(team_id) for team_id in team_ids)


def _identity(record: r.User) -> JSON:
    """The fields that open both user shapes, full and compact (in their order)."""
    return {"id": record.id, "email": record.email, "firstName": record.first_name, "lastName": record.last_name,
            "isAdmin": record.is_admin}


def user(store: Store, record: r.User, viewer: Principal | None, teams: list[JSON] | None = None) -> JSON:
    """The user JSON; ``teams``: the user's memberships when already fetched (``memberships_of``)."""
    teams = memberships(store, record.id) if teams is None else teams
    return {
        **_identity(record),
        "isOrganizationOwner": record.is_organization_owner,
        "isDatasetManager": record.is_dataset_manager,
        "isActive": record.is_active,
        "teams": teams,
        "experiences": dict(record.experiences),
        "lastActivity": record.last_activity,
        "isAnonymous": False,
        "isEditable": may_edit_user(viewer, record, [t["id"] for t in teams]),
        "organization": organization_name(store, record.organization_id),
        "novelUserExperienceInfos": {},
        "selectedTheme": record.selected_theme,
        "created": record.created,
        "lastTaskTypeId": record.last_task_type_id,
        "isSuperUser": record.is_super_user,
        "isEmailVerified": record.is_email_verified,
    }


def user_compact(store: Store, record: r.User) -> JSON:
    return {
        **_identity(record),
        "isDatasetManager": record.is_dataset_manager,
        "isAnonymous": False,
        "teams": memberships(store, record.id),
    }


def logged_time(store: Store, user_id: str) -> JSON:
    rows = store.rows(
        "SELECT year, month, SUM(duration_seconds) FROM logged_times WHERE user_id = ? GROUP BY year, month "
        "ORDER BY year, month", (user_id,))
    entries = [{"paymentInterval": {"month": row[1], "year": row[0]}, "durationInSeconds": row[2]} for row in rows]
    return {"loggedTime": entries}
