"""Store engines by the form of ``--state``: none or a file path (SQLite), ``postgresql://…`` (PostgreSQL).

``open_store`` is the one place that picks the engine; everything above it speaks to the ``Store`` interface.
PostgreSQL's engine (``store_postgres``) needs psycopg, imported only when a database URL is given.
"""

from __future__ import annotations

from collections.abc import Callable

from mockserver.errors import ConfigurationError
from mockserver.statefile import database_scheme
from mockserver.store import Schema, Store


def _sqlite(schema: Schema, state: str | None, namespace: str) -> Store:
    return Store.open(schema, state)


def _postgresql(schema: Schema, state: str | None, namespace: str) -> Store:
    assert state is not None
    try:
        from mockserver.store_postgres import PostgresStore
    except ImportError:
        raise ConfigurationError("--state postgresql://… needs psycopg 3 and psycopg-pool: "
                                 "pip install 'mockserver[postgres]'") from None
    return PostgresStore.connect(schema, state, namespace)


ENGINES: dict[str, Callable[[Schema, str | None, str], Store]] = {
    "sqlite": _sqlite,
    "postgresql": _postgresql,
}
"""Engine name → opener of a store of a schema at a ``--state`` (``namespace``: the pack's name)."""


def engine_of(state: str | None) -> str:
    return database_scheme(state) or "sqlite"


def open_store(schema: Schema, state: str | None = None, namespace: str = "mockserver") -> Store:
    """The store of ``schema`` kept where ``state`` says (None: in memory)."""
    return ENGINES[engine_of(state)](schema, state, namespace)
