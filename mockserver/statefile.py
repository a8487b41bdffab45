"""The world a ``--state`` file holds: the file checked before it is opened, the world's identity kept in it.

A state file is a SQLite database that mockserver made: beside the world's tables it has the one-row
table ``mockserver_world`` (format, seed, recipe, revision). ``check`` looks at the path before the store
opens it, so before any table is created: a missing directory, a directory, a file that is not SQLite or
is damaged, another program's database, or a world of another seed or recipe than the ones given
explicitly is a ``ConfigurationError`` naming the problem and its fix; ``reset_state`` empties a file of
mockserver's own. ``stamp`` records the identity of a world just built (revision 0); from then on every
committed write transaction counts one (``COUNT_WRITE``, run by ``Store.transaction``), so the revision
is kept in the file, across restarts and by every process sharing it.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from mockserver.errors import ConfigurationError

if TYPE_CHECKING:
    from mockserver.settings import Settings
    from mockserver.store import Store

TABLE = "mockserver_world"
FORMAT = 1
"""Version of the file layout, raised when a state file of an older layout can no longer be served."""
SCHEMA = (f"CREATE TABLE IF NOT EXISTS {TABLE} (format INTEGER NOT NULL, seed INTEGER NOT NULL, "
          "recipe TEXT NOT NULL, revision INTEGER NOT NULL)")
COUNT_WRITE = f"UPDATE {TABLE} SET revision = revision + 1"
READ = f"SELECT seed, recipe, revision, format FROM {TABLE}"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclasses.dataclass(frozen=True)
class Identity:
    """Which world a store holds: the seed and recipe that built it, and its committed writes since."""

    seed: int
    recipe: str
    revision: int = 0
    format: int = FORMAT

    def __str__(self) -> str:
        return f"seed {self.seed}, recipe {self.recipe}, revision {self.revision}"


def identity(store: Store) -> Identity | None:
    """The identity recorded in ``store`` (None: nothing recorded, e.g. records inserted by hand)."""
    rows = store.rows(READ)
    return Identity(*rows[0]) if rows else None


def stamp(store: Store, seed: int, recipe: str) -> None:
    """Record that ``store`` now holds the world just built (or imported) from ``seed`` and ``recipe``."""
    with store.transaction():
        store.execute(f"DELETE FROM {TABLE}")
        # revision -1: the commit of this very transaction counts as one write, so the world starts at 0
        store.execute(f"INSERT INTO {TABLE} (format, seed, recipe, revision) VALUES (?, ?, ?, -1)",
                      (FORMAT, seed, recipe))


def check(settings: Settings, tables: frozenset[str] = frozenset()) -> Identity | None:
    """The world to resume from ``settings.state``; None when a world is to be built (no file, an empty one,
    or ``reset_state``, which drops the tables of a file of mockserver's own first)."""
    if settings.state is None or database_scheme(settings.state):
        return None  # a database is checked once connected (``matching``)
    path = Path(settings.state)
    found = read_file(path, tables)
    if settings.reset_state:
        if path.exists():  # read_file found it empty or mockserver's own
            clear(path)
        return None
    return matching(settings, found, str(path))


def matching(settings: Settings, found: Identity | None, where: str) -> Identity | None:
    """``found``, unless it is the world of another seed or recipe than the ones given explicitly."""
    if found is None:
        return None
    asked = {"seed": settings.seed, "recipe": settings.recipe}
    other = {name: value for name, value in asked.items()
             if name in settings.given and value != getattr(found, name)}
    if other:
        wanted = ", ".join(f"{name} {value}" for name, value in other.items())
        options = "/".join(f"--{name}" for name in other)
        raise ConfigurationError(
            f"--state {where} holds the world of {found}, not {wanted}: leave out {options} to resume it, "
            f"or add --reset-state (MOCKSERVER_RESET_STATE=true) to rebuild it with {wanted}")
    return found


DATABASE_SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql"}
"""URL scheme of a ``--state`` database → the store engine that serves it."""


def database_scheme(state: str | None) -> str | None:
    """The engine of a ``--state`` that is a database URL (None: a file path, or no state)."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", state or "")
    if match is None:
        return None
    engine = DATABASE_SCHEMES.get(match[1].lower())
    if engine is None:
        raise ConfigurationError(f"--state {match[1]}://…: mockserver keeps a world in a SQLite file (a path) or in "
                                 "PostgreSQL (postgresql://user:password@host:5432/database)")
    return engine


def read_file(path: Path, tables: frozenset[str] = frozenset()) -> Identity | None:
    """The identity of the world in the file at ``path``; None if there is no world yet. Reads only.
    ``tables``: those of the pack to serve (a file holding other tables is another pack's world)."""
    if not path.parent.is_dir():
        raise ConfigurationError(f"--state {path}: the directory {path.parent} does not exist; create it, "
                                 "or give a file in an existing directory")
    if path.is_dir():
        raise ConfigurationError(f"--state {path} is a directory; give a file in it, such as "
                                 f"--state {path / 'world.sqlite'}")
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as file:
            magic = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ConfigurationError(f"--state {path} cannot be read ({exc.strerror}); fix its permissions, or give "
                                 "another file") from None
    if magic != SQLITE_MAGIC:
        raise ConfigurationError(f"--state {path} is not a SQLite database; mockserver does not overwrite "
                                 "other files: give a new file name")
    try:
        return _read(path, tables)
    except sqlite3.DatabaseError as exc:
        raise ConfigurationError(f"--state {path} is damaged ({exc}); remove it (and its -wal file) to start a "
                                 "new world there, or give another file") from None


def _read(path: Path, expected: frozenset[str]) -> Identity | None:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
        problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise sqlite3.DatabaseError(problem)
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        if not tables:
            return None
        if TABLE not in tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise ConfigurationError(f"--state {path} is not a mockserver world (it has the tables {shown}, no "
                                     f"{TABLE}); mockserver does not write into other databases: give a new file "
                                     "name (or delete this one if it is a state file of an older mockserver)")
        if expected and (foreign := sorted(set(tables) - expected - {TABLE})):
            shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
            raise ConfigurationError(f"--state {path} holds the world of another API pack (tables {shown}); give "
                                     "each pack its own state file")
        rows = db.execute(READ).fetchall()
    found = Identity(*rows[0]) if rows else None
    if found is not None and found.format > FORMAT:
        raise ConfigurationError(f"--state {path} was written by a newer mockserver (file format {found.format}, "
                                 f"this one reads {FORMAT}); upgrade mockserver, or give another file")
    return found


def clear(path: Path) -> None:
    """Drop every table of a state file (``read_file`` found it to be one of mockserver's own)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        db.execute("BEGIN IMMEDIATE")
        for name in names:
            db.execute(f'DROP TABLE "{name}"')
        db.execute("COMMIT")
