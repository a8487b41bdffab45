"""Reviewing an annotation: a reviewed copy with the reviewer's terms; un-reviewing deletes it.

The client's ``Annotation.review()`` sends ``id=…&terms=…`` form-encoded under ``content-type: application/json``
(a client bug): the route declares no body, and the handler reads JSON, else the form, else nothing.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from connexion import request
from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.annotations import annotation_of
from mockserver.packs.cytomine.handlers.common import ids
from mockserver.responses import json_response


async def _terms_sent(project: r.Project, cy: Cytomine) -> list[int] | None:
    """The ``terms`` of the body (JSON or form), None when the body names none."""
    raw = (await request.body()).decode("utf-8", "replace").strip()
    try:
        body: Any = json.loads(raw) if raw else {}
    except ValueError:
        body = {key: values for key, values in parse_qs(raw).items()}
    value = body.get("terms") if isinstance(body, dict) else None
    if value is None:
        return None
    chosen = ids(",".join(str(v) for v in value) if isinstance(value, list) else value)
    for term_id in chosen:
        term = cy.store.get(r.Term, term_id)
        if term is None or term.ontology != project.ontology:
            raise DomainError(f"Term {term_id} is not in the ontology of project {project.id}")
    return chosen


def _reviewer(cy: Cytomine, annotation: r.Annotation, me: r.User) -> r.Project:
    project = cy.readable_project(annotation.project, me)
    if not cy.can_manage_project(project, me):
        raise Forbidden(f"You must be a manager of project {project.id} to review its annotations")
    return project


async def review_annotation(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    annotation = annotation_of(cy, id_, me)
    project = _reviewer(cy, annotation, me)
    terms = await _terms_sent(project, cy)
    with cy.store.transaction():
        if cy.store.count(r.Review, "parent = ?", (annotation.id,)):
            raise DomainError(f"Annotation {annotation.id} is already reviewed", status=409)
        if terms is None:
            terms = cy.store.scalars("SELECT DISTINCT term FROM annotation_terms WHERE annotation = ? ORDER BY term",
                                     (annotation.id,))
        record = r.Review(cy.new_id(), annotation.id, annotation.image, annotation.project, me.id,
                          annotation.location, terms, cy.now())
        cy.store.insert(record)
        return json_response(cy.command("reviewedannotation", views.review(cy, record), "Add",
                                        f"Annotation {annotation.id} reviewed", imageID=annotation.image))


async def review_annotation_again(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return await review_annotation(cy, id_, user)


async def unreview_annotation(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        annotation = annotation_of(cy, id_, me)
        _reviewer(cy, annotation, me)
        record = cy.store.one(r.Review, "parent = ?", (annotation.id,))
        if record is None:
            raise NotFound(f"ReviewedAnnotation not found with filters : {{parentIdent={annotation.id}}}")
        shown = views.review(cy, record)
        cy.store.delete(r.Review, "id = ?", (record.id,))
        return json_response(cy.command("reviewedannotation", shown, "Delete",
                                        f"Review of annotation {annotation.id} deleted", imageID=annotation.image))
