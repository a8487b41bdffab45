"""A world kept by an older mockserver (``--state`` file or PostgreSQL schema) whose record types have since gained
fields: opened as it was, or refused with one clear error; on both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from mockserver.errors import ConfigurationError
from mockserver.store import Schema, Store
from tests import postgres
from tests.conftest import ENGINES


@dataclasses.dataclass(frozen=True)
class _Then:
    table: ClassVar[str] = "things"
    id: int
    name: str


@dataclasses.dataclass(frozen=True)
class _Now:
    """``_Then`` with the fields a later version added, each with a default."""

    table: ClassVar[str] = "things"
    id: int
    name: str
    done: bool = True
    tags: list[str] = dataclasses.field(default_factory=lambda: ["new"])
    note: str | None = None


@dataclasses.dataclass(frozen=True)
class _NowStrict:
    """A later version whose new field has no default: nothing to fill the old rows with."""

    table: ClassVar[str] = "things"
    id: int
    name: str
    weight: int


@pytest.fixture(params=ENGINES)
def reopen(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[Schema], Store]]:
    """``reopen(schema)`` → the store of one and the same place each time (a file, a PostgreSQL schema)."""
    stores: list[Store] = []
    if request.param == "sqlite":
        def opened(schema: Schema) -> Store:
            stores.append(Store.open(schema, str(tmp_path / "world.sqlite")))
            return stores[-1]
    else:
        from mockserver.store_postgres import PostgresStore

        url, namespace = request.getfixturevalue("postgres_server"), postgres.namespace()

        def opened(schema: Schema) -> Store:
            stores.append(PostgresStore.connect(schema, url, namespace))
            return stores[-1]
    yield opened
    for store in reversed(stores):
        if store.engine != "sqlite" and store is stores[0]:
            store.drop()
        store.close()


def _old_world(reopen: Callable[[Schema], Store]) -> None:
    old = reopen(Schema((_Then,)))
    with old.transaction():
        old.insert(_Then(1, "kept"))
        old.insert(_Then(2, "also kept"))


def test_new_fields_of_an_old_world_get_their_defaults(reopen: Callable[[Schema], Store]) -> None:
    _old_world(reopen)
    store = reopen(Schema((_Now,)))
    assert store.select(_Now, order="id") == [_Now(1, "kept"), _Now(2, "also kept")]
    with store.transaction():
        store.insert(_Now(3, "new", False, [], "written"))
    assert store.get(_Now, 3) == _Now(3, "new", False, [], "written")
    assert reopen(Schema((_Now,))).count(_Now) == 3  # opened again: nothing to add, nothing lost


def test_a_new_field_without_a_default_is_one_clear_error(reopen: Callable[[Schema], Store]) -> None:
    _old_world(reopen)
    with pytest.raises(ConfigurationError, match=r"older mockserver: its table things has no column weight.*"
                                                 r"--reset-state"):
        reopen(Schema((_NowStrict,)))
    assert reopen(Schema((_Then,))).select(_Then, order="id") == [_Then(1, "kept"), _Then(2, "also kept")]
