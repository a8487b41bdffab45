"""Resource objects and documents as the Verse renderer writes them.

- ``id`` and ``type`` are not repeated inside ``attributes``; times are Ruby's ``Time#to_s``;
- every belongs-to foreign key is a relationship linkage even when not included (``assigned_to`` and friends
  link the **account id**, the key's value); has-many relationships only appear when included;
- ``included`` is left out when empty, ``meta`` is always there on collections, there are no ``links``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

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


class Linkages(dict[tuple[str, Any], dict[str, Any]]):
    """The relationship objects (``{"data": linkage}``) of one document, one per (type, key value): the rows of a
    page mostly name the same few (their project, their dataset, nobody), and a shared object is built, serialized
    through and freed once instead of once a row. Nothing edits a relationship object after rendering."""

    def __missing__(self, key: tuple[str, Any]) -> dict[str, Any]:
        made = self[key] = {"data": _linkage(*key)}
        return made


def resource_object(resource: Resource, record: Any, fields: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    return _renderer(resource.name, fields.get(resource.type))(record, Linkages())


Renderer = Callable[[Any, Linkages], dict[str, Any]]
"""A record and its document's ``Linkages`` → its resource object."""


@functools.lru_cache(maxsize=256)
def _renderer(name: str, wanted: frozenset[str] | None) -> Renderer:
    """The resource object of a record of resource ``name`` with the ``wanted`` attributes (None: all): one
    function written for the pair, with its attribute list, conversions and linkages spelt out (a page renders
    it for every row)."""
    resource = RESOURCES[name]
    names = tuple(n for n in resource.attributes if wanted is None or n in wanted)
    fields = {n for n in (*names, "id", *(rel.key for rel in resource.belongs_to))}
    if not all(n.isidentifier() for n in fields):
        raise ValueError(f"{name}: attribute names must be identifiers to be rendered")
    attributes = ", ".join(f"{n!r}: {_value_source(resource, n)}" for n in names)
    links = ", ".join(f"{rel.name!r}: links[{RESOURCES[rel.target].type!r}, record.{rel.key}]"
                      for rel in resource.belongs_to)
    relationships = f", 'relationships': {{{links}}}" if links else ""
    source = (f"def render(record, links):\n"
              f"    return {{'type': {resource.type!r}, 'id': str(record.id), 'attributes': {{{attributes}}}"
              f"{relationships}}}\n")
    namespace: dict[str, Any] = {"ruby_time": ruby_time, "value_of": value_of, "resource": resource}
    exec(source, namespace)  # the source is made above from the resource's declared names only
    return cast(Renderer, namespace["render"])


def _value_source(resource: Resource, name: str) -> str:
    if name in resource.time_fields:
        return f"ruby_time(record.{name})"
    if name == "dimensions":
        return f"value_of(resource, record, {name!r})"
    return f"record.{name}"


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
    render, links = _renderer(resource.name, fields.get(resource.type)), Linkages()
    primary = [render(record, links) for record in records]
    extra: dict[tuple[str, str], dict[str, Any]] = {}
    sees = visible or (lambda name: {str(item.id) for item in store.select(RESOURCES[name].record)})
    inclusion = Inclusion(fields, extra, sees, links)
    for path in included:
        _include(store, resource, records, primary, path.split("."), inclusion)
    body: dict[str, Any] = {"data": primary if many else primary[0]}
    if rest := _not_primary(resource, primary, extra):
        body["included"] = rest
    if many or meta:
        body["meta"] = meta or {}
    return body


def _not_primary(resource: Resource, primary: list[dict[str, Any]],
                 extra: dict[tuple[str, str], dict[str, Any]]) -> list[dict[str, Any]]:
    """The included resource objects that are not primary data already (only those of the primary type can be)."""
    if all(kind != resource.type for kind, _ in extra):
        return list(extra.values())
    seen = {o["id"] for o in primary}
    return [o for (kind, key), o in extra.items() if kind != resource.type or key not in seen]


@dataclasses.dataclass(frozen=True)
class Inclusion:
    fields: Mapping[str, frozenset[str]]
    extra: dict[tuple[str, str], dict[str, Any]]
    visible: Visible
    links: Linkages
    linked: dict[tuple[Any, ...], list[Any]] = dataclasses.field(default_factory=dict)
    """The records a belongs-to relationship names, by what names them: the rows of a page mostly name the same
    few (a page of entries, one dataset), looked up once each."""

    def related(self, store: Store, resource: Resource, record: Any, rel: Relationship) -> list[Any]:
        key = self.link(record, rel)
        if key is None:
            return related(store, resource, record, rel)
        if key not in self.linked:
            self.linked[key] = related(store, resource, record, rel)
        return self.linked[key]

    @staticmethod
    def link(record: Any, rel: Relationship) -> tuple[Any, ...] | None:
        """What names the records of belongs-to ``rel`` of ``record`` (None for a has-many one)."""
        if rel.many or rel.target == "entry_stats":
            return None
        project = record.project_id if rel.match == "account_id" else None
        return (rel.target, rel.match, getattr(record, rel.key), project)


def _include(store: Store, resource: Resource, records: list[Any], shown: list[dict[str, Any]] | None,
             path: list[str], inclusion: Inclusion) -> None:
    """Add what ``path`` names from each of ``records`` to ``inclusion.extra``, depth first, each record once; on
    the primary records (``shown``, their resource objects) a has-many relationship gets its linkage too."""
    rel = resource.relationship(path[0])
    if rel is None:
        return
    target = RESOURCES[rel.target]
    seen = inclusion.visible(rel.target)
    extra, render = inclusion.extra, _renderer(target.name, inclusion.fields.get(target.type))
    followed: set[tuple[str, str]] = set()
    links: set[tuple[Any, ...]] = set()
    for index, record in enumerate(records):
        link = inclusion.link(record, rel)
        if link is not None:  # a belongs-to record named by an earlier row is already in, with what lies beyond it
            if link in links:
                continue
            links.add(link)
        found = [item for item in inclusion.related(store, resource, record, rel) if str(item.id) in seen]
        if shown is not None and rel.many:
            shown[index].setdefault("relationships", {})[rel.name] = {"data": [linkage(rel, f.id) for f in found]}
        for item in found:
            key = (target.type, str(item.id))
            if key not in extra:  # each record once, however many rows name it
                extra[key] = render(item, inclusion.links)
            if len(path) > 1 and key not in followed:  # what lies beyond it is the same from every row
                followed.add(key)
                _include(store, target, [item], None, path[1:], inclusion)


def response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TYPE)


def no_content() -> Response:
    return Response(b"", status_code=204)
