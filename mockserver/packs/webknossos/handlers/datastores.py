"""``/datastores`` and ``/tracingstore(s)``: the storage servers WEBKNOSSOS knows."""

from __future__ import annotations

from typing import Any, TypeVar

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.views.datasets import datastore, tracingstore
from mockserver.responses import empty_response, json_response

S = TypeVar("S", r.Datastore, r.Tracingstore)


async def list_datastores(api: Api, user: str | None = None) -> Response:
    return json_response([datastore(d) for d in api.store.select(r.Datastore, order="name")])


async def create_datastore(api: Api, body: dict[str, Any], user: str | None = None) -> Response:
    me = api.require(user)
    if not me.is_admin:
        raise Forbidden()
    with api.store.transaction():
        if api.store.get(r.Datastore, body["name"]):
            raise BadRequest("A datastore with this name already exists")
        record = r.Datastore(body["name"], body["url"], body["publicUrl"], body["key"],
                             bool(body.get("isScratch", False)), bool(body.get("allowsUpload", True)))
        api.store.insert(record)
    return json_response(datastore(record))


def _updatable(api: Api, kind: type[S], name: str, body: dict[str, Any], user: str | None) -> S:
    """The store ``name`` to update: admins only; a non-admin, an unknown name and a name mismatch all give 404
    ``Datastore could not be found`` / ``Tracingstore could not be found``, as the real server."""
    me = api.require(user)
    record = api.store.get(kind, name)
    if record is None or not me.is_admin or body.get("name") != name:
        raise NotFound(f"{kind.__name__} could not be found")
    return record


async def update_datastore(api: Api, name: str, body: dict[str, Any], user: str | None = None) -> Response:
    record = _updatable(api, r.Datastore, name, body, user)
    record = api.store.update(record, url=body["url"], public_url=body["publicUrl"],
                              is_scratch=bool(body.get("isScratch", record.is_scratch)),
                              allows_upload=bool(body.get("allowsUpload", record.allows_upload)))
    return json_response(datastore(record))


async def delete_datastore(api: Api, name: str, user: str | None = None) -> Response:
    """Super users only; 200 with an empty body, also for an unknown name."""
    me = api.require(user)
    if not me.user.is_super_user:
        raise Forbidden()
    with api.store.transaction():
        if api.store.count(r.Dataset, "datastore_name = ?", (name,)):
            raise BadRequest("Datastore still holds datasets and cannot be deleted")
        api.store.delete(r.Datastore, "name = ?", (name,))
    return empty_response()


async def read_tracingstore(api: Api, user: str | None = None) -> Response:
    record = api.store.one(r.Tracingstore, "1 = 1")
    if record is None:
        raise BadRequest("Failed to retrieve list of tracing stores.")
    return json_response(tracingstore(record))


async def update_tracingstore(api: Api, name: str, body: dict[str, Any], user: str | None = None) -> Response:
    record = _updatable(api, r.Tracingstore, name, body, user)
    record = api.store.update(record, url=body["url"], public_url=body["publicUrl"])
    return json_response(tracingstore(record))
