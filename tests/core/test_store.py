"""The store over a pack's schema (the echo pack's notes: integer ids)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

from mockserver.store import Schema, Store
from tests.packs.echo import SCHEMA, Note


@pytest.mark.parametrize("key", [2**63, -(2**63) - 1, 10**30])
def test_a_key_sqlite_cannot_store_finds_nothing(key: int, open_store: Callable[[Schema], Store]) -> None:
    """Ids come from clients: one beyond SQLite's INTEGER is simply not there (not an OverflowError)."""
    store = open_store(SCHEMA)
    store.insert(Note(1, "kept", "someone"))
    assert store.get(Note, key) is None
    assert store.get(Note, 1) == Note(1, "kept", "someone")
    assert store.get(Note, 2**63 - 1) is None


@dataclasses.dataclass(frozen=True, slots=True)
class _Slotted:
    table: ClassVar[str] = "slotted"
    id: int
    name: str
    done: bool
    tags: list[str]
    extra: dict[str, Any] | None = None


@dataclasses.dataclass(frozen=True)
class _Plain:
    table: ClassVar[str] = "plain"
    id: int
    done: bool
    shape: dict[str, Any] | None = None
    label: str = "none"


@dataclasses.dataclass(frozen=True)
class _Checked:
    table: ClassVar[str] = "checked"
    id: int
    name: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "shouted", self.name.upper())  # not a field: only __post_init__ sets it


@pytest.mark.parametrize("record", [
    _Slotted(1, "a", True, ["x", "y"], {"k": [1, 2.5]}), _Slotted(2, "b", False, [], None),
    _Plain(3, True, {"wkt": "POINT (1 2)"}), _Plain(4, False, None, "kept"), _Checked(5, "trimmed"),
], ids=lambda record: type(record).__name__)
def test_a_record_read_back_is_the_one_written(record: Any, open_store: Callable[[Schema], Store]) -> None:
    """Rows become records without the dataclass ``__init__`` (unless it has a ``__post_init__``): the record read
    is equal, of the same class and still frozen."""
    store = open_store(Schema((_Slotted, _Plain, _Checked)))
    store.insert(record)
    found = store.get(type(record), record.id)
    assert found == record and type(found) is type(record)
    assert [store.select(type(record))] == [[record]]
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.id = 99  # type: ignore[misc]
    assert found.id == record.id
    if isinstance(record, _Checked):
        assert found.shouted == "TRIMMED"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("limit", "offset"), [(None, 0), (3, 0), (3, 5), (10, 5), (3, 8), (0, 0)])
def test_a_limited_count_counts_the_rows_a_limited_select_reads(limit: int | None, offset: int,
                                                                open_store: Callable[[Schema], Store]) -> None:
    store = open_store(SCHEMA)
    store.insert(*(Note(n, "text", "me" if n % 4 else "you") for n in range(1, 13)))  # 9 notes of "me"
    read = store.select(Note, "owner = ?", ("me",), order="id", **({} if limit is None else {"limit": limit}),
                        offset=offset)
    assert store.count(Note, "owner = ?", ("me",), limit=limit, offset=offset) == len(read)
    assert len(read) == {(None, 0): 9, (3, 0): 3, (3, 5): 3, (10, 5): 4, (3, 8): 1, (0, 0): 0}[(limit, offset)]


def test_a_failed_write_caught_inside_a_transaction_undoes_only_itself(open_store: Callable[[Schema], Store]) -> None:
    """A write of one statement inside a transaction needs no savepoint where a statement is atomic (SQLite); where
    a failed statement would abort the transaction (PostgreSQL) it keeps one. Either way the caught failure undoes
    nothing else, the transaction goes on and commits, and each write counts as a revision."""
    store = open_store(SCHEMA)
    store.insert(Note(1, "first", "a"))
    before = store.revision
    with store.transaction():
        store.insert(Note(2, "second", "a"))
        with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
            store.insert(Note(1, "again", "b"))
        store.update(Note(2, "second", "a"), text="changed")
        assert store.revision > before + 1  # seen inside the transaction: a read cache keyed on it is not stale
        store.insert(Note(3, "third", "c"))
    assert store.select(Note, order="id") == [Note(1, "first", "a"), Note(2, "changed", "a"), Note(3, "third", "c")]
    with pytest.raises(RuntimeError), store.transaction():  # an exception out of the transaction undoes all of it
        store.update(Note(3, "third", "c"), text="gone")
        store.delete(Note, "id = ?", (1,))
        raise RuntimeError("undo")
    assert [note.text for note in store.select(Note, order="id")] == ["first", "changed", "third"]
