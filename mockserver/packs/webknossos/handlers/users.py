"""``/user`` and ``/users``: the requester, user lists, user edits, logged time."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import BadRequest, Forbidden
from mockserver.packs.webknossos.handlers.annotation_lists import (
    list_own_annotations,
    list_own_tasks,
    list_user_annotations,
    list_user_tasks,
)
from mockserver.packs.webknossos.handlers.common import find_user
from mockserver.packs.webknossos.handlers.task_requests import peek_task, request_task
from mockserver.packs.webknossos.views import users as views
from mockserver.readcache import cached_read
from mockserver.responses import json_response

__all__ = [
    "list_own_annotations",
    "list_own_tasks",
    "list_user_annotations",
    "list_user_tasks",
    "list_users",
    "peek_task",
    "read_current_user",
    "read_own_logged_time",
    "read_user",
    "read_user_logged_time",
    "request_task",
    "update_user",
]


@cached_read
async def read_current_user(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.user(api.store, me.user, me))


@cached_read
async def list_users(
    api: Api,
    user: str | None = None,
    is_editable: bool | None = None,
    is_team_manager_or_admin: bool | None = None,
    is_admin: bool | None = None,
) -> Response:
    me = api.require(user)
    result = []
    records = readable_users(api, me)
    teams = views.memberships_of(api.store, [record.id for record in records])
    for record in records:
        data = views.user(api.store, record, me, teams[record.id])
        is_manager = record.is_admin or any(t["isTeamManager"] for t in data["teams"])
        if is_editable is not None and data["isEditable"] != is_editable:
            continue
        if is_admin is not None and record.is_admin != is_admin:
            continue
        if is_team_manager_or_admin is not None and is_manager != is_team_manager_or_admin:
            continue
        result.append(data)
    return json_response(result)


def readable_users(api: Api, me: Principal) -> list[r.User]:
    """Admins read their organization; others themselves and the members of the teams they manage."""
    if me.is_admin:
        where, params = "organization_id = ?", [me.organization_id]
    else:
        managed = sorted(me.managed_team_ids())
        marks = ", ".join("?" for _ in managed) or "NULL"
        where = f"id = ? OR id IN (SELECT user_id FROM memberships WHERE team_id IN ({marks}))"
        params = [me.id, *managed]
    return api.store.select(r.User, where, params, order="lower(last_name), lower(first_name), id")


@cached_read
async def read_user(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.user(api.store, find_user(api, me, id_), me))


async def update_user(api: Api, id_: str, body: dict[str, Any], user: str | None = None) -> Response:
    me = api.require(user)
    record = find_user(api, me, id_, write=True)
    changes = _user_changes(body, me)
    with api.store.transaction():
        if "email" in changes:
            other = api.store.one(r.User, "email = ? AND id != ?", (changes["email"], record.id))
            if other is not None:
                raise BadRequest("This email address is already in use")
        record = api.store.update(record, **changes)
        if "teams" in body:
            _replace_memberships(api, me, record, body["teams"])
    return json_response(views.user(api.store, record, me))


_USER_FIELDS = {
    "firstName": "first_name", "lastName": "last_name", "email": "email", "isActive": "is_active",
    "experiences": "experiences", "lastTaskTypeId": "last_task_type_id",
}
_ADMIN_FIELDS = {"isAdmin": "is_admin", "isDatasetManager": "is_dataset_manager"}


def _user_changes(body: dict[str, Any], me: Principal) -> dict[str, Any]:
    changes = {column: body[key] for key, column in _USER_FIELDS.items() if key in body}
    for key, column in _ADMIN_FIELDS.items():
        if key in body:
            if not me.is_admin:
                raise Forbidden("Access denied. Only admin users can execute this operation.")
            changes[column] = body[key]
    return changes


def _replace_memberships(api: Api, me: Principal, record: r.User, teams: list[dict[str, Any]]) -> None:
    for entry in teams:
        team = api.store.get(r.Team, entry.get("id", ""))
        if team is None or team.organization_id != record.organization_id:
            raise BadRequest("Team could not be found")
        if not me.manages(team.id, team.organization_id):
            raise Forbidden()
    api.store.delete(r.Membership, "user_id = ?", (record.id,))
    api.store.insert(*(r.Membership(record.id, e["id"], bool(e.get("isTeamManager", False))) for e in teams))


@cached_read
async def read_own_logged_time(api: Api, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.logged_time(api.store, me.id))


@cached_read
async def read_user_logged_time(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    return json_response(views.logged_time(api.store, find_user(api, me, id_).id))
