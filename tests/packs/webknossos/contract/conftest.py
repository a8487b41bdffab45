"""A mock served by uvicorn in this process (so tests can drift its answers and read its journal), and
``mockserver contract`` runs against it in a subprocess."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from mockserver import Settings, create_app
from mockserver.app import MockApp
from tests.packs.webknossos.contract.drift import Drift


@dataclasses.dataclass
class ServedMock:
    app: MockApp
    drift: Drift
    url: str
    token: str


@dataclasses.dataclass(frozen=True)
class ContractRun:
    exit_code: int
    output: str
    report_dir: Path


@pytest.fixture(scope="module")
def served_mock() -> Iterator[ServedMock]:
    """The tiny world behind a ``Drift`` wrapper (no deviation enabled), with an unbounded journal."""
    app = create_app(Settings(recipe="tiny", journal_size=1_000_000))
    drift = Drift(app)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(drift, log_config=None, access_log=False, timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    token = next(user.token for user in app.backend.world.known_users if user.role == "admin")
    try:
        yield ServedMock(app, drift, f"http://127.0.0.1:{sock.getsockname()[1]}", token)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def contract(served_mock: ServedMock, tmp_path: Path) -> object:
    """``contract(version, *options)`` runs ``mockserver contract`` against the served mock (token via WK_TOKEN)."""

    def run(version: str, *options: str) -> ContractRun:
        report_dir = tmp_path / f"report-{version}"
        args = [sys.executable, "-m", "mockserver", "contract", served_mock.url, "--api-version", version,
                "--rate-limit", "off", "--report", "junit,html", "--report-dir", str(report_dir), *options]
        env = {**os.environ, "WK_TOKEN": served_mock.token, "NO_COLOR": "1"}
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
        return ContractRun(done.returncode, done.stdout + done.stderr, report_dir)

    return run
