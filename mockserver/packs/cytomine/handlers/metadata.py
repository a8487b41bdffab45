"""Metadata on any domain object: properties (key/value), tags and their associations, descriptions."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.domains import Domain, checked
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.responses import json_response

# properties --------------------------------------------------------------------------------------


def _value(body: dict[str, Any]) -> str:
    value = body.get("value")
    if value is None:
        raise DomainError("Property.value cannot be null")
    return value if isinstance(value, str) else str(value)


def _properties(cy: Cytomine, domain: Domain) -> list[dict[str, Any]]:
    found = cy.store.select(r.Property, "domain_ident = ?", (domain.ident,), order="id")
    return [views.property_(cy, p) for p in found]


async def list_properties(cy: Cytomine, domain_class_name: str, domain_ident: int, user: str | None = None,
                          max_: int | None = None, offset: int | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    return listed(_properties(cy, domain), max_, offset)


async def list_annotation_properties(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                     offset: int | None = None) -> Response:
    domain = checked(cy, "UserAnnotation", id_, cy.me(user))
    return listed(_properties(cy, domain), max_, offset)


def _new_property(cy: Cytomine, me: r.User, domain_class_name: str, domain_ident: int,
                  body: dict[str, Any]) -> dict[str, Any]:
    domain = checked(cy, str(body.get("domainClassName") or domain_class_name),
                     id_field(body, "domainIdent", "Property", required=False) or domain_ident, me, write=True)
    key = text_field(body, "key", "Property") or ""
    if cy.store.one(r.Property, "domain_ident = ? AND key = ?", (domain.ident, key)):
        raise DomainError(f"Property {key} already exist for this domain!", status=409)
    record = r.Property(cy.new_id(), domain.class_name, domain.ident, key, _value(body), cy.now())
    cy.store.insert(record)
    message = f"Property {record.id} ({key}) added"
    return cy.command("property", views.property_(cy, record), "Add", message, domainIdent=domain.ident)


async def create_property(cy: Cytomine, domain_class_name: str, domain_ident: int, body: Any,
                          user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_property(cy, me, domain_class_name, domain_ident, item), "properties")


def _property(cy: Cytomine, domain: Domain, property_id: int) -> r.Property:
    found = cy.store.get(r.Property, property_id)
    if found is None or found.domain_ident != domain.ident:
        raise NotFound.of("Property", property_id)
    return found


async def read_property(cy: Cytomine, domain_class_name: str, domain_ident: int, id_: int,
                        user: str | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    return json_response(views.property_(cy, _property(cy, domain, id_)))


async def read_property_by_key(cy: Cytomine, domain_class_name: str, domain_ident: int, key: str,
                               user: str | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    found = cy.store.one(r.Property, "domain_ident = ? AND key = ?", (domain.ident, key))
    if found is None:
        raise NotFound(f"Property not found with filters : {{domainIdent={domain.ident}, key={key}}}")
    return json_response(views.property_(cy, found))


async def update_property(cy: Cytomine, domain_class_name: str, domain_ident: int, id_: int, body: Any,
                          user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        domain = checked(cy, domain_class_name, domain_ident, me, write=True)
        record = _property(cy, domain, id_)
        key = text_field(body, "key", "Property") if "key" in body else record.key
        value = _value(body) if "value" in body else record.value
        record = cy.store.update(record, key=key or record.key, value=value, updated=cy.now())
        return json_response(cy.command("property", views.property_(cy, record), "Edit",
                                        f"Property {record.id} ({record.key}) edited", domainIdent=domain.ident))


async def delete_property(cy: Cytomine, domain_class_name: str, domain_ident: int, id_: int,
                          user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        domain = checked(cy, domain_class_name, domain_ident, me, write=True)
        record = _property(cy, domain, id_)
        cy.store.delete(r.Property, "id = ?", (record.id,))
        return json_response(cy.command("property", views.property_(cy, record), "Delete",
                                        f"Property {record.id} ({record.key}) deleted", domainIdent=domain.ident))


# tags --------------------------------------------------------------------------------------------

async def list_tags(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                    sort: str | None = None, order: str | None = None) -> Response:
    cy.me(user)
    return listed([views.tag(cy, t) for t in cy.store.select(r.Tag, order="id")], max_, offset, sort, order)


def _unique_tag(cy: Cytomine, name: str, tag_id: int | None = None) -> None:
    if cy.store.one(r.Tag, "lower(name) = lower(?) AND id != ?", (name, tag_id or -1)):
        raise DomainError(f"Tag {name} already exist!", status=409)


def _new_tag(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    name = text_field(body, "name", "Tag") or ""
    _unique_tag(cy, name)
    record = r.Tag(cy.new_id(), name, me.id, cy.now())
    cy.store.insert(record)
    return cy.command("tag", views.tag(cy, record), "Add", f"Tag {record.id} ({name}) added")


async def create_tag(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_tag(cy, me, item), "tags")


def _tag(cy: Cytomine, tag_id: int) -> r.Tag:
    found = cy.store.get(r.Tag, tag_id)
    if found is None:
        raise NotFound.of("Tag", tag_id)
    return found


def _own_tag(cy: Cytomine, tag_id: int, me: r.User) -> r.Tag:
    found = _tag(cy, tag_id)
    if not (me.admin or found.user == me.id):
        raise Forbidden(f"You don't have the right to read or modify this resource! {found.name} {found.id}")
    return found


async def read_tag(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    return json_response(views.tag(cy, _tag(cy, id_)))


async def update_tag(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = _own_tag(cy, id_, me)
        if "name" in body:
            name = text_field(body, "name", "Tag") or ""
            _unique_tag(cy, name, record.id)
            record = cy.store.update(record, name=name, updated=cy.now())
        message = f"Tag {record.id} ({record.name}) edited"
        return json_response(cy.command("tag", views.tag(cy, record), "Edit", message))


async def delete_tag(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = _own_tag(cy, id_, me)
        cy.store.delete(r.TagAssociation, "tag = ?", (record.id,))
        cy.store.delete(r.Tag, "id = ?", (record.id,))
        return json_response(cy.command("tag", views.tag(cy, record), "Delete",
                                        f"Tag {record.id} ({record.name}) deleted"))


async def list_tag_associations(cy: Cytomine, domain_class_name: str, domain_ident: int, user: str | None = None,
                                max_: int | None = None, offset: int | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    found = cy.store.select(r.TagAssociation, "domain_ident = ?", (domain.ident,), order="id")
    return listed([views.tag_association(cy, a) for a in found], max_, offset)


def _new_association(cy: Cytomine, me: r.User, domain_class_name: str, domain_ident: int,
                     body: dict[str, Any]) -> dict[str, Any]:
    domain = checked(cy, str(body.get("domainClassName") or domain_class_name),
                     id_field(body, "domainIdent", "TagDomainAssociation", required=False) or domain_ident, me,
                     write=True)
    tag = _tag(cy, id_field(body, "tag", "TagDomainAssociation") or 0)
    if cy.store.one(r.TagAssociation, "tag = ? AND domain_ident = ?", (tag.id, domain.ident)):
        raise DomainError(f"Tag {tag.name} already associated with this domain!", status=409)
    record = r.TagAssociation(cy.new_id(), tag.id, domain.class_name, domain.ident, cy.now())
    cy.store.insert(record)
    message = f"Tag {tag.name} associated with {domain.ident}"
    return cy.command("tagdomainassociation", views.tag_association(cy, record), "Add", message)


async def create_tag_association(cy: Cytomine, domain_class_name: str, domain_ident: int, body: Any,
                                 user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_association(cy, me, domain_class_name, domain_ident, item),
                  "tagdomainassociations")


def _association(cy: Cytomine, association_id: int, me: r.User, write: bool = False) -> r.TagAssociation:
    found = cy.store.get(r.TagAssociation, association_id)
    if found is None:
        raise NotFound.of("TagDomainAssociation", association_id)
    checked(cy, found.domain_class, found.domain_ident, me, write=write)
    return found


async def read_tag_association(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.tag_association(cy, _association(cy, id_, cy.me(user))))


async def delete_tag_association(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = _association(cy, id_, me, write=True)
        cy.store.delete(r.TagAssociation, "id = ?", (record.id,))
        return json_response(cy.command("tagdomainassociation", views.tag_association(cy, record), "Delete",
                                        f"Tag association {record.id} deleted"))


# descriptions ------------------------------------------------------------------------------------

def _description(cy: Cytomine, domain: Domain) -> r.Description:
    found = cy.store.one(r.Description, "domain_ident = ?", (domain.ident,))
    if found is None:
        raise NotFound(f"Description not found with filters : {{domainIdent={domain.ident}}}")
    return found


def _data(body: dict[str, Any]) -> str:
    data = body.get("data")
    if not isinstance(data, str):
        raise DomainError("Description.data cannot be null")
    return data


async def read_description(cy: Cytomine, domain_class_name: str, domain_ident: int,
                           user: str | None = None) -> Response:
    domain = checked(cy, domain_class_name, domain_ident, cy.me(user))
    return json_response(views.description(cy, _description(cy, domain)))


async def create_description(cy: Cytomine, domain_class_name: str, domain_ident: int, body: Any,
                             user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        domain = checked(cy, domain_class_name, domain_ident, me, write=True)
        if cy.store.one(r.Description, "domain_ident = ?", (domain.ident,)):
            raise DomainError(f"Description already exist for domain {domain.ident}", status=409)
        record = r.Description(cy.new_id(), domain.class_name, domain.ident, _data(body), cy.now())
        cy.store.insert(record)
        return json_response(cy.command("description", views.description(cy, record), "Add",
                                        f"Description {record.id} added"))


async def update_description(cy: Cytomine, domain_class_name: str, domain_ident: int, body: Any,
                             user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        domain = checked(cy, domain_class_name, domain_ident, me, write=True)
        record = cy.store.update(_description(cy, domain), data=_data(body), updated=cy.now())
        return json_response(cy.command("description", views.description(cy, record), "Edit",
                                        f"Description {record.id} edited"))


async def delete_description(cy: Cytomine, domain_class_name: str, domain_ident: int,
                             user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        domain = checked(cy, domain_class_name, domain_ident, me, write=True)
        record = _description(cy, domain)
        cy.store.delete(r.Description, "id = ?", (record.id,))
        return json_response(cy.command("description", views.description(cy, record), "Delete",
                                        f"Description {record.id} deleted"))
