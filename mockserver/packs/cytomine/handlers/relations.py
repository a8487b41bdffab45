"""Relation terms: the ``parent`` relation of an ontology's term tree (``term1`` is the parent of ``term2``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, NotFound
from mockserver.packs.cytomine.handlers import ontologies
from mockserver.packs.cytomine.handlers.common import an_object, id_field
from mockserver.responses import json_response


def set_parent(cy: Cytomine, child: r.Term, parent: int | None) -> None:
    """``child``'s parent, as its ``parent`` field and as the one relation term that says it."""
    cy.store.delete(r.RelationTerm, "term2 = ?", (child.id,))
    cy.store.update(child, parent=parent)
    if parent is not None:
        cy.store.insert(r.RelationTerm(cy.new_id(), parent, child.id, cy.now()))


def _terms(cy: Cytomine, term1: int, term2: int, me: r.User) -> tuple[r.Term, r.Term]:
    found = []
    for term_id in (term1, term2):
        term = cy.store.get(r.Term, term_id)
        if term is None:
            raise NotFound.of("Term", term_id)
        ontologies.readable(cy, term.ontology, me)
        found.append(term)
    return found[0], found[1]


async def add_relation(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        parent, child = _terms(cy, id_field(body, "term1", "RelationTerm") or 0,
                               id_field(body, "term2", "RelationTerm") or 0, me)
        if parent.ontology != child.ontology or parent.id == child.id:
            raise DomainError("The terms of a relation must be two terms of one ontology")
        if cy.store.one(r.RelationTerm, "term1 = ? AND term2 = ?", (parent.id, child.id)):
            raise DomainError(f"Relation between {parent.id} and {child.id} already exist", status=409)
        set_parent(cy, child, parent.id)
        record = cy.store.one(r.RelationTerm, "term2 = ?", (child.id,))
        assert record is not None
        message = f"Parent relation between {parent.name} and {child.name} added"
        return json_response(cy.command("relationterm", views.relation_term(cy, record), "Add", message))


def _relation(cy: Cytomine, term1: int, term2: int) -> r.RelationTerm:
    found = cy.store.one(r.RelationTerm, "term1 = ? AND term2 = ?", (term1, term2))
    if found is None:
        raise NotFound(f"RelationTerm not found with filters : {{term1={term1}, term2={term2}}}")
    return found


async def read_relation(cy: Cytomine, term1: int, term2: int, user: str | None = None) -> Response:
    _terms(cy, term1, term2, cy.me(user))
    return json_response(views.relation_term(cy, _relation(cy, term1, term2)))


async def remove_relation(cy: Cytomine, term1: int, term2: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        _, child = _terms(cy, term1, term2, me)
        record = _relation(cy, term1, term2)
        shown = views.relation_term(cy, record)
        set_parent(cy, child, None)
        return json_response(cy.command("relationterm", shown, "Delete", f"Parent relation {record.id} deleted"))
