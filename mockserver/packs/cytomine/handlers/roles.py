"""User accounts (create, edit, delete: superadmins), application roles and the roles of a user."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.responses import json_response


def _superadmin(cy: Cytomine, user: str | None) -> r.User:
    me = cy.me(user)
    if not me.admin:
        raise Forbidden("You must be a superadmin to do this")
    return me


def _user(cy: Cytomine, user_id: int) -> r.User:
    found = cy.store.get(r.User, user_id)
    if found is None:
        raise NotFound.of("User", user_id)
    return found


def _unique(cy: Cytomine, username: str, user_id: int | None = None) -> None:
    if cy.store.one(r.User, "lower(username) = lower(?) AND id != ?", (username, user_id or -1)):
        raise DomainError(f"User {username} already exist!", status=409)


def _names(body: dict[str, Any], current: r.User | None = None) -> dict[str, str]:
    found = {}
    for key in ("firstname", "lastname", "email"):
        value = body.get(key, getattr(current, key, None))
        found[key] = value if isinstance(value, str) else ""
    return found


def _new_user(cy: Cytomine, body: dict[str, Any]) -> dict[str, Any]:
    username = text_field(body, "username", "User") or ""
    _unique(cy, username)
    names = _names(body)
    record = r.User(cy.new_id(), username, names["firstname"], names["lastname"], names["email"],
                    public_key=str(uuid.uuid4()), private_key=str(uuid.uuid4()), token=secrets.token_hex(20),
                    admin=False, created=cy.now())
    cy.store.insert(record)
    role = cy.store.one(r.Role, "authority = ?", ("ROLE_USER",))
    if role is not None:
        cy.store.insert(r.UserRole(cy.new_id(), record.id, role.id, record.created))
    return cy.command("user", views.user(cy, record), "Add", f"User {record.id} ({username}) added")


async def create_user(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    _superadmin(cy, user)
    return create(cy, body, lambda item: _new_user(cy, item), "users")


async def update_user(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = _user(cy, id_)
        if not (me.admin or me.id == record.id):
            raise Forbidden("You don't have the right to modify this user")
        username = text_field(body, "username", "User") if "username" in body else record.username
        _unique(cy, username or record.username, record.id)
        record = cy.store.update(record, username=username or record.username, **_names(body, record),
                                 updated=cy.now())
        return json_response(cy.command("user", views.user(cy, record, me), "Edit",
                                        f"User {record.id} ({record.username}) edited"))


async def delete_user(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = _superadmin(cy, user)
    with cy.store.transaction():
        record = _user(cy, id_)
        if record.id == me.id:
            raise DomainError("You cannot delete yourself")
        shown = views.user(cy, record)
        for table in ("members", "user_roles"):
            cy.store.execute(f'DELETE FROM {table} WHERE "user" = ?', (record.id,))
        cy.store.delete(r.User, "id = ?", (record.id,))
        return json_response(cy.command("user", shown, "Delete", f"User {record.id} ({record.username}) deleted"))


# roles -------------------------------------------------------------------------------------------

async def list_roles(cy: Cytomine, user: str | None = None) -> Response:
    cy.me(user)
    return listed([views.role(cy, x) for x in cy.store.select(r.Role, order="id")], sort="id", order="asc")


def _role(cy: Cytomine, role_id: int) -> r.Role:
    found = cy.store.get(r.Role, role_id)
    if found is None:
        raise NotFound.of("SecRole", role_id)
    return found


async def read_role(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    return json_response(views.role(cy, _role(cy, id_)))


async def list_user_roles(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    found = cy.store.select(r.UserRole, '"user" = ?', (_user(cy, id_).id,), order="id")
    return listed([views.user_role(cy, x) for x in found], sort="id", order="asc")


def _sync_admin(cy: Cytomine, user_id: int) -> None:
    """``User.admin`` follows the roles: a superadmin has ROLE_ADMIN or ROLE_SUPER_ADMIN."""
    authorities = set(cy.store.scalars("SELECT r.authority FROM user_roles u JOIN roles r ON r.id = u.role "
                                       'WHERE u."user" = ?', (user_id,)))
    cy.store.update(_user(cy, user_id), admin=bool(authorities & r.ADMIN_AUTHORITIES))


async def add_user_role(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    _superadmin(cy, user)
    body = an_object(body)
    with cy.store.transaction():
        target = _user(cy, id_)
        role = _role(cy, id_field(body, "role", "SecUserSecRole") or 0)
        if cy.store.one(r.UserRole, '"user" = ? AND role = ?', (target.id, role.id)):
            raise DomainError(f"User {target.username} already has role {role.authority}", status=409)
        record = r.UserRole(cy.new_id(), target.id, role.id, cy.now())
        cy.store.insert(record)
        _sync_admin(cy, target.id)
        return json_response(cy.command("secusersecrole", views.user_role(cy, record), "Add",
                                        f"User {target.username} has now role {role.authority}"))


def _user_role(cy: Cytomine, user_id: int, role_id: int) -> r.UserRole:
    found = cy.store.one(r.UserRole, '"user" = ? AND role = ?', (user_id, role_id))
    if found is None:
        raise NotFound(f"SecUserSecRole not found with filters : {{user={user_id}, role={role_id}}}")
    return found


async def read_user_role(cy: Cytomine, id_: int, role: int, user: str | None = None) -> Response:
    cy.me(user)
    return json_response(views.user_role(cy, _user_role(cy, id_, role)))


async def remove_user_role(cy: Cytomine, id_: int, role: int, user: str | None = None) -> Response:
    _superadmin(cy, user)
    with cy.store.transaction():
        record = _user_role(cy, id_, role)
        shown = views.user_role(cy, record)
        cy.store.delete(r.UserRole, "id = ?", (record.id,))
        _sync_admin(cy, id_)
        return json_response(cy.command("secusersecrole", shown, "Delete", f"Role {role} removed from user {id_}"))
