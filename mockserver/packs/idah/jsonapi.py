"""Resource objects and documents as the Verse renderer writes them.

- ``id`` and ``type`` are not repeated inside ``attributes``; times are Ruby's ``Time#to_s``;
- every belongs-to foreign key is a relationship linkage even when not included (``assigned_to`` and friends
  link the **account id**, the key's value); has-many relationships only appear when included;
- ``included`` is left out when empty, ``meta`` is always there on collections, there are no ``links``.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from starlette.responses import Response

from mockserver.packs.idah import records as r
from mockserver.packs.idah.ids import ruby_time
from mockserver.packs.idah.resources import RESOURCES, Relationship, Resource
from mockserver.packs.idah.visibility import entry_stat
from mockserver.store import Store

MEDIA_TYPE = "application/vnd.api+json"


def value_of(resource: Resource, record: Any, name: str) -> Any:
    value = getattr(record, name)
    if name in resource.time_fields:
        return ruby_time(value)
    if name == "dimensions" and isinstance(record, r.Annotation) and record.shapes:
        return {**value, **record.shapes}
    return value


def linkage(rel: Relationship, value: Any) -> dict[str, Any] | None:
    return _linkage(RESOURCES[rel.target].type, value)


def _linkage(kind: str, value: Any) -> dict[str, Any] | None:
    return None if value is None else {"type": kind, "id": str(value)}


def resource_object(resource: Resource, record: Any, fields: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    return _renderer(resource.name, fields.get(resource.type))(record)


@functools.lru_cache(maxsize=256)
def _renderer(name: str, wanted: frozenset[str] | None) -> Callable[[Any], dict[str, Any]]:
    """The resource object of a record of resource ``name`` with the ``wanted`` attributes (None: all), its
    attribute list, conversions and linkages worked out once."""
    resource = RESOURCES[name]
    names = tuple(n for n in resource.attributes if wanted is None or n in wanted)
    times = tuple(n for n in names if n in resource.time_fields)
    converted = tuple(n for n in names if n == "dimensions" and n not in times)
    links = tuple((rel.name, RESOURCES[rel.target].type) for rel in resource.belongs_to)
    values, keys = _getter(names), _getter(tuple(rel.key for rel in resource.belongs_to))

    def render(record: Any) -> dict[str, Any]:
        attributes = dict(zip(names, values(record), strict=True))  # converted in place below: the order stays
        for n in times:
            attributes[n] = ruby_time(attributes[n])
        for n in converted:
            attributes[n] = value_of(resource, record, n)
        shown: dict[str, Any] = {"type": resource.type, "id": str(record.id), "attributes": attributes}
        if links:
            shown["relationships"] = {rel: {"data": _linkage(kind, key)}
                                      for (rel, kind), key in zip(links, keys(record), strict=True)}
        return shown

    return render


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A record's values of ``names``, as a tuple (``operator.attrgetter`` gives a bare value for one name)."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    return lambda record: tuple(getattr(record, n) for n in names)


def related(store: Store, resource: Resource, record: Any, rel: Relationship) -> list[Any]:
    """The records ``rel`` of ``record`` names (has-many: all that point at it)."""
    target = RESOURCES[rel.target]
    if rel.target == "entry_stats":
        return [entry_stat(store, record)]
    if rel.many:
        return store.select(target.record, f"{rel.key} = ?", (record.id,), order="id")
    value = getattr(record, rel.key)
    if value is None:
        return []
    if rel.match == "account_id":  # a member of the record's project, by account
        return store.select(target.record, "account_id = ? AND project_id = ?", (value, record.project_id))
    found = store.get(target.record, value)
    return [found] if found is not None else []


Visible = Callable[[str], set[str]]
"""Resource name → the ids of it the caller sees (included records are scoped like every query)."""


def document(store: Store, resource: Resource, records: Iterable[Any], fields: Mapping[str, frozenset[str]],
             included: Iterable[str], many: bool, meta: dict[str, Any] | None = None,
             visible: Visible | None = None) -> dict[str, Any]:
    records = list(records)
    primary = [resource_object(resource, record, fields) for record in records]
    extra: dict[tuple[str, str], dict[str, Any]] = {}
    sees = visible or (lambda name: {str(item.id) for item in store.select(RESOURCES[name].record)})
    inclusion = Inclusion(fields, extra, sees)
    for path in included:
        for shown, record in zip(primary, records, strict=True):
            _include(store, resource, record, shown, path.split("."), inclusion)
    body: dict[str, Any] = {"data": primary if many else primary[0]}
    seen = {(o["type"], o["id"]) for o in primary}
    if rest := [o for key, o in extra.items() if key not in seen]:
        body["included"] = rest
    if many or meta:
        body["meta"] = meta or {}
    return body


@dataclasses.dataclass(frozen=True)
class Inclusion:
    fields: Mapping[str, frozenset[str]]
    extra: dict[tuple[str, str], dict[str, Any]]
    visible: Visible
    linked: dict[tuple[Any, ...], list[Any]] = dataclasses.field(default_factory=dict)
    """The records a belongs-to relationship names, by what names them: the rows of a page mostly name the same
    few (a page of entries, one dataset), looked up once each."""

    def related(self, store: Store, resource: Resource, record: Any, rel: Relationship) -> list[Any]:
        if rel.many or rel.target == "entry_stats":
            return related(store, resource, record, rel)
        key = (rel.target, rel.match, getattr(record, rel.key),
               record.project_id if rel.match == "account_id" else None)
        if key not in self.linked:
            self.linked[key] = related(store, resource, record, rel)
        return self.linked[key]


def _include(store: Store, resource: Resource, record: Any, shown: dict[str, Any] | None, path: list[str],
             inclusion: Inclusion) -> None:
    rel = resource.relationship(path[0])
    if rel is None:
        return
    target = RESOURCES[rel.target]
    seen = inclusion.visible(rel.target)
    found = [item for item in inclusion.related(store, resource, record, rel) if str(item.id) in seen]
    if shown is not None and rel.many:
        shown.setdefault("relationships", {})[rel.name] = {"data": [linkage(rel, f.id) for f in found]}
    for item in found:
        key = (target.type, str(item.id))
        if key not in inclusion.extra:  # each record once, however many rows name it
            inclusion.extra[key] = resource_object(target, item, inclusion.fields)
        if len(path) > 1:
            _include(store, target, item, None, path[1:], inclusion)


def response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE)


def no_content() -> Response:
    return Response(b"", status_code=204)
