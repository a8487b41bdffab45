"""User annotations (WKT geometry, terms at creation), the annotation query, and annotation terms."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import layers, views
from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.domains import forget
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.geometry import bounding_box, intersects, parse
from mockserver.packs.cytomine.handlers.common import an_object, create, flag, id_field, ids, listed, query_args
from mockserver.packs.cytomine.handlers.images import readable_image
from mockserver.packs.cytomine.handlers.projects import readable as readable_projects
from mockserver.packs.cytomine.listing import column_order, envelope, has_filters, paging
from mockserver.responses import json_response
from mockserver.store import quoted

COLUMNS = {field: quoted(field) for field in ("id", "created", "updated", "image", "project", "user")}
"""The wire fields of an annotation that show a column's number: a sort by one of them runs in SQL."""


def _scope(cy: Cytomine, me: r.User, project: int | None, images: list[int]) -> tuple[str, list[Any]]:
    """The annotations the query names (images, else a project, else every readable project) that ``me`` sees,
    as a condition; the images and the project are checked first."""
    if images:
        projects = dict.fromkeys(readable_image(cy, i, me).project for i in images)
        scope = [cy.readable_project(p, me) for p in projects]
        where, params = f"image IN ({', '.join('?' for _ in images)})", list(images)
    elif project is not None:
        scope = [cy.readable_project(project, me)]
        where, params = "project = ?", [project]
    else:
        scope = readable_projects(cy, me)
        where = f"project IN ({', '.join('?' for _ in scope)})" if scope else "0 = 1"
        params = [p.id for p in scope]
    seen, more = layers.condition(cy, scope, me)
    return (f"{where} AND {seen}", params + more) if seen else (where, params)


def _condition(cy: Cytomine, me: r.User, project: int | None, images: list[int], authors: list[int],
               terms: list[int], no_term: bool, multiple_term: bool) -> tuple[str, list[Any]]:
    """The annotation query as an SQL condition on annotations: scope and layers, authors, terms."""
    where, params = _scope(cy, me, project, images)
    if authors:
        where += f' AND "user" IN ({", ".join("?" for _ in authors)})'
        params += authors
    if terms:
        where += f" AND id IN (SELECT annotation FROM annotation_terms WHERE term IN ({', '.join('?' for _ in terms)}))"
        params += terms
    if no_term:
        where += " AND NOT EXISTS (SELECT 1 FROM annotation_terms t WHERE t.annotation = annotations.id)"
    if multiple_term:
        where += " AND (SELECT COUNT(DISTINCT term) FROM annotation_terms t WHERE t.annotation = annotations.id) >= 2"
    return where, params


async def list_annotations(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                           sort: str | None = None, order: str | None = None, project: int | None = None,
                           image: int | None = None, images: str | None = None, term: int | None = None,
                           terms: str | None = None, no_term: str | None = None,
                           multiple_term: str | None = None) -> Response:
    """Filtered, ordered and paged in SQL, the views built for the page only; a ``bbox``, a ``field[op]`` filter or
    a sort by a measured field filter and sort the views of every chosen annotation instead."""
    me, query = cy.me(user), query_args()
    image_ids = ([image] if image is not None else []) + ids(images)
    authors = sorted(set(ids(query.get("user")) + ids(query.get("users"))))
    wanted_terms = sorted(set(([term] if term is not None else []) + ids(terms)))
    area = bounding_box(query["bbox"]) if query.get("bbox") else None
    where, params = _condition(cy, me, project, image_ids, authors, wanted_terms, flag(no_term), flag(multiple_term))
    order_by = column_order(sort, order, COLUMNS)
    if area is None and order_by is not None and not has_filters(query):
        start, per = paging(max_, offset)
        size = cy.store.count(r.Annotation, where, params)
        if per:
            page = cy.store.select(r.Annotation, where, params, order=order_by, limit=per, offset=start)
        else:
            page = cy.store.select(r.Annotation, where, params, order=order_by)[start:]
        return json_response(envelope(views.annotation_views(cy, page), size, start, per))
    chosen = cy.store.select(r.Annotation, where, params, order="id")
    if area is not None:
        chosen = [annotation for annotation in chosen if intersects(annotation.location, area)]
    return listed(views.annotation_views(cy, chosen), max_, offset, sort, order)


async def list_included_annotations(cy: Cytomine, user: str | None = None, max_: int | None = None,
                                    offset: int | None = None, sort: str | None = None, order: str | None = None,
                                    project: int | None = None, image: int | None = None, images: str | None = None,
                                    term: int | None = None, terms: str | None = None, no_term: str | None = None,
                                    multiple_term: str | None = None) -> Response:
    """``AnnotationCollection(included=True)`` asks here (and drops the image from the path, a client bug): the
    same query as ``annotation.json``; the geometric inclusion filter is not applied."""
    return await list_annotations(cy, user, max_, offset, sort, order, project, image, images, term, terms, no_term,
                                  multiple_term)


def _writable(cy: Cytomine, annotation: r.Annotation, me: r.User) -> r.Project:
    project = cy.readable_project(annotation.project, me)
    own = annotation.user == me.id
    if not cy.can_write_in(project, me) or (project.is_restricted and not own
                                            and not cy.can_manage_project(project, me)):
        raise Forbidden(f"You don't have the right to read or modify this resource! {annotation.id}")
    return project


def _terms_of(cy: Cytomine, body: dict[str, Any], project: r.Project) -> list[int]:
    value = body.get("term", body.get("terms"))
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    chosen = []
    for item in values:
        term_id = id_field({"term": item}, "term", "Annotation")
        term = cy.store.get(r.Term, term_id)
        if term is None:
            raise NotFound.of("Term", term_id)
        if term.ontology != project.ontology:
            raise DomainError(f"Term {term.id} is not in the ontology of project {project.id}")
        chosen.append(term.id)
    return list(dict.fromkeys(chosen))


def _new_annotation(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    shape = parse(body.get("location"))
    image = readable_image(cy, id_field(body, "image", "Annotation") or 0, me)
    project = cy.readable_project(image.project, me)
    if not cy.can_write_in(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    terms = _terms_of(cy, body, project)
    annotation = r.Annotation(cy.new_id(), image.id, project.id, me.id, shape.wkt, cy.now())
    cy.store.insert(annotation)
    cy.store.insert(*(r.AnnotationTerm(cy.new_id(), annotation.id, t, me.id, annotation.created) for t in terms))
    message = f"{me.username} added an annotation in {image.id} on layer {me.username}"
    return cy.command("annotation", views.annotation(cy, annotation), "Add", message, imageID=image.id)


async def create_annotation(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_annotation(cy, me, item), "userannotations")


def annotation_of(cy: Cytomine, annotation_id: int, me: r.User) -> r.Annotation:
    annotation = cy.store.get(r.Annotation, annotation_id)
    if annotation is None:
        raise NotFound.of("Annotation", annotation_id)
    cy.readable_project(annotation.project, me)
    if not layers.visible(cy, annotation, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {annotation.id}")
    return annotation


async def read_annotation(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.annotation(cy, annotation_of(cy, id_, cy.me(user))))


async def update_annotation(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        _writable(cy, annotation, me)
        if "location" in body:
            annotation = cy.store.update(annotation, location=parse(body["location"]).wkt, updated=cy.now())
        message = f"{me.username} edited an annotation in {annotation.image}"
        return json_response(cy.command("annotation", views.annotation(cy, annotation), "Edit", message,
                                        imageID=annotation.image))


async def delete_annotation(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        _writable(cy, annotation, me)
        shown = views.annotation(cy, annotation)
        cy.store.delete(r.AnnotationTerm, "annotation = ?", (annotation.id,))
        cy.store.delete(r.AnnotationTrack, "annotation = ?", (annotation.id,))
        cy.store.delete(r.Review, "parent = ?", (annotation.id,))
        cy.store.delete(r.AnnotationLink, "annotation = ?", (annotation.id,))
        forget(cy, "SELECT ?", (annotation.id,))
        cy.store.delete(r.Annotation, "id = ?", (annotation.id,))
        message = f"{me.username} deleted an annotation in {annotation.image}"
        return json_response(cy.command("annotation", shown, "Delete", message, imageID=annotation.image))


# annotation terms --------------------------------------------------------------------------------

def _association(cy: Cytomine, annotation: r.Annotation, term_id: int) -> r.AnnotationTerm:
    found = cy.store.one(r.AnnotationTerm, "annotation = ? AND term = ?", (annotation.id, term_id))
    if found is None:
        raise NotFound(f"AnnotationTerm not found with filters : {{annotation={annotation.id}, term={term_id}}}")
    return found


async def read_annotation_term(cy: Cytomine, id_: int, term: int, user: str | None = None) -> Response:
    annotation = annotation_of(cy, id_, cy.me(user))
    return json_response(views.annotation_term(cy, _association(cy, annotation, term)))


async def add_annotation_term(cy: Cytomine, id_: int, term: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        project = cy.readable_project(annotation.project, me)
        if not cy.can_write_in(project, me):
            raise Forbidden(f"You don't have the right to read or modify this resource! {annotation.id}")
        chosen = _terms_of(cy, {"term": term}, project)
        if cy.store.one(r.AnnotationTerm, 'annotation = ? AND term = ? AND "user" = ?', (annotation.id, term, me.id)):
            raise DomainError(f"Term {term} already associated with annotation {annotation.id}", status=409)
        record = r.AnnotationTerm(cy.new_id(), annotation.id, chosen[0], me.id, cy.now())
        cy.store.insert(record)
        message = f"Term {term} added to annotation {annotation.id}"
        return json_response(cy.command("annotationterm", views.annotation_term(cy, record), "Add", message,
                                        annotationID=annotation.id))


async def remove_annotation_term(cy: Cytomine, id_: int, term: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        _writable_terms(cy, annotation, me)
        record = _association(cy, annotation, term)
        shown = views.annotation_term(cy, record)
        cy.store.delete(r.AnnotationTerm, "annotation = ? AND term = ?", (annotation.id, term))
        message = f"Term {term} deleted from annotation {annotation.id}"
        return json_response(cy.command("annotationterm", shown, "Delete", message, annotationID=annotation.id))


def _writable_terms(cy: Cytomine, annotation: r.Annotation, me: r.User) -> None:
    project = cy.readable_project(annotation.project, me)
    if not cy.can_write_in(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {annotation.id}")


