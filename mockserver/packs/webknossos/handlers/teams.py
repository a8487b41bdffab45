"""``/teams``: the teams a user may read or manage; admins create and delete teams."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import require_object_id
from mockserver.packs.webknossos.views import teams as views
from mockserver.readcache import cached_read
from mockserver.responses import json_response, messages, with_messages

ADMIN_ONLY = "Access denied. Only admin users can execute this operation."


@cached_read
async def list_teams(api: Api, user: str | None = None, is_editable: bool | None = None) -> Response:
    """Admins see every team of their organization, others the teams they belong to."""
    me = api.require(user)
    teams = api.store.select(r.Team, "organization_id = ?", (me.organization_id,), order="name")
    if not me.is_admin:
        teams = [t for t in teams if me.is_member(t.id)]
    if is_editable is not None:
        teams = [t for t in teams if me.manages(t.id, t.organization_id) == is_editable]
    return json_response([views.team(api.store, t) for t in teams])


async def create_team(api: Api, body: dict[str, Any], user: str | None = None) -> Response:
    me = api.require(user)
    if not me.is_admin:
        raise Forbidden(ADMIN_ONLY)
    name = str(body.get("name", "")).strip()
    if len(name) < 3:
        raise BadRequest("Invalid Json format", body={"errors": [{"field": "/name", "error": "error.minLength"}],
                                                      "messages": [{"error": "Invalid Json format"}]})
    with api.store.transaction():
        if api.store.one(r.Team, "name = ? AND organization_id = ?", (name, me.organization_id)):
            raise BadRequest("This name is already assigned to a different team of your organization.")
        team = r.Team(api.new_id(), name, me.organization_id)
        api.store.insert(team)
    return json_response(with_messages(views.team(api.store, team), "Team was created successfully"))


async def delete_team(api: Api, id_: str, user: str | None = None) -> Response:
    me = api.require(user)
    require_object_id(id_, "The provided team id is invalid.")
    team = api.store.get(r.Team, id_)
    if team is None or team.organization_id != me.organization_id:
        raise NotFound("Team could not be found")
    if not me.is_admin:
        raise Forbidden(ADMIN_ONLY)
    with api.store.transaction():
        if api.store.count(r.Project, "team_id = ?", (team.id,)):
            raise BadRequest("Team is referenced by projects and cannot be deleted")
        for cls, column in ((r.Membership, "team_id"), (r.DatasetTeam, "team_id"), (r.AnnotationTeam, "team_id")):
            api.store.delete(cls, f"{column} = ?", (team.id,))
        api.store.delete(r.Team, "id = ?", (team.id,))
    return json_response(messages("team.deleted"))
