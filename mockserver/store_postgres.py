"""The store on PostgreSQL: one world shared by every mock server that names the same database.

``PostgresStore`` keeps the ``Store`` interface and overrides its engine primitives. The pack's tables live
in a schema of their own (named after the pack), so several packs share one database side by side; the
SQL of the packs is written once for both engines (``?`` placeholders become ``%s`` here, column names are
quoted, text sorts bytewise as in SQLite, NULL sorts first). Connections come from a psycopg pool.

Across servers it behaves as one: every write transaction first takes the schema's advisory lock (writers
run one at a time, as SQLite's ``BEGIN IMMEDIATE`` makes them, so a check-then-write never races) and bumps
the change counter (``mockserver_changes``) that ``version()`` reads, so each server's read cache and
memoized reads see the writes of the others. ``mark_initial`` copies the tables into the schema
``<namespace>_initial`` inside the database and ``reset`` copies them back, for every server at once; named
snapshots are table copies the same way (``keep_snapshot``/``restore_kept``, a schema each, listed in
``<namespace>_snapshots.kept``); ``snapshot``/``restore`` move the world as a SQLite image (world switches).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, get_type_hints
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.adapt import Loader
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

from mockserver import statefile
from mockserver.errors import ConfigurationError
from mockserver.store import Params, Schema, Store, _table, _without_wal, quoted

_PG_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "TEXT": 'TEXT COLLATE "C"'}
CHANGES = "mockserver_changes"
CONNECT_SECONDS = 10


def redacted(url: str) -> str:
    """``url`` without its password (for banners and errors)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.split("@")[-1]
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache(maxsize=4096)
def translated(sql: str) -> str:
    """SQL written for both engines, as psycopg takes it: ``?`` (outside quotes) → ``%s``, ``%`` → ``%%``."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


_TERM = re.compile(r"^(?P<expr>.+?)(?:\s+(?P<dir>ASC|DESC))?$", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=1024)
def sqlite_order(order: str) -> str:
    """An ``ORDER BY`` list that sorts NULL as SQLite does (first ascending, last descending)."""
    if "NULLS" in order.upper() or "(" in order:
        return order
    terms = []
    for term in order.split(","):
        match = _TERM.match(term.strip())
        assert match is not None
        descending = (match["dir"] or "").upper() == "DESC"
        terms.append(f"{term.strip()} NULLS {'LAST' if descending else 'FIRST'}")
    return ", ".join(terms)


class Row(tuple[Any, ...]):
    """A row read by position or by column name, like ``sqlite3.Row``."""

    names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def named_rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    return _row_maker(tuple(column.name for column in cursor.description or ()))


@lru_cache(maxsize=1024)
def _row_maker(names: tuple[str, ...]) -> RowMaker[Row]:
    row_type = type("Row", (Row,), {"names": names})

    def make(values: Sequence[Any]) -> Row:
        return row_type(values)  # type: ignore[no-any-return]

    return make


class NumberLoader(Loader):
    """``numeric`` (what ``SUM`` of integers gives) as the int or float SQLite answers, not a ``Decimal``."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


def _bound(params: Params) -> tuple[Any, ...]:
    """Parameters as PostgreSQL compares them with the columns: booleans are the integers SQLite keeps; a NUL, which
    PostgreSQL's text cannot hold (a client's hostile input), becomes U+FFFD (stored so, matching no other value)."""
    return tuple(_value(p) for p in params)


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


class _Result:
    """What a statement gave: its rows (fetched) and its row count."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self.rows, self.rowcount = rows, rowcount

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


class PostgresStore(Store):
    """Records in a PostgreSQL schema; see the module docstring."""

    engine = "postgresql"
    placeholder_limit = 10_000
    atomic_statements = False  # a failed statement aborts the whole transaction: every write keeps its savepoint

    def __init__(self, pool: ConnectionPool[psycopg.Connection[Any]], schema: Schema, namespace: str, url: str) -> None:
        super().__init__(None, schema)
        self.pool, self.namespace, self.url = pool, namespace, url
        self.shared = True
        self._connection: psycopg.Connection[Any] | None = None
        self._changed = 0
        self._ready = False
        """Whether the tables exist (``create_schema`` ran)."""
        self._lock_key = zlib.crc32(f"mockserver {namespace}".encode()) - 2**31

    @classmethod
    def connect(cls, schema: Schema, url: str, namespace: str = "mockserver") -> PostgresStore:
        """The store of ``schema`` in the schema ``namespace`` of the database at ``url`` (created if missing)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", namespace):
            raise ConfigurationError(f"{namespace!r} cannot name a PostgreSQL schema (lower-case letters, digits, _)")
        try:
            psycopg.connect(url, connect_timeout=CONNECT_SECONDS).close()  # a clear error now, not a pool timeout
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise ConfigurationError(f"--state {redacted(url)}: cannot connect to PostgreSQL ({reason}); check the "
                                     "host, port, database, user and password") from None

        def configure(connection: psycopg.Connection[Any]) -> None:
            connection.execute(f"SET search_path TO {namespace}")
            connection.adapters.register_loader("numeric", NumberLoader)

        # the store runs one statement at a time (its lock): the pool is there to replace broken connections
        pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url, min_size=1, max_size=2, open=True, configure=configure, name=f"mockserver-{namespace}",
            kwargs={"autocommit": True, "connect_timeout": CONNECT_SECONDS})
        store = cls(pool, schema, namespace, url)
        store.create_schema()
        return store

    @property
    def location(self) -> str:
        return f"{redacted(self.url)} (schema {self.namespace})"

    def create_schema(self) -> None:
        with self.transaction():  # the lock: servers starting together create the tables once
            self._run(f"CREATE SCHEMA IF NOT EXISTS {self.namespace}")
            self._run(statefile.SCHEMA)
            self._run(f"CREATE TABLE IF NOT EXISTS {CHANGES} (n BIGINT NOT NULL)")
            if not self._run(f"SELECT n FROM {CHANGES}").rows:
                self._run(f"INSERT INTO {CHANGES} (n) VALUES (0)")
            for record_type in self.schema.records:
                self._run(_table(record_type).ddl_with(get_type_hints(record_type), self._sql_type))
            self._add_new_columns()
            for name in self.schema.retired_indexes:
                self._run(f"DROP INDEX IF EXISTS {name}")
            for statement in self.schema.indexes:
                self._run(statement)
        self._ready = True

    def _column_names(self, table: str) -> set[str]:
        return {row[0] for row in self._tuples("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = ? AND table_name = ?", (self.namespace, table))}

    def drop(self) -> None:
        """Remove the world: the pack's schema, its initial copy and its kept snapshots (``--reset-state``)."""
        with self.transaction():
            kept = [schema for (schema,) in self._tuples(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE ?", (f"{self.namespace}\\_snapshot\\_%",))]
            for schema in [self.namespace, f"{self.namespace}_initial", f"{self.namespace}_snapshots", *kept]:
                self._run(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        self._memo.clear()
        self._ready = False

    def close(self) -> None:
        self.pool.close()

    # engine primitives --------------------------------------------------------------------------

    @staticmethod
    def _sql_type(hint: Any) -> str:
        return _PG_TYPES[Store._sql_type(hint)]

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        if self._connection is not None:
            yield self._connection
        else:
            with self.pool.connection() as connection:
                yield connection

    def _run(self, sql: str, params: Params = ()) -> _Result:
        with self._lock, self._conn() as connection:
            cursor = connection.cursor(row_factory=named_rows)
            cursor.execute(translated(sql), _bound(params))
            rows = cursor.fetchall() if cursor.description is not None else []
            if cursor.description is None and cursor.rowcount > 0:
                self._changed += cursor.rowcount
            return _Result(rows, cursor.rowcount)

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._lock, self._conn() as connection:
            cursor = connection.cursor()
            batch = [_bound(row) for row in rows]
            if batch:
                cursor.executemany(translated(sql), batch)
                self._changed += len(batch)

    def _tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._conn() as connection:
            return connection.execute(translated(sql), _bound(params)).fetchall()

    @staticmethod
    def _order(order: str) -> str:
        return sqlite_order(order)

    def _begin(self) -> None:
        self._connection = self.pool.getconn()
        try:  # one round trip: begin, wait for the pack's lock, read the change counter
            counter = f"; SELECT n FROM {CHANGES}" if self._ready else ""
            with self._lock:
                cursor = self._connection.execute(f"BEGIN; SELECT pg_advisory_xact_lock({int(self._lock_key)})"
                                                  f"{counter}")
                while cursor.nextset():
                    rows = cursor.fetchall()
            if self._ready:
                self._fresh(int(rows[0][0]))
        except BaseException:
            self._release(rollback=True)
            raise

    def _changes(self) -> int:
        return self._changed

    def _commit(self, changed: bool) -> None:
        assert self._connection is not None
        try:  # one round trip: count the write (the world's revision, the change counter every server reads), commit
            counted = f"{statefile.COUNT_WRITE}; UPDATE {CHANGES} SET n = n + 1; " if changed else ""
            with self._lock:
                self._connection.execute(f"{counted}COMMIT")
        except BaseException:
            self._release(rollback=True)
            raise
        self._release()

    def _rollback(self) -> None:
        self._release(rollback=True)

    def _release(self, rollback: bool = False) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if rollback and not connection.closed:
                connection.execute("ROLLBACK")
        except psycopg.Error:
            pass
        finally:
            self.pool.putconn(connection)

    def _counter(self) -> int:
        return int(self._run(f"SELECT n FROM {CHANGES}").fetchone()[0])

    def _fresh(self, external: int) -> None:
        if external != self._external:
            self._external = external
            self._memo.clear()

    def _external_version(self) -> int:
        return self._counter()

    def _memo_of(self, tables: tuple[str, ...]) -> dict[Any, Any]:
        if self._depth == 0:  # outside a transaction, another server may have written since
            self._fresh(self._counter())
        return super()._memo_of(tables)

    # whole-world operations ----------------------------------------------------------------------

    @property
    def _tables(self) -> list[str]:
        return [statefile.TABLE, *(_table(record_type).name for record_type in self.schema.records)]

    def snapshot(self) -> bytes:
        """The world as a SQLite image (the form of ``Store.snapshot``)."""
        image = Store.open(self.schema)
        with self.transaction():
            for name in self._tables:
                columns = self._columns(name)
                rows = self._tuples(f"SELECT {', '.join(map(quoted, columns))} FROM {name} ORDER BY {self._key(name)}")
                if rows:
                    marks = ", ".join("?" for _ in columns)
                    image._run_many(f"INSERT INTO {name} ({', '.join(map(quoted, columns))}) VALUES ({marks})",
                                          rows)
        data = image.snapshot()
        image.close()
        return data

    def restore(self, snapshot: bytes) -> None:
        """Replace the world by a SQLite image (``snapshot()``, a world built in memory), for every server."""
        source = sqlite3.connect(":memory:")
        source.deserialize(_without_wal(snapshot))
        try:
            with self.transaction():
                self._writing(None)
                for name in self._tables:
                    columns = self._columns(name)
                    self._run(f"DELETE FROM {name}")
                    self._changed += 1
                    rows = source.execute(f"SELECT {', '.join(map(quoted, columns))} FROM {name}").fetchall()
                    self._copy_in(name, columns, rows)
        finally:
            source.close()
        self.revision += 1

    def _copy_in(self, name: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
        assert self._connection is not None
        statement = f"COPY {name} ({', '.join(map(quoted, columns))}) FROM STDIN"
        with self._connection.cursor().copy(statement) as copy:
            for row in rows:
                copy.write_row(_bound(row))

    def _key(self, name: str) -> str:
        """The primary key of a table as an ``ORDER BY`` list (every column for the identity table)."""
        if name == statefile.TABLE:
            return "1"
        key = next(_table(r).primary_key for r in self.schema.records if _table(r).name == name)
        return ", ".join(map(quoted, key))

    def _columns(self, name: str) -> list[str]:
        if name == statefile.TABLE:
            return ["format", "seed", "recipe", "revision"]
        return next(list(_table(r).columns) for r in self.schema.records if _table(r).name == name)

    def mark_initial(self) -> None:
        """Copy the tables into ``<namespace>_initial``, the state every server's ``reset()`` returns to."""
        with self.transaction():
            self._copy_out(f"{self.namespace}_initial")

    def has_initial(self) -> bool:
        return bool(self._run("SELECT to_regclass(?) IS NOT NULL", (f"{self.namespace}_initial.{statefile.TABLE}",))
                    .fetchone()[0])

    def reset(self) -> None:
        """Copy the initial tables back (one transaction: every server sees the reset world at once)."""
        if not self.has_initial():
            raise RuntimeError("reset() needs mark_initial() first")
        with self.transaction():
            self._copy_back(f"{self.namespace}_initial")
        self.revision += 1

    def _copy_out(self, target: str) -> int:
        """Copy the tables into the schema ``target`` (made anew), beside the world: no write to it (the revision
        stays); the bytes the copies take. Call in a transaction."""
        unchanged = self._changed
        self._run(f"DROP SCHEMA IF EXISTS {target} CASCADE")
        self._run(f"CREATE SCHEMA {target}")
        size = 0
        for name in self._tables:
            self._run(f"CREATE TABLE {target}.{name} AS SELECT * FROM {name}")
            size += int(self._run("SELECT pg_total_relation_size(?)", (f"{target}.{name}",)).fetchone()[0])
        self._changed = unchanged
        return size

    def _copy_back(self, source: str) -> None:
        """Replace every table's rows by those of the copies in the schema ``source``. Call in a transaction."""
        self._writing(None)
        for name in self._tables:
            self._run(f"DELETE FROM {name}")
            self._changed += 1
            self._run(f"INSERT INTO {name} SELECT * FROM {source}.{name}")

    # named snapshots, kept in the database for every server ----------------------------------------------------

    shares_snapshots = True
    """Named snapshots live in the database (``Control`` asks the store instead of keeping them itself)."""

    @property
    def _shelf(self) -> str:
        return f"{self.namespace}_snapshots.kept"

    def _snapshot_schema(self, name: str) -> str:
        return f"{self.namespace}_snapshot_{hashlib.sha256(name.encode()).hexdigest()[:20]}"

    def keep_snapshot(self, name: str, created: int, revision: int) -> int:
        """Copy the tables into a schema of their own (as ``mark_initial``); the bytes they take."""
        target = self._snapshot_schema(name)
        with self.transaction():
            unchanged = self._changed
            self._run(f"CREATE SCHEMA IF NOT EXISTS {self.namespace}_snapshots")
            self._run(f"CREATE TABLE IF NOT EXISTS {self._shelf} (name text PRIMARY KEY, schema text NOT NULL, "
                      "created bigint NOT NULL, revision bigint NOT NULL, bytes bigint NOT NULL)")
            size = self._copy_out(target)
            self._run(f"DELETE FROM {self._shelf} WHERE name = ?", (name,))
            self._run(f"INSERT INTO {self._shelf} VALUES (?, ?, ?, ?, ?)", (name, target, created, revision, size))
            self._changed = unchanged  # a copy beside the world: no write to it
        return size

    def kept_snapshots(self) -> list[tuple[str, int, int, int]]:
        """(name, created, revision, bytes) of every kept snapshot, by name."""
        if not self._run("SELECT to_regclass(?) IS NOT NULL", (self._shelf,)).fetchone()[0]:
            return []
        return [(str(n), int(c), int(r), int(b)) for n, c, r, b in
                self._tuples(f"SELECT name, created, revision, bytes FROM {self._shelf} ORDER BY name")]

    def _is_kept(self, name: str) -> bool:
        return name in {kept[0] for kept in self.kept_snapshots()}

    def restore_kept(self, name: str) -> bool:
        """Copy a kept snapshot's tables back (one transaction, for every server); False: there is none."""
        source = self._snapshot_schema(name)
        with self.transaction():  # checked under the lock: no other server deletes it in between
            if not self._is_kept(name):
                return False
            self._copy_back(source)
        self.revision += 1
        return True

    def drop_kept(self, name: str) -> bool:
        with self.transaction():
            if not self._is_kept(name):
                return False
            unchanged = self._changed
            self._run(f"DROP SCHEMA IF EXISTS {self._snapshot_schema(name)} CASCADE")
            self._run(f"DELETE FROM {self._shelf} WHERE name = ?", (name,))
            self._changed = unchanged
        return True

    def integrity_ok(self) -> bool:
        return True  # PostgreSQL checks its own pages; nothing to ask it here

