"""The JSON:API operations every resource shares: index, show, and reading create/update bodies.

Handlers (``handlers/*.py``) call these with their resource and add the resource's own rules (who may write,
what a create derives, what a change rolls up).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from typing import Any

from connexion import request
from starlette.responses import Response

from mockserver.packs.idah import jsonapi, query
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import NotFound, Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES, Resource
from mockserver.packs.idah.visibility import VISIBLE, VISIBLE_ONE, WHERE, Scope


def current_query() -> query.Query:
    return query.parse(request.scope.get("query_string", b"").decode("latin-1"))


def check_included(resource: Resource, included: Iterable[str], *, show: bool) -> None:
    """index: values outside the whitelist → 422 (no whitelist: the parameter is not declared, so ignored);
    show: the parameter is always declared, anything outside the whitelist is "unauthorized"."""
    wrong = [name for name in included if name not in resource.included]
    if not wrong or (not show and not resource.included):
        return
    if show:
        raise ValidationFailed("included unauthorized", pointer="/included")
    raise ValidationFailed(f"must be one of: {', '.join(resource.included)}", pointer="/included")


def visible(api: Idah, name: str, scope: Scope | None = None) -> list[Any]:
    return list(VISIBLE[name](scope or api.scope()))


def find(api: Idah, name: str, resource_id: str, scope: Scope | None = None) -> Any:
    """The record the caller sees, or 404 (rows out of scope are not found, not forbidden)."""
    if name in VISIBLE_ONE:
        found = VISIBLE_ONE[name](scope or api.scope(), str(resource_id))
        if found is None:
            raise NotFound()
        return found
    for record in visible(api, name, scope):
        if str(record.id) == str(resource_id):
            return record
    raise NotFound()


def visible_ids(api: Idah, scope: Scope) -> jsonapi.Visible:
    """What included records may be (each resource read once per request)."""
    return functools.cache(lambda name: {str(record.id) for record in visible(api, name, scope)})


def index(api: Idah, name: str) -> Response:
    resource, q, scope = RESOURCES[name], current_query(), api.scope()
    check_included(resource, q.included, show=False)
    included = q.included if resource.included else ()
    rows, meta = _paged_in_sql(api, name, q, scope) or query.page(
        query.ordered(resource, query.filtered(resource, visible(api, name, scope), q.filters), q.sort), q)
    return jsonapi.response(jsonapi.document(api.store, resource, rows, q.fields, included, many=True, meta=meta,
                                             visible=visible_ids(api, scope)))


def _paged_in_sql(api: Idah, name: str, q: query.Query, scope: Scope) -> tuple[list[Any], dict[str, Any]] | None:
    """The page the store selects, sorts and counts itself; None where the query needs Python (filters, sorts on
    JSON fields, pages before the first) or the resource has no visibility condition."""
    resource = RESOURCES[name]
    order = query.sql_order(resource, q.sort)
    if name not in WHERE or order is None or q.page_number < 1 or q.page_size < 0 or any(
            resource.honours(key) for key in q.filters):
        return None
    where, params = WHERE[name](scope)
    offset = (q.page_number - 1) * q.page_size
    rows = api.store.select(resource.record, where, params, order=order, limit=q.page_size, offset=offset)
    if not q.count:
        return rows, {}
    return rows, query.count_meta(offset, api.store.count(resource.record, where, params, limit=query.COUNT_CAP + 1,
                                                          offset=offset))


def shown(api: Idah, name: str, record: Any, status: int = 200) -> Response:
    q = current_query()
    return jsonapi.response(jsonapi.document(api.store, RESOURCES[name], [record], q.fields, (), many=False), status)


def show(api: Idah, name: str, resource_id: str) -> Response:
    resource, q, scope = RESOURCES[name], current_query(), api.scope()
    check_included(resource, q.included, show=True)
    record = find(api, name, resource_id, scope)
    return jsonapi.response(jsonapi.document(api.store, resource, [record], q.fields, q.included, many=False,
                                             visible=visible_ids(api, scope)))


def data_of(resource: Resource, body: Any) -> dict[str, Any]:
    """``body["data"]`` after the type check (only the top-level type is checked, not relationship types)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ValidationFailed("is missing", pointer="/data")
    if data.get("type") != resource.type:
        raise ValidationFailed("type invalid", pointer="/data/type")
    return data


def attributes_of(resource: Resource, data: dict[str, Any], *, update: bool) -> dict[str, Any]:
    """The attributes the resource's schema declares (unknown ones dropped; read-only ones too on PATCH)."""
    given = data.get("attributes") or {}
    allowed = set(resource.attributes) - (resource.read_only if update else set())
    return {key: value for key, value in given.items() if key in allowed}


def changes_of(resource: Resource, body: Any) -> dict[str, Any]:
    """The attributes a PATCH body may change (``data``'s type checked)."""
    return attributes_of(resource, data_of(resource, body), update=True)


def updated(api: Idah, name: str, record: Any, body: Any) -> Response:
    """``record`` with the body's changes and a fresh ``updated_at``, answered."""
    changes = changes_of(RESOURCES[name], body)
    with api.store.transaction():
        record = api.store.update(record, **changes, updated_at=api.now())
    return shown(api, name, record)


def linked_id(data: dict[str, Any], name: str) -> Any:
    """The id of relationship ``name`` (its ``data.type`` only has to be a string: the frontend sends
    ``datasets:datasets`` for a dataset)."""
    relationship = (data.get("relationships") or {}).get(name) or {}
    linked = relationship.get("data") if isinstance(relationship, dict) else None
    return linked.get("id") if isinstance(linked, dict) else None


def owned_create(api: Idah, resource: Resource, body: dict[str, Any], refusal: str
                 ) -> tuple[dict[str, Any], dict[str, Any], Any]:
    """``(data, attributes, project)`` of a create of ``resource`` in a project only its owners may change: the
    project it names (its ``project`` relationship, else ``project_id``), if the caller owns it;
    ``Unauthorized(refusal)`` otherwise (``NotFound`` where the caller cannot see it)."""
    data = data_of(resource, body)
    attributes = attributes_of(resource, data, update=False)
    scope = api.scope()
    project = find(api, "projects", str(linked_id(data, "project") or attributes.get("project_id")), scope)
    if not scope.owns(project):
        raise Unauthorized(refusal)
    return data, attributes, project


def client_id(data: dict[str, Any]) -> str | None:
    """A client-chosen UUID (``data.id`` or ``attributes.id``); 422 when it is no UUID."""
    value = data["id"] if "id" in data else (data.get("attributes") or {}).get("id")
    if value is None:
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValidationFailed("must be a valid uuid", pointer="/data/id") from None


def new_id(api: Idah, resource: Resource, data: dict[str, Any]) -> str:
    """The client's id for a new record (422 when taken), else a fresh UUIDv7."""
    chosen = client_id(data)
    if chosen is None:
        return api.new_uuid()
    if api.store.get(resource.record, chosen) is not None:
        raise ValidationFailed("has already been taken", pointer="/data/id")
    return chosen
