"""With --state, kill -9 in the middle of a write load loses no acknowledged write."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from tests.test_serve import Served

ROUNDS = 3


def write_until_killed(server: Served, acknowledged: list[str], stop: threading.Event) -> None:
    headers = {"X-Auth-Token": server.token("admin")}
    body = [{"typ": "Skeleton"}]
    path = f"{server.url}/api/v5/datasets/sample_organization/l4_sample/createExplorational"
    with httpx.Client(timeout=10) as client:
        while not stop.is_set():
            try:
                response = client.post(path, json=body, headers=headers)
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                acknowledged.append(response.json()["id"])


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    state = tmp_path / "world.sqlite"
    acknowledged: list[str] = []
    for _ in range(ROUNDS):
        server = Served("--recipe", "tiny", "--state", str(state))
        stop = threading.Event()
        writer = threading.Thread(target=write_until_killed, args=(server, acknowledged, stop))
        writer.start()
        time.sleep(1.5)
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        stop.set()
        writer.join(timeout=30)
    assert len(acknowledged) > 50
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in db.execute("SELECT id FROM annotations")}
        layers = {row[0] for row in db.execute("SELECT layers FROM annotations WHERE id IN ({})".format(
            ",".join("?" * len(acknowledged))), acknowledged)}
    assert set(acknowledged) <= stored
    tracings_missing = [layer for layer in layers if '"tracingId"' not in layer]
    assert not tracings_missing
    restarted = Served("--recipe", "tiny", "--state", str(state))
    try:
        headers = {"X-Auth-Token": restarted.token("admin")}
        last = acknowledged[-1]
        info = httpx.get(f"{restarted.url}/api/v5/annotations/{last}/info?timestamp=1", headers=headers)
        assert info.status_code == 200
    finally:
        restarted.stop()
