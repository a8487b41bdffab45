"""PostgreSQL for the tests: the server ``MOCKSERVER_TEST_POSTGRES`` names, or a throw-away cluster of our own.

``postgres_server`` (session) is the URL of a server the tests may create databases on. Without the variable it
starts a private cluster when PostgreSQL's binaries are installed (``initdb`` on PATH or under
``/usr/lib/postgresql/*/bin``): initdb into a temporary directory, listening on 127.0.0.1 and a Unix socket in
that directory, stopped at the end of the session. ``initdb`` refuses to run as root, so as root the cluster runs
as the ``postgres`` user (Debian's package makes it). Neither possible: the tests skip, saying why.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

VARIABLE = "MOCKSERVER_TEST_POSTGRES"
SKIP_REASON = (f"PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql) and {VARIABLE} is not "
               "set: install PostgreSQL (apt-get install postgresql) or point the variable at a server")
_names = itertools.count()
_created: list[str] = []


def binaries() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``, the newest version first."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]), reverse=True)
    return versions[0].parent if versions else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster in a temporary directory (trust authentication, user ``mockserver``, no fsync)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.directory = Path(tempfile.mkdtemp(prefix="mockserver-pg-"))
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("initdb refuses root and there is no postgres user to run it as") from None
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://mockserver@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self.as_user, str(self.bindir / command[0]), *command[1:]], capture_output=True,
                              text=True, stdin=subprocess.DEVNULL, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stdout}{done.stderr}")

    def start(self) -> Cluster:
        data = str(self.directory / "data")
        self._run("initdb", "-D", data, "-A", "trust", "-U", "mockserver", "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-k {self.directory} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=1000")
        self._run("pg_ctl", "-D", data, "-l", str(self.directory / "log"), "-w", "-t", "60", "-o", options, "start")
        return self

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def server() -> Iterator[str]:
    """The URL of the server to test on (see the module docstring); skips when there is none."""
    given = os.environ.get(VARIABLE)
    if given:
        try:
            yield given
        finally:
            drop_created(given)
        return
    bindir = binaries()
    if bindir is None:
        pytest.skip(SKIP_REASON)
    cluster = Cluster(bindir).start()
    try:
        yield cluster.url
    finally:
        cluster.stop()


def new_database(server_url: str) -> str:
    """The URL of a new, empty database on ``server_url``."""
    import psycopg

    name = f"mockserver_test_{os.getpid()}_{next(_names)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    _created.append(name)
    address, _, query = server_url.partition("?")
    base = address.rpartition("/")[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


def drop_created(server_url: str) -> None:
    """Drop the databases ``new_database`` made on a server that outlives the tests."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        while _created:
            connection.execute(f"DROP DATABASE IF EXISTS {_created.pop()} WITH (FORCE)")


def namespace() -> str:
    """A schema name no other test of this session uses."""
    return f"t{os.getpid()}_{next(_names)}"
