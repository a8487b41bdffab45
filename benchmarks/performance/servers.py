"""Servers under test: each a subprocess in a session of its own, on a free 127.0.0.1 port.

``ServerProcess.start`` returns once its ready URL answers 200 and records how long that took
from the moment the process was spawned; ``stop`` ends the whole process group (SIGTERM, then
SIGKILL). ``stop_all`` stops whatever is still running; the harness calls it on exit (``atexit``,
SIGTERM, Ctrl-C, errors), so no server outlives it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from benchmarks.performance.memory import group_members, group_rss

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 300.0
POLL_SECONDS = 0.02
_RUNNING: set[ServerProcess] = set()


class ServerError(RuntimeError):
    """A server did not start, or exited while it was measured."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def uvicorn_command(factory: str, port: int) -> list[str]:
    """The uvicorn settings every Python server here shares (``mockserver serve`` sets the same ones):
    loop and HTTP parser ``auto`` (uvloop and httptools when installed), one worker, no access log."""
    return [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port),
            "--workers", "1", "--loop", "auto", "--http", "auto", "--no-access-log", "--log-level", "warning"]


@dataclasses.dataclass(eq=False)
class ServerProcess:
    """One server: ``command`` listens on ``port``; ready when ``ready_path`` answers 200."""

    name: str
    command: list[str]
    port: int
    ready_path: str
    log_path: Path
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    ready_seconds: float = 0.0
    """Seconds from spawning the process to the first 200 on ``ready_path``."""

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} is not running"
        return self.process.pid

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def rss_bytes(self) -> int:
        return group_rss(self.pid)

    def ready_headers(self) -> dict[str, str] | None:
        """Headers of the readiness request; None while they are not known yet."""
        return self.headers

    def start(self, timeout: float = READY_TIMEOUT) -> Self:
        log = self.log_path.open("wb")
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1", **self.env},
                                        start_new_session=True)
        log.close()
        _RUNNING.add(self)
        try:
            self._wait_ready(started, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, started: float, timeout: float) -> None:
        with httpx.Client(timeout=5) as client:
            while time.perf_counter() - started < timeout:
                if self.process is None or self.process.poll() is not None:
                    raise ServerError(f"{self.name} exited during start:\n{self.log_text()[-3000:]}")
                headers = self.ready_headers()
                if headers is not None and self._answers(client, headers):
                    self.ready_seconds = time.perf_counter() - started
                    return
                time.sleep(POLL_SECONDS)
        raise ServerError(f"{self.name} was not ready after {timeout:.0f} s:\n{self.log_text()[-3000:]}")

    def _answers(self, client: httpx.Client, headers: dict[str, str]) -> bool:
        try:
            return client.get(self.url + self.ready_path, headers=headers).status_code == 200
        except httpx.HTTPError:
            return False

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise ServerError(f"{self.name} is not running:\n{self.log_text()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL to whatever is left of it after 10 s."""
        _RUNNING.discard(self)
        if self.process is None:
            return
        pgid = self.process.pid
        _signal_group(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if group_members(pgid) or self.process.poll() is None:
            _signal_group(pgid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self) -> Self:
        return self.start() if self.process is None else self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()


class MockServer(ServerProcess):
    """``mockserver serve``: ready once the admin token of its banner opens ``GET /api/v5/user``."""

    @property
    def tokens(self) -> dict[str, str]:
        """Role → token, from the start-up banner (``admin <email> <token>``)."""
        tokens = {}
        for line in self.log_text().splitlines():
            words = line.split()
            if len(words) == 3 and words[0] in ("admin", "manager", "user") and "@" in words[1]:
                tokens[words[0]] = words[2]
        return tokens

    def ready_headers(self) -> dict[str, str] | None:
        token = self.tokens.get("admin")
        return None if token is None else {"X-Auth-Token": token}

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"X-Auth-Token": self.tokens["admin"]}


class PackServer(ServerProcess):
    """``mockserver serve --api <pack>``: ready once ``/__admin/`` answers 200 to the seed's admin key; the
    banner's bearer tokens (``<role> <user> Bearer <token>``) by role."""

    @property
    def tokens(self) -> dict[str, str]:
        tokens = {}
        for line in self.log_text().splitlines():
            words = line.split()
            if len(words) == 4 and words[2] == "Bearer":
                tokens[words[0]] = words[3]
        return tokens


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_all() -> None:
    """Stop every server still running (registered with ``atexit``)."""
    for server in list(_RUNNING):
        server.stop()


def mock_server(workdir: Path, name: str, *options: str, recipe: str = "default") -> MockServer:
    """``mockserver serve`` (seed 1) with the request log off, as uvicorn's access log is off elsewhere."""
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "serve", "--host", HOST, "--port", str(port), "--seed", "1",
               "--recipe", recipe, "--log-level", "warning", "--request-log-limit", "0", *options]
    return MockServer(name, command, port, "/api/v5/user", workdir / f"{_slug(name)}.log")


def pack_server(workdir: Path, pack: str, *options: str, recipe: str = "default") -> PackServer:
    """``mockserver serve --api <pack>`` (seed 1, request log off)."""
    from mockserver.settings import derived_admin_key

    port = free_port()
    command = [sys.executable, "-m", "mockserver", "serve", "--api", pack, "--host", HOST, "--port", str(port),
               "--seed", "1", "--recipe", recipe, "--log-level", "warning", "--request-log-limit", "0", *options]
    name = f"{pack} ({recipe} recipe{', ' + ' '.join(options) if options else ''})"
    return PackServer(name, command, port, "/__admin/", workdir / f"{_slug(name)}.log",
                      headers={"X-Admin-Key": derived_admin_key(1)})


def uvicorn_server(workdir: Path, name: str, factory: str, ready_path: str, headers: dict[str, str],
                   env: Mapping[str, str]) -> ServerProcess:
    port = free_port()
    return ServerProcess(name, uvicorn_command(factory, port), port, ready_path, workdir / f"{_slug(name)}.log",
                         headers=headers, env=env)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
