"""Index queries as the frontend writes them (Rack brackets, percent-encoded) and how the service reads them.

``filter[name__match]=x``, ``filter[status__in][]=a&filter[status__in][]=b``, ``included[]=dataset``,
``fields[dataset:entries][]=status``, ``sort=-created_at,id``, ``page[number]``, ``page[size]``, ``count``.
Filters outside a resource's input schema are dropped silently (Verse's schemas are not strict).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

import orjson

from mockserver.packs.idah.ids import parse_time
from mockserver.packs.idah.resources import Resource
from mockserver.store import quoted

KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
COUNT_CAP = 1000
"""The service counts at most this many rows past the page's offset (``meta.more`` when it hit the cap)."""


@dataclasses.dataclass(frozen=True)
class Query:
    filters: dict[str, Any] = dataclasses.field(default_factory=dict)
    included: tuple[str, ...] = ()
    fields: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    sort: tuple[str, ...] = ()
    page_number: int = 1
    page_size: int = 1000
    count: bool = False


def _as_int(values: list[str], default: int) -> int:
    try:
        return int(values[-1])
    except (ValueError, IndexError):
        return default


def parse(query_string: str) -> Query:
    """The query of a raw query string (``a%5Bb%5D=c`` and ``a[b]=c`` alike; arrays as ``key[]`` or commas)."""
    grouped: dict[tuple[str, ...], list[str]] = {}
    for key, value in parse_qsl(query_string, keep_blank_values=True):
        match = KEY.match(key)
        if match is None:
            continue
        path = (match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2)))
        grouped.setdefault(path, []).append(value)
    filters: dict[str, Any] = {}
    fields: dict[str, frozenset[str]] = {}
    included: list[str] = []
    top: dict[str, list[str]] = {}
    for path, values in grouped.items():
        is_array = path[-1] == "" if len(path) > 1 else False
        if path[0] == "filter" and len(path) >= 2 and path[1]:
            filters[path[1]] = values if is_array else values[-1]
        elif path[0] == "fields" and len(path) >= 2:
            fields[path[1]] = frozenset(f for v in values for f in v.split(",") if f)
        elif path[0] == "included":
            included.extend(i for v in values for i in v.split(",") if i)
        elif path[0] == "page" and len(path) == 2:
            top[f"page.{path[1]}"] = values
        elif len(path) == 1:
            top[path[0]] = values
    sort = tuple(s for s in ",".join(top.get("sort", [])).split(",") if s)
    return Query(filters, tuple(dict.fromkeys(included)), fields, sort,
                 _as_int(top.get("page.number", []), 1), _as_int(top.get("page.size", []), 1000),
                 (top.get("count") or ["false"])[-1] == "true")


# filters ----------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value).lower()


def _compare(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(actual: Any, wanted: Any) -> bool:
        try:
            return actual is not None and wanted is not None and test(actual, wanted)
        except TypeError:  # a value of another type (text for a number): no row matches
            return False

    return compare


def _values(wanted: Any) -> list[Any]:
    return wanted if isinstance(wanted, list) else [wanted]


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda actual, wanted: actual in _values(wanted),
    "neq": lambda actual, wanted: actual not in _values(wanted),
    "in": lambda actual, wanted: actual in _values(wanted),
    "lt": _compare(lambda a, w: a < w), "lte": _compare(lambda a, w: a <= w),
    "gt": _compare(lambda a, w: a > w), "gte": _compare(lambda a, w: a >= w),
    "match": lambda actual, wanted: _text(wanted) in _text(actual),
    "prefix": lambda actual, wanted: _text(actual).startswith(_text(wanted)),
    "suffix": lambda actual, wanted: _text(actual).endswith(_text(wanted)),
    "exists": lambda actual, wanted: (actual is not None) == (_text(wanted) == "true"),
}
"""verse-sequel's operators (``field__op``; no operator: ``eq``, an array value: IN)."""


def _truthy(value: Any) -> bool:
    return _text(value[-1] if isinstance(value, list) else value) in ("true", "1")


NAMED_FILTERS: dict[tuple[str, str], Callable[[Any, Any], bool]] = {
    ("entries", "assigned"): lambda record, value: (record.assigned_to_id is not None) == _truthy(value),
    ("entries", "participated"): lambda record, value: str(value) in {
        str(record.assigned_to_id), str(record.submitted_by_id), str(record.reviewed_by_id)},
    ("project_members", "enabled"): lambda record, value: (record.disabled_at is None) == _truthy(value),
}
"""Filters of the service that are no attribute (their own rule, not an operator)."""


def coerce(resource: Resource, field: str, sample: Any, value: Any) -> Any:
    """A filter value in the type of the field it is compared with (times: epoch ms; ``null``: None)."""
    if isinstance(value, list):
        return [coerce(resource, field, sample, item) for item in value]
    if value == "null":
        return None
    if field in resource.time_fields:
        return parse_time(str(value))
    if (field == "id" and resource.integer_id) or (isinstance(sample, int) and not isinstance(sample, bool)):
        try:
            return int(value)
        except ValueError:
            return value
    if isinstance(sample, float):
        try:
            return float(value)
        except ValueError:
            return value
    if isinstance(sample, bool):
        return _truthy(value)
    return value


def matcher(resource: Resource, key: str, value: Any) -> Callable[[Any], bool] | None:
    """The test a filter puts on records; None for a filter the resource does not honour (dropped)."""
    if not resource.honours(key):
        return None
    if (resource.name, key) in NAMED_FILTERS:
        named = NAMED_FILTERS[(resource.name, key)]
        return lambda record: named(record, value)
    field, _, op = key.rpartition("__")
    if not field or op not in OPERATORS:
        field, op = key, "eq"
    test = OPERATORS[op]
    if op == "in" and isinstance(value, str):  # one comma-separated value instead of repeated ``key[]``
        value = value.split(",")

    def matches(record: Any) -> bool:
        actual = getattr(record, field, None)
        wanted = coerce(resource, field, actual if actual is not None else _sample(resource, field), value)
        if actual is None and op == "eq":
            return None in _values(wanted)
        return test(actual, wanted)

    return matches


def _sample(resource: Resource, field: str) -> Any:
    hints = {f.name: f.type for f in dataclasses.fields(resource.record)}
    text = str(hints.get(field, "str"))
    return 0 if text.startswith("int") else 0.0 if text.startswith("float") else ""


def filtered(resource: Resource, rows: Sequence[Any], filters: dict[str, Any]) -> list[Any]:
    tests = [test for key, value in filters.items() if (test := matcher(resource, key, value)) is not None]
    return [row for row in rows if all(test(row) for test in tests)]


def _sortable(value: Any) -> Any:
    """Objects and arrays sort by their JSON text (they never meet a number: one field, one type)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS) if isinstance(value, (dict, list)) else value


def _sort_key(field: str) -> Callable[[Any], tuple[bool, Any]]:
    return lambda row: (getattr(row, field, None) is None, _sortable(getattr(row, field, None)))


def ordered(resource: Resource, rows: list[Any], sort: Sequence[str]) -> list[Any]:
    """Sorted by ``sort`` (``-`` descending, NULLs last ascending); unknown fields are skipped; id breaks ties."""
    rows = sorted(rows, key=lambda row: row.id)
    for spec in reversed(sort):
        field = spec.lstrip("-+")
        if field == "id" or field in resource.attributes:
            rows.sort(key=_sort_key(field), reverse=spec.startswith("-"))
    return rows


def sql_order(resource: Resource, sort: Sequence[str]) -> str | None:
    """``ordered`` as an SQL ``ORDER BY`` list (NULLs ordered explicitly, so both engines agree); None when a
    field holds JSON (sorted by its JSON text in Python) or is no column."""
    columns = {f.name: str(f.type) for f in dataclasses.fields(resource.record)}
    terms = []
    for spec in sort:
        field = spec.lstrip("-+")
        if field != "id" and field not in resource.attributes:
            continue
        if field not in columns or not columns[field].startswith(SCALARS):
            return None
        direction = "DESC" if spec.startswith("-") else "ASC"
        terms += [f"CASE WHEN {quoted(field)} IS NULL THEN 1 ELSE 0 END {direction}", f"{quoted(field)} {direction}"]
    return ", ".join([*terms, "id ASC"])


SCALARS = ("str", "int", "float", "bool")
"""Field types the store sorts as Python does (text by code point, numbers by value)."""


def count_meta(offset: int, remaining: int) -> dict[str, Any]:
    """``meta`` of a counted collection, given the rows past the page's offset (counted up to past the cap)."""
    return {"count": offset + min(remaining, COUNT_CAP), "more": remaining > COUNT_CAP}


def page(rows: list[Any], query: Query) -> tuple[list[Any], dict[str, Any]]:
    """One page and the ``meta`` of the collection (``count``/``more`` when ``count=true``)."""
    offset = (query.page_number - 1) * query.page_size
    meta = count_meta(offset, max(0, len(rows) - offset)) if query.count else {}
    return rows[offset:offset + query.page_size], meta
