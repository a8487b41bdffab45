"""``mockserver serve --state`` stopped by a signal: exit 0, the request log flushed, the file complete on its own."""

from __future__ import annotations

import shutil
import signal
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.test_serve import Served


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_world_is_complete_in_its_main_file(tmp_path: Path, signum: signal.Signals) -> None:
    """``docker stop``, systemd and CI runners send SIGTERM, a terminal SIGINT: both end with exit status 0 and a
    checkpointed file, so ``world.sqlite`` alone (copied without ``world.sqlite-wal``) holds the written world."""
    state = tmp_path / "world.sqlite"
    server = Served("--recipe", "tiny", "--state", str(state), "--request-log-limit", "1")
    headers = {"X-Auth-Token": server.token("admin")}
    created = httpx.post(f"{server.url}/api/v5/teams", json={"name": "kept_lab"}, headers=headers).json()
    for _ in range(3):  # beyond the limit of one line per second: summed up in a line the shutdown flushes
        httpx.get(f"{server.url}/api/health")
    server.process.send_signal(signum)
    assert server.process.wait(timeout=30) == 0
    server.reader.join(timeout=10)
    assert "more requests (mean" in "".join(server.lines)
    copy = tmp_path / "elsewhere" / "world.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(state, copy)
    with closing(sqlite3.connect(copy)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert created["id"] in {row[0] for row in db.execute("SELECT id FROM teams")}


def test_workers_leave_a_complete_file_too(tmp_path: Path) -> None:
    """The workers end without closing their stores; the main process checkpoints the file once they are gone."""
    state = tmp_path / "world.sqlite"
    server = Served("--recipe", "tiny", "--state", str(state), "--workers", "2")
    headers = {"X-Auth-Token": server.token("admin")}
    created = httpx.post(f"{server.url}/api/v5/teams", json={"name": "kept_lab"}, headers=headers).json()
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=30) == 0
    server.reader.join(timeout=10)
    copy = tmp_path / "elsewhere" / "world.sqlite"
    copy.parent.mkdir()
    shutil.copyfile(state, copy)
    with closing(sqlite3.connect(copy)) as db:
        assert created["id"] in {row[0] for row in db.execute("SELECT id FROM teams")}
