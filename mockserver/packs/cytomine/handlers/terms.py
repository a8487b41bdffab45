"""Terms: of an ontology, of a project, of an annotation; CRUD (a name is unique within its ontology)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, NotFound
from mockserver.packs.cytomine.handlers import ontologies
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.packs.cytomine.handlers.relations import set_parent
from mockserver.responses import json_response


async def list_terms(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                     sort: str | None = None, order: str | None = None) -> Response:
    me = cy.me(user)
    readable = {o.id for o in cy.store.select(r.Ontology) if ontologies.may_read(cy, o, me)}
    terms = [t for t in cy.store.select(r.Term, order="id") if t.ontology in readable]
    return listed([views.term(cy, t) for t in terms], max_, offset, sort, order)


async def list_terms_of_ontology(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                 offset: int | None = None, sort: str | None = None,
                                 order: str | None = None) -> Response:
    ontology = ontologies.readable(cy, id_, cy.me(user))
    terms = cy.store.select(r.Term, "ontology = ?", (ontology.id,), order="id")
    return listed([views.term(cy, t) for t in terms], max_, offset, sort, order)


async def list_terms_of_project(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                offset: int | None = None) -> Response:
    project = cy.readable_project(id_, cy.me(user))
    terms = cy.store.select(r.Term, "ontology = ?", (project.ontology,), order="id") if project.ontology else []
    return listed([views.term(cy, t) for t in terms], max_, offset)


async def list_terms_of_annotation(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                   offset: int | None = None) -> Response:
    me = cy.me(user)
    annotation = cy.store.get(r.Annotation, id_)
    if annotation is None:
        raise NotFound.of("Annotation", id_)
    cy.readable_project(annotation.project, me)
    terms = cy.store.select(r.Term, "id IN (SELECT term FROM annotation_terms WHERE annotation = ?)", (id_,),
                            order="id")
    return listed([views.term(cy, t) for t in terms], max_, offset)


def _unique(cy: Cytomine, name: str, ontology: int, term_id: int | None = None) -> None:
    if cy.store.one(r.Term, "name = ? AND ontology = ? AND id != ?", (name, ontology, term_id or -1)):
        raise DomainError(f"Term {name} already exist in this ontology!", status=409)


def _parent(cy: Cytomine, body: dict[str, Any], ontology: int, current: int | None) -> int | None:
    if "parent" not in body:
        return current
    parent = id_field(body, "parent", "Term", required=False)
    if parent is None:
        return None
    found = cy.store.get(r.Term, parent)
    if found is None or found.ontology != ontology:
        raise DomainError(f"Term {parent} is not a term of ontology {ontology}")
    return parent


def _color(body: dict[str, Any], current: str | None = None) -> str:
    color = text_field(body, "color", "Term", required=current is None) or current or ""
    return color


def _new_term(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    name = text_field(body, "name", "Term") or ""
    ontology_id = id_field(body, "ontology", "Term") or 0
    ontology = ontologies.readable(cy, ontology_id, me)
    color = _color(body)
    _unique(cy, name, ontology.id)
    comment = body.get("comment") if isinstance(body.get("comment"), str) else None
    term = r.Term(cy.new_id(), name, ontology.id, color, comment, None, cy.now())
    cy.store.insert(term)
    parent = _parent(cy, body, ontology.id, None)
    if parent is not None:
        set_parent(cy, term, parent)
        term = cy.store.get(r.Term, term.id) or term
    message = f"Term {name} ({term.id}) added in ontology {ontology.name}"
    return cy.command("term", views.term(cy, term), "Add", message, ontologyID=ontology.id)


async def create_term(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_term(cy, me, item), "terms")


def _term(cy: Cytomine, term_id: int, me: r.User) -> r.Term:
    term = cy.store.get(r.Term, term_id)
    if term is None:
        raise NotFound.of("Term", term_id)
    ontologies.readable(cy, term.ontology, me)
    return term


async def read_term(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.term(cy, _term(cy, id_, cy.me(user))))


async def update_term(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        term = _term(cy, id_, me)
        name = text_field(body, "name", "Term") if "name" in body else term.name
        _unique(cy, name or term.name, term.ontology, term.id)
        comment = body.get("comment", term.comment)
        parent = _parent(cy, body, term.ontology, term.parent)
        if parent != term.parent:
            set_parent(cy, term, parent)
        term = cy.store.update(term, name=name or term.name, color=_color(body, term.color),
                               comment=comment if isinstance(comment, str) or comment is None else term.comment,
                               parent=parent, updated=cy.now())
        message = f"Term {term.name} ({term.id}) edited in ontology {term.ontology}"
        return json_response(cy.command("term", views.term(cy, term), "Edit", message, ontologyID=term.ontology))


async def delete_term(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        term = _term(cy, id_, me)
        shown = views.term(cy, term)
        cy.store.delete(r.AnnotationTerm, "term = ?", (term.id,))
        cy.store.execute("UPDATE terms SET parent = NULL WHERE parent = ?", (term.id,))
        cy.store.execute("DELETE FROM relation_terms WHERE term1 = ? OR term2 = ?", (term.id, term.id))
        cy.store.delete(r.Term, "id = ?", (term.id,))
        message = f"Term {term.name} ({term.id}) deleted from ontology {term.ontology}"
        return json_response(cy.command("term", shown, "Delete", message, ontologyID=term.ontology))
