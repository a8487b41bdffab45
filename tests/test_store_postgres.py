"""The PostgreSQL engine: SQL of both engines, and several servers' stores on one database behaving as one."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from mockserver.engines import open_store
from mockserver.errors import ConfigurationError
from mockserver.store_postgres import PostgresStore, redacted, sqlite_order, translated
from tests import postgres
from tests.packs.echo import SCHEMA, Note


@pytest.fixture
def pair(postgres_server: str) -> Iterator[tuple[PostgresStore, PostgresStore]]:
    """Two stores on one schema of one database: two servers of one world."""
    name = postgres.namespace()
    first = PostgresStore.connect(SCHEMA, postgres_server, name)
    second = PostgresStore.connect(SCHEMA, postgres_server, name)
    yield first, second
    first.drop()
    first.close()
    second.close()


def test_placeholders_outside_quotes_become_psycopg_ones() -> None:
    assert translated("a = ? AND b LIKE 'x?%' AND \"c?\" = ?") == "a = %s AND b LIKE 'x?%%' AND \"c?\" = %s"


def test_order_sorts_null_as_sqlite_does() -> None:
    assert sqlite_order("name, created DESC") == "name NULLS FIRST, created DESC NULLS LAST"
    assert sqlite_order("COALESCE(a, b)") == "COALESCE(a, b)"


def test_a_password_never_shows() -> None:
    assert redacted("postgresql://me:secret@db:5432/w") == "postgresql://me:***@db:5432/w"
    assert redacted("postgresql://db/w") == "postgresql://db/w"


def test_another_server_sees_each_write_and_its_memo_follows(pair: tuple[PostgresStore, PostgresStore]) -> None:
    first, second = pair
    first.insert(Note(1, "one", "a"))
    assert second.get(Note, 1) == Note(1, "one", "a")  # memoized by the second server now
    before = second.version()
    first.update(Note(1, "one", "a"), text="changed")
    assert second.version() != before  # its read cache empties
    assert second.get(Note, 1) == Note(1, "changed", "a")


def test_reset_returns_every_server_to_the_marked_world(pair: tuple[PostgresStore, PostgresStore]) -> None:
    first, second = pair
    first.insert(Note(1, "kept", "a"))
    first.mark_initial()
    assert second.has_initial()
    second.insert(Note(2, "dropped", "a"))
    first.reset()
    assert [n.text for n in second.select(Note, order="id")] == ["kept"]


def test_a_snapshot_one_server_keeps_another_restores_and_deletes(pair: tuple[PostgresStore, PostgresStore]) -> None:
    first, second = pair
    assert second.kept_snapshots() == []
    first.insert(Note(1, "kept", "a"))
    assert first.keep_snapshot("one's", 1234, 7) > 0  # any name: the schema's is a hash of it
    second.insert(Note(2, "dropped", "a"))
    assert [kept[:3] for kept in second.kept_snapshots()] == [("one's", 1234, 7)]
    assert second.restore_kept("one's") and not second.restore_kept("other")
    assert [n.text for n in first.select(Note, order="id")] == ["kept"]
    assert first.drop_kept("one's") and not second.drop_kept("one's")
    assert second.kept_snapshots() == [] and not first.restore_kept("one's")


def test_dropping_the_world_drops_its_initial_copy_and_kept_snapshots(pair: tuple[PostgresStore, PostgresStore],
                                                                      postgres_server: str) -> None:
    first, second = pair
    first.insert(Note(1, "kept", "a"))
    first.mark_initial()
    first.keep_snapshot("a", 1, 1)
    first.keep_snapshot("b", 2, 1)
    other = PostgresStore.connect(SCHEMA, postgres_server, postgres.namespace())  # a world beside
    try:
        other.keep_snapshot("a", 1, 1)
        first.drop()  # --reset-state

        def schemas(store: PostgresStore) -> list[str]:
            return [row[0] for row in store._tuples("SELECT nspname FROM pg_namespace WHERE nspname = ? OR nspname "
                                                    "LIKE ?", (store.namespace, store.namespace + "\\_%"))]

        assert schemas(second) == []
        assert len(schemas(other)) == 3 and [kept[0] for kept in other.kept_snapshots()] == ["a"]  # untouched
        first.create_schema()  # what serve --reset-state does next: a new, empty world
        assert first.kept_snapshots() == [] and not first.has_initial() and first.select(Note) == []
    finally:
        other.drop()
        other.close()


def test_writers_on_two_servers_lose_no_update(pair: tuple[PostgresStore, PostgresStore]) -> None:
    """Read-modify-write in a transaction: the schema's lock runs the writers one at a time."""
    first, second = pair
    first.insert(Note(1, "0", "a"))

    def bump(store: PostgresStore) -> None:
        for _ in range(25):
            with store.transaction():
                note = store.one(Note, "id = ?", (1,))
                assert note is not None
                store.update(note, text=str(int(note.text) + 1))

    threads = [threading.Thread(target=bump, args=(store,)) for store in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert first.get(Note, 1) == Note(1, "100", "a")


def test_a_failed_transaction_leaves_nothing_for_the_other_server(pair: tuple[PostgresStore, PostgresStore]) -> None:
    first, second = pair
    with pytest.raises(RuntimeError), first.transaction():
        first.insert(Note(1, "undone", "a"))
        raise RuntimeError("boom")
    assert second.count(Note) == 0
    first.insert(Note(1, "done", "a"))  # the connection went back to the pool in a usable state
    assert second.count(Note) == 1


@pytest.mark.parametrize(("url", "said"), [
    ("postgresql://nobody@127.0.0.1:1/none", "cannot connect to PostgreSQL"),
    ("postgresql://me:secret@127.0.0.1:1/none", "postgresql://me:***@127.0.0.1:1/none"),
    ("postgresql://host:notaport/db", "cannot connect to PostgreSQL"),
])
def test_a_database_it_cannot_reach_is_one_configuration_error(url: str, said: str) -> None:
    with pytest.raises(ConfigurationError, match="cannot connect") as raised:
        open_store(SCHEMA, url)
    assert said in str(raised.value) and "secret" not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_state_of_another_scheme_is_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"SQLite file .* or in PostgreSQL"):
        open_store(SCHEMA, "mysql://db/world")


def test_a_database_that_does_not_exist_is_named_in_the_error(postgres_server: str) -> None:
    missing = postgres_server.rpartition("/")[0] + "/no_such_world"
    with pytest.raises(ConfigurationError, match=r'cannot connect to PostgreSQL .*"no_such_world" does not exist'):
        open_store(SCHEMA, missing)
