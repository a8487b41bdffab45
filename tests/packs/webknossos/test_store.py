from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.store import Schema, Store

Opener = Callable[[Schema], Store]


def team(name: str, tid: str = "a" * 24) -> r.Team:
    return r.Team(tid, name, "b" * 24)


def test_insert_get_update_round_trip_keeps_types(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    task = r.Task("c" * 24, "p" * 24, "t" * 24, "d" * 24, "axon", 2, 3, 3, [1, 2, 3], [0.0, 0.0, 0.0], 5,
                  bounding_box={"topLeft": [0, 0, 0], "width": 1, "height": 1, "depth": 1})
    store.insert(task)
    loaded = store.get(r.Task, task.id)
    assert loaded == task
    updated = store.update(loaded, pending_instances=1, description="x")
    assert store.get(r.Task, task.id) == updated
    assert updated.pending_instances == 1


def test_failed_transaction_changes_nothing(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    with pytest.raises(RuntimeError), store.transaction():
        store.insert(team("first"))
        raise RuntimeError("boom")
    assert store.count(r.Team) == 0


def test_nested_transaction_failure_rolls_back_only_inner_block(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    with store.transaction():
        store.insert(team("outer", "1" * 24))
        with pytest.raises(ValueError), store.transaction():
            store.insert(team("inner", "2" * 24))
            raise ValueError
    assert [t.name for t in store.select(r.Team)] == ["outer"]


def test_snapshot_restore_and_reset(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    store.insert(team("kept"))
    store.mark_initial()
    snapshot = store.snapshot()
    store.insert(team("added", "9" * 24))
    assert store.count(r.Team) == 2
    store.restore(snapshot)
    assert store.count(r.Team) == 1
    store.insert(team("again", "8" * 24))
    store.reset()
    assert [t.name for t in store.select(r.Team)] == ["kept"]


def test_values_are_bound_not_interpolated(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    store.insert(team("x'); DROP TABLE teams; --"))
    found = store.one(r.Team, "name = ?", ("x'); DROP TABLE teams; --",))
    assert found is not None
    assert store.count(r.Team) == 1


def test_file_store_persists_across_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "world.sqlite")
    store = Store.open(SCHEMA, path)
    store.insert(team("persisted"))
    store.close()
    reopened = Store.open(SCHEMA, path)
    assert [t.name for t in reopened.select(r.Team)] == ["persisted"]
    assert reopened.integrity_ok()


def test_insert_many_stores_what_insert_stores(open_store: Opener) -> None:
    tasks = [r.Task(f"{i:024x}", "p" * 24, "t" * 24, "d" * 24, "axon", 2, 3, 1, [i, 2, 3], [0.0, 0.0, 0.0], i,
                    bounding_box={"topLeft": [0, 0, 0], "width": 1, "height": 1, "depth": 1} if i % 2 else None)
             for i in range(5)]
    one_by_one, bulk = open_store(SCHEMA), open_store(SCHEMA)
    one_by_one.insert(*tasks)
    bulk.insert_many(r.Task, iter(tasks))
    assert bulk.select(r.Task, order="id") == tasks
    assert bulk.rows("SELECT * FROM tasks ORDER BY id") == one_by_one.rows("SELECT * FROM tasks ORDER BY id")


def test_insert_many_names_a_column_it_cannot_encode(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    task = r.Task("c" * 24, "p" * 24, "t" * 24, "d" * 24, "axon", 2, 3, 3, [2**70, 0, 0], [0.0, 0.0, 0.0], 5)
    with pytest.raises(OverflowError, match="edit_position"):
        store.insert_many(r.Task, [task])
    assert store.count(r.Task) == 0


def test_indexes_of_earlier_versions_are_replaced_in_state_files(tmp_path: Path) -> None:
    path = str(tmp_path / "world.sqlite")
    Store.open(SCHEMA, path).close()
    old = sqlite3.connect(path)
    old.execute("DROP INDEX ix_tasks_project_created")
    old.execute("CREATE INDEX ix_tasks_project ON tasks(project_id)")
    old.commit()
    old.close()
    names = Store.open(SCHEMA, path).scalars(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tasks'")
    assert "ix_tasks_project" not in names and "ix_tasks_project_created" in names


def test_memoized_reads_follow_writes_to_their_own_tables_only() -> None:
    store = Store.open(SCHEMA)
    store.insert(team("first"), r.Organization("b" * 24, "org", "Org", 1))
    queries: list[str] = []
    store._db.set_trace_callback(queries.append)
    assert store.get(r.Team, "a" * 24) == team("first")
    assert store.lookup(r.Organization, "name = ?", ("org",)) is not None
    pair = store.remember(("teams", "organizations"), "pair", lambda: store.count(r.Team) + store.count(r.Organization))
    assert pair == 2 and store.remember(("teams", "organizations"), "pair", lambda: -1) == 2  # memoized
    reads = len(queries)
    store.insert(r.Organization("c" * 24, "other", "Other", 2))  # another table than teams
    assert store.get(r.Team, "a" * 24) == team("first") and len(queries) == reads + 4  # BEGIN, INSERT, revision, COMMIT
    assert store.remember(("teams", "organizations"), "pair", lambda: -1) == -1  # one of its tables changed
    store.update(team("first"), name="renamed")
    assert store.get(r.Team, "a" * 24) == team("renamed")


def test_reads_inside_a_rolled_back_transaction_are_forgotten(open_store: Opener) -> None:
    store = open_store(SCHEMA)
    store.insert(team("first"))
    with pytest.raises(RuntimeError), store.transaction():
        store.update(team("first"), name="undone")
        assert store.get(r.Team, "a" * 24) == team("undone")
        raise RuntimeError("boom")
    assert store.get(r.Team, "a" * 24) == team("first")


def test_a_file_store_returns_to_a_snapshot(tmp_path: Path) -> None:
    """A file store's snapshot is the image of a WAL database; restoring it (``/__admin`` reset, snapshots) works."""
    store = Store.open(SCHEMA, str(tmp_path / "world.sqlite"))
    store.insert(team("kept"))
    store.mark_initial()
    store.insert(r.Team("b" * 24, "dropped", "o" * 24))
    store.reset()
    assert [t.name for t in store.select(r.Team)] == ["kept"]
    assert store.scalars("PRAGMA journal_mode") == ["wal"]
    store.close()
    assert [t.name for t in Store.open(SCHEMA, str(tmp_path / "world.sqlite")).select(r.Team)] == ["kept"]
