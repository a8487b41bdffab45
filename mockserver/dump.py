"""The whole world as JSON and back: ``GET/PUT /__admin/world``, ``mockserver seed --dump``.

The document is ``{"format": "mockserver-world/1", "seed", "recipe", "tables": {table: [row, …]}}``
with one object per record of the pack's schema (field names as in its record dataclasses). Importing
replaces every table in one transaction, after checking tables, fields and value types; the pack then
reads the world's known users from it (``Pack.open_world``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, get_type_hints

from mockserver.errors import ConfigurationError
from mockserver.pack import Pack
from mockserver.store import Store
from mockserver.typecheck import conforms, describe
from mockserver.world import WorldInfo

FORMAT = "mockserver-world/1"


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = {f.name: get_type_hints(cls)[f.name] for f in dataclasses.fields(cls)}
    return _HINTS[cls]


def export_world(pack: Pack, store: Store, world: WorldInfo) -> dict[str, Any]:
    """Every record of ``store`` (tables in dependency order, rows by primary key)."""
    tables = {}
    for cls in pack.schema.records:
        order = ", ".join(getattr(cls, "primary_key", ("id",)))
        tables[cls.table] = [dataclasses.asdict(record) for record in store.select(cls, order=order)]
    return {"format": FORMAT, "seed": world.seed, "recipe": world.recipe, "tables": tables}


def records_of(pack: Pack, document: Any) -> list[Any]:
    """The records of an exported world, checked (``ConfigurationError`` naming the first bad row)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ConfigurationError(f"not a world export: expected an object with \"format\": \"{FORMAT}\"")
    tables = document.get("tables")
    by_name = {cls.table: cls for cls in pack.schema.records}
    if not isinstance(tables, dict) or set(tables) - set(by_name):
        unknown = sorted(set(tables) - set(by_name)) if isinstance(tables, dict) else []
        raise ConfigurationError(f"\"tables\" must map table names to rows; unknown tables: {unknown}")
    if pack.check_import is not None:
        pack.check_import(tables)
    return [_record(by_name[name], name, index, row)
            for name, rows in tables.items() for index, row in enumerate(rows or [])]


def _record(cls: type[Any], table: str, index: int, row: Any) -> Any:
    hints = _hints(cls)
    where = f"tables.{table}[{index}]"
    if not isinstance(row, dict) or set(row) - set(hints):
        raise ConfigurationError(f"{where}: expected an object with the fields {sorted(hints)}")
    required = {f.name for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    if required - set(row):
        raise ConfigurationError(f"{where}: missing {sorted(required - set(row))}")
    for name, value in row.items():
        if not conforms(value, hints[name]):
            raise ConfigurationError(f"{where}.{name}: expected {describe(hints[name])}, got {value!r}")
    return cls(**row)


def import_world(pack: Pack, store: Store, document: Any) -> WorldInfo:
    """Replace the whole world by an exported one (all or nothing)."""
    records = records_of(pack, document)
    seed, recipe = document.get("seed", 0), document.get("recipe", "imported")
    with store.transaction():
        for cls in reversed(pack.schema.records):
            store.delete(cls, "1 = 1")
        store.insert(*records)
    return pack.open_world(store, seed if isinstance(seed, int) else 0, str(recipe))
