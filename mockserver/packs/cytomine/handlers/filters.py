"""Annotation filters: saved annotation queries of a project (a name, users, terms), and replacing an
annotation's terms at once (``clearBefore``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import BadRequest, DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.annotations import annotation_of
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.responses import json_response


def _ids(body: dict[str, Any], key: str) -> list[int]:
    value = body.get(key) or []
    if not isinstance(value, list):
        raise DomainError(f"AnnotationFilter.{key} must be a list of ids")
    return [id_field({key: item}, key, "AnnotationFilter") or 0 for item in value]


async def list_filters(cy: Cytomine, user: str | None = None, project: int | None = None) -> Response:
    me = cy.me(user)
    if project is None:
        raise BadRequest("project is required")
    cy.readable_project(project, me)
    found = cy.store.select(r.AnnotationFilter, "project = ?", (project,), order="id")
    return listed([views.annotation_filter(cy, f) for f in found])


def _new_filter(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    project = cy.readable_project(id_field(body, "project", "AnnotationFilter") or 0, me)
    record = r.AnnotationFilter(cy.new_id(), text_field(body, "name", "AnnotationFilter") or "", project.id, me.id,
                                _ids(body, "users"), _ids(body, "terms"), cy.now())
    cy.store.insert(record)
    return cy.command("annotationfilter", views.annotation_filter(cy, record), "Add",
                      f"AnnotationFilter {record.id} ({record.name}) added")


async def create_filter(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_filter(cy, me, item), "annotationfilters")


def _filter(cy: Cytomine, filter_id: int, me: r.User, write: bool = False) -> r.AnnotationFilter:
    found = cy.store.get(r.AnnotationFilter, filter_id)
    if found is None:
        raise NotFound.of("AnnotationFilter", filter_id)
    project = cy.readable_project(found.project, me)
    if write and not (found.user == me.id or cy.can_manage_project(project, me)):
        raise Forbidden(f"You don't have the right to read or modify this resource! {found.id}")
    return found


async def read_filter(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.annotation_filter(cy, _filter(cy, id_, cy.me(user))))


async def update_filter(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = _filter(cy, id_, me, write=True)
        changes: dict[str, Any] = {key: _ids(body, key) for key in ("users", "terms") if key in body}
        if "name" in body:
            changes["name"] = text_field(body, "name", "AnnotationFilter")
        record = cy.store.update(record, **changes, updated=cy.now())
        return json_response(cy.command("annotationfilter", views.annotation_filter(cy, record), "Edit",
                                        f"AnnotationFilter {record.id} ({record.name}) edited"))


async def delete_filter(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = _filter(cy, id_, me, write=True)
        cy.store.delete(r.AnnotationFilter, "id = ?", (record.id,))
        return json_response(cy.command("annotationfilter", views.annotation_filter(cy, record), "Delete",
                                        f"AnnotationFilter {record.id} ({record.name}) deleted"))


async def replace_terms(cy: Cytomine, id_: int, term: int, user: str | None = None) -> Response:
    """``clearBefore``: the caller's terms on the annotation are replaced by ``term``."""
    me = cy.me(user)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        project = cy.readable_project(annotation.project, me)
        if not cy.can_write_in(project, me):
            raise Forbidden(f"You don't have the right to read or modify this resource! {annotation.id}")
        found = cy.store.get(r.Term, term)
        if found is None:
            raise NotFound.of("Term", term)
        if found.ontology != project.ontology:
            raise DomainError(f"Term {term} is not in the ontology of project {project.id}")
        cy.store.delete(r.AnnotationTerm, 'annotation = ? AND "user" = ?', (annotation.id, me.id))
        record = r.AnnotationTerm(cy.new_id(), annotation.id, term, me.id, cy.now())
        cy.store.insert(record)
        return json_response(cy.command("annotationterm", views.annotation_term(cy, record), "Add",
                                        f"Terms of annotation {annotation.id} replaced by {term}",
                                        annotationID=annotation.id))
