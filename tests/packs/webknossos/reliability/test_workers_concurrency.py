"""Several ``--workers`` processes write to one ``--state`` file at the same time.

Writers on fresh connections (so the kernel spreads them over the worker processes) race for the same
names and the same tasks: a check-then-insert or read-modify-write that is not serialised across the
processes shows up as a duplicate, a lost update, or SQLite's "database is locked" surfacing as a 500.
"""

from __future__ import annotations

import collections
import itertools
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.store import Store
from tests.packs.webknossos.reliability.test_concurrency import assert_invariants
from tests.test_serve import Served

pytestmark = pytest.mark.slow

WORKERS = 3
THREADS = 12
NAMES = 40
RACERS_PER_NAME = 4
REQUESTS_PER_USER = 8


def worker_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def run_all(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


def fresh(method: str, url: str, **kwargs: object) -> Callable[[], httpx.Response]:
    """A request on a connection of its own (no keep-alive), so that any worker may take it."""
    def call() -> httpx.Response:
        with httpx.Client(timeout=60, limits=httpx.Limits(max_keepalive_connections=0)) as client:
            return client.request(method, url, **kwargs)  # type: ignore[arg-type]
    return call


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads worker processes from /proc (Linux)")
def test_workers_writing_one_state_file_lose_nothing(tmp_path: Path) -> None:
    state = tmp_path / "world.sqlite"
    server = Served("--recipe", "tiny", "--workers", str(WORKERS), "--state", str(state))
    try:
        deadline = time.monotonic() + 60
        while sum("Application startup complete" in line for line in server.lines) < WORKERS:
            assert time.monotonic() < deadline, "".join(server.lines)
            time.sleep(0.1)
        pids = worker_pids(server.process.pid)
        assert len(pids) >= WORKERS, pids  # the workers (and multiprocessing's resource tracker)
        before = {pid: cpu_ticks(pid) for pid in pids}
        api = f"{server.url}/api/v5"
        admin = {"X-Auth-Token": server.token("admin")}

        # 1. every team name sent by several writers at once: exactly one of them creates it
        names = [f"race_team_{n:02d}" for n in range(NAMES)]
        racers = [fresh("POST", f"{api}/teams", json={"name": name}, headers=admin)
                  for name in names for _ in range(RACERS_PER_NAME)]
        created = run_all(racers)
        statuses = collections.Counter(response.status_code for response in created)
        assert statuses == {200: NAMES, 400: NAMES * (RACERS_PER_NAME - 1)}, statuses
        refused = {response.json()["messages"][0]["error"] for response in created if response.status_code == 400}
        assert refused == {"This name is already assigned to a different team of your organization."}
        ids = [response.json()["id"] for response in created if response.status_code == 200]
        assert len(set(ids)) == NAMES  # one id sequence across the processes

        # 2. every user asks for tasks at once: no instance handed out twice, none lost
        users = httpx.get(f"{api}/users", headers=admin, params={"isActive": "true"}).json()
        tokens = [server.token(role) for role in ("admin", "user")]
        requests = [fresh("POST", f"{api}/user/tasks/request", headers={"X-Auth-Token": token})
                    for token in itertools.chain.from_iterable(itertools.repeat(tokens, REQUESTS_PER_USER))]
        answered = run_all(requests)
        request_statuses = collections.Counter(response.status_code for response in answered)
        assert not [s for s in request_statuses if s >= 500], request_statuses
        assert request_statuses[200] >= 1, request_statuses
        assert len(users) >= 2

        busy = [pid for pid in pids if cpu_ticks(pid) > before[pid]]
        assert len(busy) >= 2, "the requests did not reach more than one worker process"
    finally:
        assert server.stop(), "".join(server.lines[-40:])

    store = Store.open(SCHEMA, str(state))
    try:
        teams = [team.name for team in store.select(r.Team) if team.name.startswith("race_team_")]
        assert sorted(teams) == names
        assert_invariants(store)
        assert store.integrity_ok()
    finally:
        store.close()
    assert not any("database is locked" in line for line in server.lines)
    assert os.path.getsize(state) > 0
