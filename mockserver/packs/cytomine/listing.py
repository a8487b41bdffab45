"""The collection envelope: ``collection``, ``size``, ``offset``, ``perPage``, ``totalPages``.

``max`` 0 or absent is everything; ``offset`` counts items (not pages); ``sort`` (default ``created``) and
``order`` (``desc`` by default) order the items; ``field[op]=value`` filters them, op one of ``equals``,
``nequals``, ``like``, ``ilike`` (``*`` or ``%`` as wildcards, else a substring), ``lte``, ``gte``, ``in`` (a comma
list). ``perPage`` is ``min(max, size)`` (the real server's quirk for in-memory lists).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mockserver.packs.cytomine.errors import BadRequest

FILTER = re.compile(r"(?P<field>\w+)\[(?P<op>\w+)\]")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "" if value is None else str(value)


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _like(pattern: str, value: Any, fold: bool) -> bool:
    text, wanted = _text(value), pattern.replace("%", "*")
    if fold:
        text, wanted = text.lower(), wanted.lower()
    if "*" not in wanted:
        return wanted in text
    regex = ".*".join(re.escape(part) for part in wanted.split("*"))
    return re.fullmatch(regex, text, re.DOTALL) is not None


def _compare(sign: int) -> Callable[[str, Any], bool]:
    def check(wanted: str, value: Any) -> bool:
        a, b = _number(value), _number(wanted)
        if a is None or b is None:
            return False
        return (a - b) * sign <= 0

    return check


OPERATORS: dict[str, Callable[[str, Any], bool]] = {
    "equals": lambda wanted, value: _text(value) == wanted,
    "nequals": lambda wanted, value: _text(value) != wanted,
    "like": lambda wanted, value: _like(wanted, value, fold=False),
    "ilike": lambda wanted, value: _like(wanted, value, fold=True),
    "lte": _compare(1),
    "gte": _compare(-1),
    "in": lambda wanted, value: _text(value) in wanted.split(","),
}


def filters(query: Mapping[str, str]) -> list[tuple[str, Callable[[str, Any], bool], str]]:
    """The ``field[op]=value`` filters of a query; an unknown op is a 400 as on the real server."""
    found = []
    for key, wanted in query.items():
        match = FILTER.fullmatch(key)
        if match is None:
            continue
        op = OPERATORS.get(match["op"])
        if op is None:
            raise BadRequest(f"Operation {match['op']} not supported")
        found.append((match["field"], op, wanted))
    return found


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[int, Any, int]]:
    def key(item: dict[str, Any]) -> tuple[int, Any, int]:
        value = item.get(field)
        number = _number(value) if not isinstance(value, bool) else float(value)
        if value is None:
            return (0, 0, item.get("id", 0))
        return (1, number, item.get("id", 0)) if number is not None else (2, _text(value), item.get("id", 0))

    return key


def has_filters(query: Mapping[str, str]) -> bool:
    """Whether ``query`` has ``field[op]=value`` filters (known operators or not)."""
    return any(FILTER.fullmatch(key) for key in query)


def column_order(sort: str | None, order: str | None, columns: Mapping[str, str]) -> str | None:
    """The ``ORDER BY`` that sorts rows as ``collection`` sorts their wire objects, when the sort field (default
    ``created``) is one of ``columns`` (wire field → the column holding its number, or NULL); None otherwise. Ties
    go by ``id`` in the same direction; NULL sorts first ascending and last descending, as ``_sort_key`` has it."""
    column = columns.get(sort or "created")
    if column is None:
        return None
    direction = "DESC" if (order or "desc").lower() != "asc" else "ASC"
    return f'{column} {direction}, "id" {direction}'


def paging(max: int | None, offset: int | None) -> tuple[int, int]:
    """(first item, page size; 0 is everything) of ``max`` and ``offset``; a negative one is a 400."""
    if (max or 0) < 0 or (offset or 0) < 0:
        raise BadRequest("max and offset must be positive")
    return offset or 0, max or 0


def envelope(page: list[dict[str, Any]], size: int, start: int, per: int) -> dict[str, Any]:
    """The envelope of ``page``, the items from ``start`` of ``size`` in all, ``per`` a page (0: everything)."""
    total_pages = (math.ceil(size / per) if per else (1 if size else 0))
    return {"collection": page, "offset": start, "perPage": min(per, size) if per else size, "size": size,
            "totalPages": total_pages}


def collection(items: Iterable[dict[str, Any]], query: Mapping[str, str], *, max: int | None = None,
               offset: int | None = None, sort: str | None = None, order: str | None = None) -> dict[str, Any]:
    """The envelope of ``items`` (already the wire objects) after filtering, ordering and paging."""
    start, per = paging(max, offset)
    chosen = [item for item in items if all(op(wanted, item.get(field)) for field, op, wanted in filters(query))]
    field = sort or "created"
    chosen.sort(key=_sort_key(field), reverse=(order or "desc").lower() != "asc")
    page = chosen[start:start + per] if per else chosen[start:]
    return envelope(page, len(chosen), start, per)
