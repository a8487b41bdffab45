"""Users and their keys: the caller, user lists, key pairs, the server-side signature helper."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.auth import sign
from mockserver.packs.cytomine.errors import Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import listed
from mockserver.packs.cytomine.records import Ontology, User
from mockserver.responses import json_response


async def current_user(cy: Cytomine, user: str | None = None) -> Response:
    me = cy.me(user)
    return json_response(views.user(cy, me, me))


async def current_keys(cy: Cytomine, user: str | None = None) -> Response:
    me = cy.me(user)
    return json_response({"primaryKey": me.public_key, "secondaryKey": me.private_key})


async def list_users(cy: Cytomine, user: str | None = None, max_: int | None = None, offset: int | None = None,
                     sort: str | None = None, order: str | None = None, public_key: str | None = None) -> Response:
    me = cy.me(user)
    users = cy.store.select(User, "public_key = ?", (public_key,)) if public_key else cy.store.select(User)
    return listed([views.user(cy, u, me) for u in users], max_, offset, sort, order)


def _user(cy: Cytomine, user_id: int) -> User:
    found = cy.store.get(User, user_id)
    if found is None:
        raise NotFound.of("User", user_id)
    return found


async def read_user(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    return json_response(views.user(cy, _user(cy, id_), me))


def _keys(me: User, owner: User) -> Response:
    if me.id != owner.id and not me.admin:
        raise Forbidden("You don't have the right to read the keys of this user")
    return json_response({"publicKey": owner.public_key, "privateKey": owner.private_key})


async def user_keys(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return _keys(cy.me(user), _user(cy, id_))


async def keys_by_public_key(cy: Cytomine, public_key: str, user: str | None = None) -> Response:
    me = cy.me(user)
    owner = cy.store.one(User, "public_key = ?", (public_key,))
    if owner is None:
        raise NotFound(f"User not found with publicKey : {public_key}")
    return _keys(me, owner)


async def signature(cy: Cytomine, user: str | None = None, method: str | None = None,
                    content_type: str | None = None, date: str | None = None,
                    forward_uri: str | None = None) -> Response:
    me = cy.me(user)
    token = f"{(method or 'GET').upper()}\n\n{content_type or ''}\n{date or ''}"
    if forward_uri:
        token += f"\n{forward_uri}"
    return json_response({"signature": sign(me.private_key, token), "publicKey": me.public_key})


async def list_users_of_ontology(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                 offset: int | None = None) -> Response:
    """The ontology's creator and the members of the projects that use it."""
    me = cy.me(user)
    ontology = cy.store.get(Ontology, id_)
    if ontology is None:
        raise NotFound.of("Ontology", id_)
    wanted = {ontology.user} | set(cy.store.scalars(
        'SELECT m."user" FROM members m JOIN projects p ON p.id = m.project WHERE p.ontology = ?', (ontology.id,)))
    users = [u for u in cy.store.select(User, order="id") if u.id in wanted]
    return listed([views.user(cy, u, me) for u in users], max_, offset)
