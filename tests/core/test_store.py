"""The store over a pack's schema (the echo pack's notes: integer ids)."""

from __future__ import annotations

from collections.abc import Callable

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
