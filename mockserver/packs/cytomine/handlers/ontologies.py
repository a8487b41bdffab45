"""Ontologies: lists, CRUD; an ontology a project uses cannot be deleted."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, create, flag, listed, query_args, text_field
from mockserver.responses import json_response

IN_USE = "Ontology is linked with project. Cannot delete ontology!"


def may_read(cy: Cytomine, ontology: r.Ontology, me: r.User) -> bool:
    if me.admin or ontology.user == me.id:
        return True
    return bool(cy.store.scalars("SELECT 1 FROM projects p JOIN members m ON m.project = p.id "
                                 'WHERE p.ontology = ? AND m."user" = ? LIMIT 1', (ontology.id, me.id)))


def readable(cy: Cytomine, ontology_id: int, me: r.User) -> r.Ontology:
    ontology = cy.store.get(r.Ontology, ontology_id)
    if ontology is None:
        raise NotFound.of("Ontology", ontology_id)
    if not may_read(cy, ontology, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {ontology.name} {ontology.id}")
    return ontology


def owned(cy: Cytomine, ontology_id: int, me: r.User) -> r.Ontology:
    ontology = readable(cy, ontology_id, me)
    if not (me.admin or ontology.user == me.id):
        raise Forbidden(f"You don't have the right to read or modify this resource! {ontology.name} {ontology.id}")
    return ontology


async def list_ontologies(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                          sort: str | None = None, order: str | None = None) -> Response:
    me = cy.me(user)
    ontologies = [o for o in cy.store.select(r.Ontology, order="id") if may_read(cy, o, me)]
    if flag(query_args().get("light")):
        items = [{"class": views.class_of(r.Ontology), "id": o.id, "name": o.name, "created": views.stamp(o.created)}
                 for o in ontologies]
    else:
        items = [views.ontology(cy, o) for o in ontologies]
    return listed(items, max_, offset, sort, order)


def _unique_name(cy: Cytomine, name: str, ontology_id: int | None = None) -> None:
    if cy.store.one(r.Ontology, "name = ? AND id != ?", (name, ontology_id or -1)) is not None:
        raise DomainError(f"Ontology {name} already exist!", status=409)


def _new_ontology(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    name = text_field(body, "name", "Ontology") or ""
    _unique_name(cy, name)
    ontology = r.Ontology(cy.new_id(), name, me.id, cy.now())
    cy.store.insert(ontology)
    return cy.command("ontology", views.ontology(cy, ontology), "Add", f"Ontology {ontology.id} ({name}) added")


async def create_ontology(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_ontology(cy, me, item), "ontologies")


async def read_ontology(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.ontology(cy, readable(cy, id_, cy.me(user))))


async def update_ontology(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        ontology = owned(cy, id_, me)
        if "name" in body:
            name = text_field(body, "name", "Ontology") or ""
            _unique_name(cy, name, ontology.id)
            ontology = cy.store.update(ontology, name=name, updated=cy.now())
        shown = views.ontology(cy, ontology)
        return json_response(cy.command("ontology", shown, "Edit", f"Ontology {ontology.id} ({ontology.name}) edited"))


async def delete_ontology(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        ontology = owned(cy, id_, me)
        if cy.store.count(r.Project, "ontology = ?", (ontology.id,)):
            raise DomainError(IN_USE)
        shown = views.ontology(cy, ontology)
        cy.store.execute("DELETE FROM annotation_terms WHERE term IN (SELECT id FROM terms WHERE ontology = ?)",
                         (ontology.id,))
        cy.store.execute("DELETE FROM relation_terms WHERE term2 IN (SELECT id FROM terms WHERE ontology = ?)",
                         (ontology.id,))
        cy.store.delete(r.Term, "ontology = ?", (ontology.id,))
        cy.store.delete(r.Ontology, "id = ?", (ontology.id,))
        message = f"Ontology {ontology.id} ({ontology.name}) deleted"
        return json_response(cy.command("ontology", shown, "Delete", message))
