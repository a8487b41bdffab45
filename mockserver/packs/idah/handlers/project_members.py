"""``/project_members``: the project's owners add, change (role, ``disabled_at``) and remove members.

Disabling a member unassigns all their entries of the project.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi, workflow
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.ids import parse_time
from mockserver.packs.idah.resources import RESOURCES

NAME = "project_members"
RESOURCE = RESOURCES[NAME]
OWNERS_ONLY = "Only the project owners can manage members"


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    _, attributes, project = crud.owned_create(api, RESOURCE, body, OWNERS_ONLY)
    account_id = attributes.get("account_id")
    if not isinstance(account_id, int):
        raise ValidationFailed("is missing", pointer="/data/attributes/account_id")
    if api.store.count(r.ProjectMember, "project_id = ? AND account_id = ?", (project.id, account_id)):
        raise ValidationFailed("Account is already a member of the project", pointer="/data/attributes/account_id")
    account = api.store.get(r.Account, account_id)
    now = api.now()
    member = r.ProjectMember(api.next_int_id("project_members"), project.id, account_id,
                             attributes.get("name") or (account.name if account else ""),
                             attributes.get("email") or (account.email if account else ""),
                             attributes.get("role", "annotator"), api.principal().account_id, None, now, now)
    with api.store.transaction():
        api.store.insert(member)
    return crud.shown(api, NAME, member, 201)


def owned(api: Idah, resource_id: str) -> r.ProjectMember:
    scope = api.scope()
    member: r.ProjectMember = crud.find(api, NAME, resource_id, scope)
    if not scope.owns_id(member.project_id):
        raise Unauthorized(OWNERS_ONLY)
    return member


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    member = owned(api, resource_id)
    attributes = crud.changes_of(RESOURCE, body)
    if "disabled_at" in attributes and attributes["disabled_at"] is not None:
        attributes["disabled_at"] = parse_time(str(attributes["disabled_at"])) or api.now()
    now = api.now()
    with api.store.transaction():
        member = api.store.update(member, **attributes, updated_at=now)
        if member.disabled_at is not None:
            unassign_all(api, member, now)
    return crud.shown(api, NAME, member)


def unassign_all(api: Idah, member: r.ProjectMember, now: int) -> None:
    entries = api.store.select(r.Entry, "project_id = ? AND assigned_to_id = ?", (member.project_id, member.account_id))
    for entry in entries:
        api.store.update(entry, **workflow.unassign(entry), updated_at=now)
    for dataset_id in {e.dataset_id for e in entries}:
        workflow.roll_up(api.store, dataset_id, now)


def delete(api: Idah, resource_id: str) -> Response:
    member = owned(api, resource_id)
    with api.store.transaction():
        api.store.delete(r.ProjectMember, "id = ?", (member.id,))
    return jsonapi.no_content()
