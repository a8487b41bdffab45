"""SQLite-backed store of canonical records.

The store knows nothing about HTTP. It maps each record dataclass to a table (DDL derived from the
fields), reads and writes records with bound parameters only, runs writes in transactions, and can
``snapshot()`` / ``restore()`` / ``reset()`` the whole world. It is in-memory by default; with a file
path it persists across restarts (WAL journal). Its tables are those of a ``Schema`` (a pack's record
types and indexes).
"""

from __future__ import annotations

import dataclasses
import operator
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar, cast, get_args, get_type_hints

import orjson

from mockserver import statefile
from mockserver.errors import ConfigurationError

R = TypeVar("R")
Params = Sequence[Any]

_SQL_TYPES = {int: "INTEGER", bool: "INTEGER", str: "TEXT", float: "REAL"}

@dataclasses.dataclass(frozen=True)
class Schema:
    """The store tables of a pack: record dataclasses (in dependency order) and their indexes."""

    records: tuple[type[Any], ...]
    indexes: tuple[str, ...] = ()
    retired_indexes: tuple[str, ...] = ()
    """Indexes of earlier releases, dropped from ``--state`` files."""


@dataclasses.dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    json_columns: frozenset[str]
    bool_columns: frozenset[str]
    primary_key: tuple[str, ...]

    def ddl(self, hints: dict[str, Any]) -> str:
        return self.ddl_with(hints, _sql_type)

    def ddl_with(self, hints: dict[str, Any], sql_type: Callable[[Any], str]) -> str:
        """The table's ``CREATE TABLE``, column types given by ``sql_type`` (an engine's types)."""
        cols = [f"{quoted(column)} {sql_type(hints[column])}" for column in self.columns]
        pk = ", ".join(map(quoted, self.primary_key))
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)}, PRIMARY KEY ({pk}))"

    @property
    def column_list(self) -> str:
        return ", ".join(map(quoted, self.columns))


def quoted(name: str) -> str:
    """A column name as an SQL identifier both engines accept whatever the name (``user`` is reserved in PostgreSQL)."""
    return f'"{name}"'


def _table(cls: type[Any]) -> _Table:
    return _table_of(cast(Hashable, cls))


@cache
def _table_of(cls: Any) -> _Table:
    hints = get_type_hints(cls)
    columns = tuple(f.name for f in dataclasses.fields(cls))
    json_columns = frozenset(c for c in columns if _is_json(hints[c]))
    bool_columns = frozenset(c for c in columns if hints[c] is bool)
    primary_key = getattr(cls, "primary_key", ("id",))
    return _Table(cls.table, columns, json_columns, bool_columns, primary_key)


def _is_json(hint: Any) -> bool:
    text = str(hint)
    return "dict" in text or "list" in text


def _sql_type(hint: Any) -> str:
    """SQL column type of a field annotation (``X | None`` counts as ``X``; JSON is TEXT)."""
    if _is_json(hint):
        return "TEXT"
    candidates = [a for a in get_args(hint) if a is not type(None)] or [hint]
    return _SQL_TYPES.get(candidates[0], "TEXT")


def _ddl(cls: type[Any], sql_type: Callable[[Any], str] = _sql_type) -> str:
    return _table(cls).ddl_with(get_type_hints(cls), sql_type)


@cache
def _row_encoder(cls: Any) -> Callable[[Any], Sequence[Any]]:
    """A record → row values function (JSON columns as text), prepared once per record type."""
    table = _table(cls)
    values = operator.attrgetter(*table.columns)
    json_positions = [i for i, column in enumerate(table.columns) if column in table.json_columns]

    def encode(record: Any) -> Sequence[Any]:
        row = list(values(record))
        try:
            for i in json_positions:
                if row[i] is not None:
                    row[i] = orjson.dumps(row[i]).decode()
        except orjson.JSONEncodeError:  # let _encode raise its OverflowError naming the column
            return [Store._encode(column, getattr(record, column), table) for column in table.columns]
        return row

    return encode


@cache
def _row_decoder(cls: Any) -> Callable[[Sequence[Any]], Any]:
    """A row (columns in field order) → record function: JSON columns parsed, booleans made ``bool``.

    The function is generated once per record type, one line per column, as ``dataclasses`` generates
    ``__init__``: reading a page of records is mostly this function, and the loops, the list copy and the frozen
    dataclass ``__init__`` (each field set through ``object.__setattr__``) made up most of its cost. The record is
    the very one ``cls(*values)`` makes: every field is given (no default applies); a class with a
    ``__post_init__`` keeps its ``__init__``. Column names are the dataclass's field names (identifiers)."""
    table = _table(cls)
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "loads": orjson.loads}
    values = []
    for i, column in enumerate(table.columns):
        value = f"row[{i}]"
        if column in table.json_columns:
            value = f"(None if row[{i}] is None else loads(row[{i}]))"
        elif column in table.bool_columns:
            value = f"bool(row[{i}])"
        values.append(value)
    if hasattr(cls, "__post_init__"):
        body = [f"    return cls({', '.join(values)})"]
    elif "__slots__" in cls.__dict__:
        namespace.update({f"set_{column}": cls.__dict__[column].__set__ for column in table.columns})
        body = ["    record = new(cls)", *(f"    set_{column}(record, {value})"
                                          for column, value in zip(table.columns, values, strict=True)),
                "    return record"]
    else:
        body = ["    record = new(cls)", "    record.__dict__.update({",
                *(f"        {column!r}: {value}," for column, value in zip(table.columns, values, strict=True)),
                "    })", "    return record"]
    exec("\n".join(["def decode(row):", *body]), namespace)  # the source is made above from field names only
    return cast(Callable[[Sequence[Any]], Any], namespace["decode"])


def _without_wal(image: bytes) -> bytes:
    """A database image as one in rollback-journal mode: the image of a WAL file (a ``--state`` store's snapshot)
    cannot be read in memory, where there is no WAL ("unable to open database file")."""
    if image[18:20] != b"\x02\x02":
        return image
    return image[:18] + b"\x01\x01" + image[20:]


SQLITE_MIN, SQLITE_MAX = -(2**63), 2**63 - 1
"""The range of SQLite's INTEGER."""


class Store:
    """Records in one SQLite database; see the module docstring.

    The database calls go through a few primitives (``_run``, ``_run_many``, ``_tuples``, ``_begin`` …);
    another engine (``store_postgres.PostgresStore``) overrides those and keeps everything else.
    """

    engine = "sqlite"
    placeholder_limit = 500
    atomic_statements = True
    """Whether a failed statement inside a transaction undoes only itself (SQLite) and not the whole transaction
    (PostgreSQL): then a write of one statement inside a transaction needs no savepoint of its own."""
    """Values ``rows_in`` binds per statement."""

    def __init__(self, connection: sqlite3.Connection | None, schema: Schema) -> None:
        self._db = cast(sqlite3.Connection, connection)
        self.schema = schema
        if connection is not None:
            connection.row_factory = sqlite3.Row
        self._depth = 0
        self._lock = threading.RLock()
        self._initial: bytes | None = None
        self._memo: dict[tuple[str, ...], dict[Any, Any]] = {}
        """Memoized reads by the tables they read; a write to a table drops the entries that read it
        (a rollback, a raw statement or another process's commit: all)."""
        self.revision = 0
        self.shared = False
        self.path: str | None = None
        """The SQLite file, if any."""
        """Whether other processes may write the same database (a ``--state`` file, a database server)."""
        self._external = 0
        self.origin = ""
        """How the server came to this world (built it, joined one): for the banner."""

    @classmethod
    def open(cls, schema: Schema, path: str | None = None) -> Store:
        """Open an in-memory store of ``schema``, or a persistent one at ``path`` (created if missing)."""
        connection = sqlite3.connect(path or ":memory:", isolation_level=None, check_same_thread=False)
        if path:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        store = cls(connection, schema)
        store.shared, store.path = bool(path), path
        store.create_schema()
        return store

    def create_schema(self) -> None:
        self._run(statefile.SCHEMA)
        for record_type in self.schema.records:
            self._run(_ddl(record_type, self._sql_type))
        self._add_new_columns()
        for name in self.schema.retired_indexes:
            self._run(f"DROP INDEX IF EXISTS {name}")
        for statement in self.schema.indexes:
            self._run(statement)

    def _add_new_columns(self) -> None:
        """The columns a record type gained after its table was made (a world kept by an older mockserver in a
        ``--state`` file or database): each added, every row given the field's default, so the world opens as it
        was. A new field without a default cannot be filled in: ``ConfigurationError`` naming the way out, before
        anything is changed."""
        added: list[tuple[_Table, str, str, Any]] = []
        for record_type in self.schema.records:
            table = _table(record_type)
            present = self._column_names(table.name)
            for field in (f for f in dataclasses.fields(record_type) if f.name not in present):
                if field.default is not dataclasses.MISSING:
                    default = field.default
                elif field.default_factory is not dataclasses.MISSING:
                    default = field.default_factory()
                else:
                    raise ConfigurationError(
                        f"the world kept in {self.path or self.location} was written by an older mockserver: its table "
                        f"{table.name} has no column {field.name}, which this version needs; start with "
                        "--reset-state to build the world anew (export it first with the older version to keep it)")
                added.append((table, field.name, self._sql_type(get_type_hints(record_type)[field.name]), default))
        for table, column, sql_type, default in added:
            self._run(f"ALTER TABLE {table.name} ADD COLUMN {quoted(column)} {sql_type}")
            if default is not None:
                value = orjson.dumps(default).decode() if column in table.json_columns else default
                self._run(f"UPDATE {table.name} SET {quoted(column)} = ?", (value,))

    def _column_names(self, table: str) -> set[str]:
        """The columns ``table`` has in the database."""
        return {row[1] for row in self._tuples(f"PRAGMA table_info({table})")}

    def close(self) -> None:
        """Close the database; a file is checkpointed first, so that it holds the whole world without its ``-wal``."""
        if self.shared:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()

    def drop(self) -> None:
        """Remove every table of the world (``create_schema`` makes them anew)."""
        with self.transaction():
            for name in [r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]:
                self._run(f'DROP TABLE "{name}"')
        self._memo.clear()

    @property
    def location(self) -> str:
        """Where the world is kept, for people (no credentials)."""
        return "memory" if not self.shared else "a SQLite file"

    # engine primitives --------------------------------------------------------------------------

    @staticmethod
    def _sql_type(hint: Any) -> str:
        return _sql_type(hint)

    def _run(self, sql: str, params: Params = ()) -> Any:
        """Run one statement; a cursor (``fetchone``, ``rowcount``, iteration over rows)."""
        return self._db.execute(sql, tuple(params))

    def _run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def _tuples(self, sql: str, params: Params = ()) -> Iterable[Sequence[Any]]:
        """Rows as plain tuples (the decoder reads columns by position)."""
        cursor = self._db.cursor()
        cursor.row_factory = None
        rows: Iterable[Sequence[Any]] = cursor.execute(sql, tuple(params))
        return rows

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _changes(self) -> int:
        return self._db.total_changes

    def _commit(self, changed: bool) -> None:
        if changed:
            self._db.execute(statefile.COUNT_WRITE)  # the world's revision, kept in the database
        self._db.execute("COMMIT")

    def _rollback(self) -> None:
        self._db.execute("ROLLBACK")

    def _external_version(self) -> int:
        """A number that changes whenever another connection commits (0: none can)."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0]) if self.shared else 0

    # transactions -------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the block atomically: all its writes land, or (on an exception) none do."""
        with self._lock:
            savepoint = f"sp{self._depth}"
            if self._depth == 0:
                self._begin()
            else:
                self._run(f"SAVEPOINT {savepoint}")
            self._depth += 1
            changes = self._changes()
            try:
                yield self
            except BaseException:
                self._memo.clear()  # reads inside the block may have seen writes that are now undone
                self._depth -= 1
                if self._depth == 0:
                    self._rollback()
                else:
                    self._run(f"ROLLBACK TO SAVEPOINT {savepoint}")
                    self._run(f"RELEASE SAVEPOINT {savepoint}")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._commit(self._changes() != changes)
            else:
                self._run(f"RELEASE SAVEPOINT {savepoint}")
            self.revision += 1

    @contextmanager
    def _statement(self) -> Iterator[None]:
        """A block of one write statement: a transaction of its own, or, inside one, a savepoint where the engine
        needs it (``atomic_statements``). A write to the store counts as a revision either way."""
        with self._lock:
            if self._depth == 0 or not self.atomic_statements:
                with self.transaction():
                    yield
                return
            yield
            self.revision += 1

    def _writing(self, table: str | None) -> None:
        """Forget the memoized reads of ``table`` (None: of every table) before writing to it."""
        if table is None:
            self._memo.clear()
            return
        for tables in [tables for tables in self._memo if table in tables]:
            del self._memo[tables]

    # reads --------------------------------------------------------------------------------------

    def version(self) -> tuple[int, int]:
        """(commits of this store, commits of other connections to the same database): changes whenever
        the data may have. Another process's commit also drops the memo of ``get()``."""
        if not self.shared:
            return (self.revision, 0)
        external = self._external_version()
        if external != self._external:
            self._external = external
            self._memo.clear()
        return (self.revision, external)

    def get(self, cls: type[R], *key: Any) -> R | None:
        """The record with this primary key, or None (memoized until the next write to its table)."""
        table = _table(cls)
        memo = self._memo_of((table.name,))
        if key in memo:
            found: R | None = memo[key]
            return found
        if any(isinstance(part, int) and not SQLITE_MIN <= part <= SQLITE_MAX for part in key):
            return None  # no row has a key SQLite cannot even store
        found = memo[key] = self.one(cls, " AND ".join(f"{quoted(c)} = ?" for c in table.primary_key), key)
        return found

    def _memo_of(self, tables: tuple[str, ...]) -> dict[Any, Any]:
        return self._memo.setdefault(tables, {})

    def lookup(self, cls: type[R], where: str, params: Params = ()) -> R | None:
        """``one()``, memoized until the next write to its table (hot lookups: tokens, names)."""
        found: R | None = self.remember((_table(cls).name,), (where, *params), lambda: self.one(cls, where, params))
        return found

    def remember(self, tables: tuple[str, ...], key: Hashable, build: Callable[[], R]) -> R:
        """``build()``, a read of ``tables`` only, memoized under ``key`` until the next write to one of them."""
        memo = self._memo_of(tables)
        if key in memo:
            found: R = memo[key]
            return found
        found = memo[key] = build()
        return found

    def one(self, cls: type[R], where: str, params: Params = ()) -> R | None:
        rows = self.select(cls, where, params, limit=1)
        return rows[0] if rows else None

    def select(
        self,
        cls: type[R],
        where: str = "",
        params: Params = (),
        *,
        order: str = "",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[R]:
        """Records matching an SQL condition (values always bound through ``params``)."""
        table = _table(cls)
        sql = f"SELECT {table.column_list} FROM {table.name}"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {self._order(order)}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = (*params, limit, offset)
        decode = _row_decoder(cast(Hashable, cls))
        return [decode(row) for row in self._tuples(sql, params)]

    @staticmethod
    def _order(order: str) -> str:
        """An ``ORDER BY`` list as the engine needs it to sort as SQLite does (NULL first)."""
        return order

    def count(self, cls: type[Any], where: str = "", params: Params = (), *, limit: int | None = None,
              offset: int = 0) -> int:
        """Rows matching ``where``; with ``limit``, those of ``select(…, limit=limit, offset=offset)`` (a count
        that stops early)."""
        rows = f"{_table(cls).name}" + (f" WHERE {where}" if where else "")
        if limit is None:
            return int(self._run(f"SELECT COUNT(*) FROM {rows}", params).fetchone()[0])
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM {rows} LIMIT ? OFFSET ?) AS counted"
        return int(self._run(sql, (*params, limit, offset)).fetchone()[0])

    def scalars(self, sql: str, params: Params = ()) -> list[Any]:
        """First column of every row of a read-only query."""
        return [row[0] for row in self._tuples(sql, params)]

    def rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query; a row is read by position or by column name."""
        return list(self._run(sql, params))

    def rows_in(self, sql: str, values: Sequence[Any], chunk: int | None = None) -> list[Sequence[Any]]:
        """Rows of ``sql`` whose ``{}`` is an ``IN`` list of ``values``, run in chunks (SQLite bounds the number of
        bound parameters); rows of one chunk keep the statement's order. A row is a plain tuple, read by position
        (a page's terms or memberships are thousands of rows)."""
        chunk = chunk or self.placeholder_limit
        found: list[Sequence[Any]] = []
        for start in range(0, len(values), chunk):
            part = values[start:start + chunk]
            found += self._tuples(sql.format(", ".join("?" for _ in part)), part)
        return found

    # writes -------------------------------------------------------------------------------------

    def insert(self, *records: Any) -> None:
        with self._statement() if len(records) == 1 else self.transaction():
            for record in records:
                table = _table(type(record))
                marks = ", ".join("?" for _ in table.columns)
                sql = f"INSERT INTO {table.name} ({table.column_list}) VALUES ({marks})"
                self._writing(table.name)
                self._run(sql, _row_encoder(cast(Hashable, type(record)))(record))

    def insert_many(self, cls: type[Any], records: Iterable[Any]) -> None:
        """Insert records of one type with one prepared statement (bulk loads: the world builder)."""
        table = _table(cls)
        marks = ", ".join("?" for _ in table.columns)
        sql = f"INSERT INTO {table.name} ({table.column_list}) VALUES ({marks})"
        with self.transaction():
            self._writing(table.name)
            self._run_many(sql, map(_row_encoder(cast(Hashable, cls)), records))

    def update(self, record: R, **changes: Any) -> R:
        """Write ``changes`` to the stored row of ``record`` and return the updated record."""
        if not changes:
            return record
        updated = dataclasses.replace(record, **changes)  # type: ignore[type-var]
        table = _table(type(record))
        assignments = ", ".join(f"{quoted(c)} = ?" for c in changes)
        where = " AND ".join(f"{quoted(c)} = ?" for c in table.primary_key)
        values = [self._encode(c, getattr(updated, c), table) for c in changes]
        keys = [getattr(record, c) for c in table.primary_key]
        with self._statement():
            self._writing(table.name)
            self._run(f"UPDATE {table.name} SET {assignments} WHERE {where}", (*values, *keys))
        return updated

    def delete(self, cls: type[Any], where: str, params: Params = ()) -> int:
        with self._statement():
            self._writing(_table(cls).name)
            cursor = self._run(f"DELETE FROM {_table(cls).name} WHERE {where}", params)
        return int(cursor.rowcount)

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement inside a transaction; returns the number of changed rows."""
        with self._statement():
            self._writing(None)  # any table
            return int(self._run(sql, params).rowcount)

    # whole-world operations ----------------------------------------------------------------------

    def snapshot(self) -> bytes:
        """The whole database as bytes (a SQLite image, whatever the engine)."""
        with self._lock:
            return bytes(self._db.serialize())

    def restore(self, snapshot: bytes) -> None:
        """Replace the whole database by an earlier ``snapshot()`` (also for file-backed stores)."""
        with self._lock:
            source = sqlite3.connect(":memory:")
            source.deserialize(_without_wal(snapshot))
            source.backup(self._db)
            source.close()
            self._memo.clear()
            self.revision += 1

    def mark_initial(self) -> None:
        """Remember the current state as the one ``reset()`` returns to."""
        self._initial = self.snapshot()

    def has_initial(self) -> bool:
        """Whether a state to ``reset()`` to is kept (in the database itself: one another server marked)."""
        return self._initial is not None

    def reset(self) -> None:
        """Return to the state of the last ``mark_initial()``."""
        if self._initial is None:
            raise RuntimeError("reset() needs mark_initial() first")
        self.restore(self._initial)

    def is_empty(self) -> bool:
        return all(self.count(cls) == 0 for cls in self.schema.records[:1])

    def integrity_ok(self) -> bool:
        return bool(self._run("PRAGMA integrity_check").fetchone()[0] == "ok")

    # row mapping --------------------------------------------------------------------------------

    @staticmethod
    def _encode(column: str, value: Any, table: _Table) -> Any:
        if column in table.json_columns and value is not None:
            try:
                return orjson.dumps(value).decode()
            except orjson.JSONEncodeError as exc:  # e.g. an integer beyond 64 bits
                raise OverflowError(f"{column}: {exc}") from exc
        return value
