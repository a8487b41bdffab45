"""Projects and their members: lists, CRUD with the cascade on delete, contributors and managers."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.domains import forget
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, bool_field, create, id_field, listed, text_field
from mockserver.responses import json_response

MODES = {"blindMode": "blind_mode", "isClosed": "is_closed", "isReadOnly": "is_read_only",
         "isRestricted": "is_restricted", "hideUsersLayers": "hide_users_layers",
         "hideAdminsLayers": "hide_admins_layers"}
"""Wire flag → record field of the project's modes."""


def readable(cy: Cytomine, me: r.User) -> list[r.Project]:
    if me.admin:
        return cy.store.select(r.Project, order="id")
    return cy.store.select(r.Project, 'id IN (SELECT project FROM members WHERE "user" = ?)', (me.id,), order="id")


async def list_projects(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                        sort: str | None = None, order: str | None = None) -> Response:
    me = cy.me(user)
    return listed([views.project(cy, p) for p in readable(cy, me)], max_, offset, sort, order)


async def list_projects_of_user(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                offset: int | None = None, sort: str | None = None,
                                order: str | None = None) -> Response:
    me = cy.me(user)
    if cy.store.get(r.User, id_) is None:
        raise NotFound.of("User", id_)
    theirs = {m.project for m in cy.store.select(r.Member, '"user" = ?', (id_,))}
    return listed([views.project(cy, p) for p in readable(cy, me) if p.id in theirs], max_, offset, sort, order)


async def list_projects_of_ontology(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                    offset: int | None = None) -> Response:
    me = cy.me(user)
    if cy.store.get(r.Ontology, id_) is None:
        raise NotFound.of("Ontology", id_)
    return listed([views.project(cy, p) for p in readable(cy, me) if p.ontology == id_], max_, offset)


def _ontology_of(cy: Cytomine, body: dict[str, Any], current: int | None) -> int | None:
    if "ontology" not in body:
        return current
    ontology = id_field(body, "ontology", "Project", required=False)
    if ontology is not None and cy.store.get(r.Ontology, ontology) is None:
        raise NotFound.of("Ontology", ontology)
    return ontology


def _unique_name(cy: Cytomine, name: str, project_id: int | None = None) -> None:
    clash = cy.store.one(r.Project, "name = ? AND id != ?", (name, project_id or -1))
    if clash is not None:
        raise DomainError(f"Project {name} already exist!", status=409)


def _new_project(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    name = text_field(body, "name", "Project") or ""
    _unique_name(cy, name)
    flags = {field: bool_field(body, key, False) for key, field in MODES.items()}
    project = r.Project(cy.new_id(), name, _ontology_of(cy, body, None), me.id, cy.now(), **flags)
    cy.store.insert(project, r.Member(project.id, me.id, True, project.created))
    for key, manager in (("users", False), ("admins", True)):
        for member in body.get(key) or []:
            _join(cy, project, int(member), manager)
    shown = views.project(cy, project)
    return cy.command("project", shown, "Add", f"Project {project.id} ({project.name}) added")


async def create_project(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_project(cy, me, item), "projects")


async def read_project(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.project(cy, cy.readable_project(id_, cy.me(user))))


def managed(cy: Cytomine, project_id: int, me: r.User) -> r.Project:
    project = cy.readable_project(project_id, me)
    if not cy.can_manage_project(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    return project


async def update_project(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        project = managed(cy, id_, me)
        changes: dict[str, Any] = {field: bool_field(body, key, getattr(project, field))
                                   for key, field in MODES.items()}
        if "name" in body:
            changes["name"] = text_field(body, "name", "Project")
            _unique_name(cy, changes["name"], project.id)
        changes["ontology"] = _ontology_of(cy, body, project.ontology)
        project = cy.store.update(project, **changes, updated=cy.now())
        shown = views.project(cy, project)
        return json_response(cy.command("project", shown, "Edit", f"Project {project.id} ({project.name}) edited"))


def cascade(cy: Cytomine, project_id: int) -> None:
    """A project's image instances, annotations (with their terms), memberships and the metadata of them all."""
    for idents in ("SELECT id FROM annotations WHERE project = ?", "SELECT id FROM image_instances WHERE project = ?",
                   "SELECT ?"):
        forget(cy, idents, (project_id,))
    cy.store.execute("DELETE FROM annotation_terms WHERE annotation IN (SELECT id FROM annotations WHERE project = ?)",
                     (project_id,))
    cy.store.execute("DELETE FROM annotation_tracks WHERE track IN (SELECT id FROM tracks WHERE project = ?)",
                     (project_id,))
    cy.store.delete(r.Track, "project = ?", (project_id,))
    cy.store.execute("DELETE FROM annotation_links WHERE annotation_group IN "
                     "(SELECT id FROM annotation_groups WHERE project = ?)", (project_id,))
    cy.store.delete(r.AnnotationGroup, "project = ?", (project_id,))
    cy.store.execute("DELETE FROM image_group_images WHERE image_group IN "
                     "(SELECT id FROM image_groups WHERE project = ?)", (project_id,))
    cy.store.delete(r.ImageGroup, "project = ?", (project_id,))
    cy.store.delete(r.Review, "project = ?", (project_id,))
    cy.store.delete(r.Annotation, "project = ?", (project_id,))
    cy.store.delete(r.SliceInstance, "project = ?", (project_id,))
    cy.store.delete(r.ImageInstance, "project = ?", (project_id,))
    cy.store.delete(r.Member, "project = ?", (project_id,))
    cy.store.delete(r.AnnotationFilter, "project = ?", (project_id,))


async def delete_project(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        project = managed(cy, id_, me)
        shown = views.project(cy, project)
        cascade(cy, project.id)
        cy.store.delete(r.Project, "id = ?", (project.id,))
        return json_response(cy.command("project", shown, "Delete", f"Project {project.id} ({project.name}) deleted"))


# members -----------------------------------------------------------------------------------------

def _members(cy: Cytomine, project_id: int, me: r.User, managers_only: bool) -> list[dict[str, Any]]:
    project = cy.readable_project(project_id, me)
    where = "project = ? AND manager = 1" if managers_only else "project = ?"
    users = [cy.store.get(r.User, m.user) for m in cy.store.select(r.Member, where, (project.id,))]
    return [views.user(cy, u, me) for u in users if u is not None]


async def list_members(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                       offset: int | None = None) -> Response:
    return listed(_members(cy, id_, cy.me(user), False), max_, offset)


async def list_managers(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                        offset: int | None = None) -> Response:
    return listed(_members(cy, id_, cy.me(user), True), max_, offset)


def _join(cy: Cytomine, project: r.Project, user_id: int, manager: bool) -> None:
    if cy.store.get(r.User, user_id) is None:
        raise NotFound.of("User", user_id)
    member = cy.store.get(r.Member, project.id, user_id)
    if member is None:
        cy.store.insert(r.Member(project.id, user_id, manager, cy.now()))
    elif manager and not member.manager:
        cy.store.update(member, manager=True)


def _membership(cy: Cytomine, id_: int, user_id: int, me: r.User, verb: str, role: str) -> Response:
    project = managed(cy, id_, me)
    member = cy.store.get(r.User, user_id)
    if member is None:
        raise NotFound.of("User", user_id)
    shown = {**views.user(cy, member), "project": project.id}
    message = f"User {member.username} {verb} project {project.name} as {role}"
    return json_response(cy.command("user", shown, "Add" if verb == "added in" else "Delete", message,
                                    projectID=project.id))


async def add_member(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        _join(cy, managed(cy, id_, me), user_id, False)
        return _membership(cy, id_, user_id, me, "added in", "contributor")


async def add_manager(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        _join(cy, managed(cy, id_, me), user_id, True)
        return _membership(cy, id_, user_id, me, "added in", "manager")


async def remove_member(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        response = _membership(cy, id_, user_id, me, "removed from", "contributor")
        cy.store.delete(r.Member, 'project = ? AND "user" = ?', (id_, user_id))
        return response


async def remove_manager(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        response = _membership(cy, id_, user_id, me, "removed from", "manager")
        member = cy.store.get(r.Member, id_, user_id)
        if member is not None:
            cy.store.update(member, manager=False)
        return response
