"""``mockserver serve --state postgresql://…``: every pack served from PostgreSQL, and several servers as one.

Each test gets a new database on the server of ``postgres_server`` (``tests/postgres.py``).
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.settings import derived_admin_key
from mockserver.store_postgres import PostgresStore
from tests.packs.webknossos.reliability.test_concurrency import assert_invariants
from tests.postgres import free_port
from tests.test_serve import Served

pytestmark = pytest.mark.slow
ADMIN = {"X-Admin-Key": derived_admin_key(1)}
JSONAPI = "application/vnd.api+json"


class Host(Served):
    """One ``mockserver serve`` process on the database (any pack: ready once its admin API answers)."""

    wait_seconds = 120

    def probe(self) -> bool:
        httpx.get(f"{self.url}/__admin/", headers=ADMIN, timeout=2)
        return True

    @property
    def state_line(self) -> str:
        return next(line.strip() for line in self.lines if line.strip().startswith("state "))

    def token(self, role: str) -> str:
        users = httpx.get(f"{self.url}/__admin/", headers=ADMIN).json()["users"]
        return str(next(user["token"] for user in users if user["role"] == role))

    def stop(self) -> int:  # type: ignore[override]
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


@dataclasses.dataclass(frozen=True)
class Smoke:
    """What to read (a list) and write (one more item in it) on a pack."""

    recipe: str
    role: str | None
    header: str
    read: str
    count: Callable[[Any], int]
    write: Callable[[httpx.Client, str], httpx.Response]


def _idah_dataset(client: httpx.Client, url: str) -> httpx.Response:
    project = client.get(f"{url}/api/v1/dataset/projects").json()["data"][0]["id"]
    body = {"data": {"type": "dataset:datasets", "attributes": {"name": "Smoke", "modality": "idah-image"},
                     "relationships": {"project": {"data": {"type": "dataset:projects", "id": project}}}}}
    return client.post(f"{url}/api/v1/dataset/datasets", json=body, headers={"Content-Type": JSONAPI})


SMOKES = {
    "webknossos": Smoke("tiny", "admin", "X-Auth-Token", "/api/v5/teams", len,
                        lambda c, url: c.post(f"{url}/api/v5/teams", json={"name": "smoke"})),
    "labelstudio": Smoke("default", None, "", "/api/tasks?page_size=1000", len,
                         lambda c, url: c.post(f"{url}/api/project/import", json=[{"image": "smoke.jpg"}])),
    "cytomine": Smoke("default", "admin", "Authorization", "/api/project.json", lambda b: len(b["collection"]),
                      lambda c, url: c.post(f"{url}/api/project.json", json={"name": "Smoke", "ontology": None})),
    "idah": Smoke("default", "owner", "Authorization", "/api/v1/dataset/datasets", lambda b: len(b["data"]),
                  _idah_dataset),
}


@pytest.mark.parametrize("pack", sorted(SMOKES))
def test_every_pack_serves_its_world_from_postgresql(pack: str, postgres_database: str) -> None:
    smoke = SMOKES[pack]
    host = Host("--api", pack, "--recipe", smoke.recipe, "--state", postgres_database)
    try:
        assert "built the world of seed 1" in host.state_line and "postgresql://" in host.state_line
        headers = {smoke.header: host.token(smoke.role)} if smoke.role else {}
        with httpx.Client(headers=headers, timeout=30) as client:
            before = smoke.count(client.get(f"{host.url}{smoke.read}").json())
            written = smoke.write(client, host.url)
            assert written.status_code in {200, 201}, written.text
            assert smoke.count(client.get(f"{host.url}{smoke.read}").json()) == before + 1
            assert httpx.post(f"{host.url}/__admin/reset", headers=ADMIN).status_code == 200
            assert smoke.count(client.get(f"{host.url}{smoke.read}").json()) == before
            smoke.write(client, host.url)
    finally:
        assert host.stop() == 0, "".join(host.lines)
    again = Host("--api", pack, "--state", postgres_database)  # a restart joins the world the database keeps
    try:
        assert "joined the world of seed 1, recipe " + smoke.recipe in again.state_line
        headers = {smoke.header: again.token(smoke.role)} if smoke.role else {}
        assert smoke.count(httpx.get(f"{again.url}{smoke.read}", headers=headers).json()) == before + 1
    finally:
        assert again.stop() == 0, "".join(again.lines)


@pytest.mark.parametrize("url", ["postgresql://nobody:secret@127.0.0.1:1/none", "postgresql://host:notaport/db",
                                 "postgres://[::1/db"])
def test_a_database_it_cannot_use_is_one_error_line(url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--port", str(free_port()), "--state", url],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --state postgres"), done.stderr
    assert "secret" not in done.stderr and "Traceback" not in done.stderr


# several hosts ----------------------------------------------------------------------------------------------------

HOSTS = 3
CLIENTS = 20
WRITES = 500
"""Writes per client: team creations (each name sent by two clients), task requests, instance increments."""


def _client_writes(client: int, hosts: list[Host], tokens: list[str], project: str) -> list[tuple[str, Any, int]]:
    """One client's writes, spread over the hosts: (kind, what, status)."""
    done = []
    with httpx.Client(timeout=60) as http:
        for n in range(WRITES):
            host = hosts[(client + n) % len(hosts)]
            api, kind = f"{host.url}/api/v5", ("team", "request", "increment")[n % 3]
            admin = {"X-Auth-Token": tokens[0]}
            if kind == "team":
                name = f"race_{(client // 2) * WRITES + n:04d}"  # clients 2k and 2k+1 race for each name
                response = http.post(f"{api}/teams", json={"name": name}, headers=admin)
                done.append((kind, name, response.status_code))
            elif kind == "request":
                token = tokens[n % len(tokens)]
                response = http.post(f"{api}/user/tasks/request", headers={"X-Auth-Token": token})
                done.append((kind, None, response.status_code))
            else:
                response = http.patch(f"{api}/projects/{project}/incrementEachTasksInstances", params={"delta": 1},
                                      headers=admin)
                done.append((kind, None, response.status_code))
    return done


def test_three_hosts_on_one_database_behave_as_one_server(postgres_database: str,
                                                          record_property: Callable[[str, object], None]) -> None:
    with ThreadPoolExecutor(HOSTS) as pool:  # started together: one builds the world, the others wait and join it
        hosts = list(pool.map(lambda _: Host("--recipe", "tiny", "--state", postgres_database), range(HOSTS)))
    try:
        origins = collections.Counter(host.state_line.split(": ", 1)[1].split(" the world")[0] for host in hosts)
        assert origins == {"built": 1, "joined": HOSTS - 1}, [host.state_line for host in hosts]
        tokens = [hosts[0].token(role) for role in ("admin", "user")]
        admin = {"X-Auth-Token": tokens[0]}
        projects = httpx.get(f"{hosts[0].url}/api/v5/projects", headers=admin).json()
        project = projects[0]["id"]
        store = PostgresStore.connect(SCHEMA, postgres_database, "webknossos")
        totals = {t.id: t.total_instances for t in store.select(r.Task, "project_id = ?", (project,))}

        # reads on one host see the writes of another at once (its read cache included)
        for reader, writer in itertools.permutations(hosts, 2):
            name = f"seen_{writer.port}_{reader.port}"
            assert name not in str(httpx.get(f"{reader.url}/api/v5/teams", headers=admin).json())  # now cached
            created = httpx.post(f"{writer.url}/api/v5/teams", json={"name": name}, headers=admin)
            assert created.status_code == 200, created.text
            assert name in [team["name"] for team in httpx.get(f"{reader.url}/api/v5/teams", headers=admin).json()]

        # mixed writes of many clients, spread over the hosts
        started = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(itertools.chain.from_iterable(
                pool.map(lambda c: _client_writes(c, hosts, tokens, project), range(CLIENTS))))
        statuses = collections.Counter(status for _, _, status in results)
        errors = [line for host in hosts for line in host.lines if "Error" in line or "error" in line]
        assert len(results) == CLIENTS * WRITES and not [s for s in statuses if s >= 500], (statuses, errors[:20])
        teams = collections.defaultdict(list)
        for kind, name, status in results:
            if kind == "team":
                teams[name].append(status)
        assert all(sorted(sent) == [200, 400] for sent in teams.values()), teams  # one of two racers creates each
        increments = sum(1 for kind, _, status in results if kind == "increment" and status == 200)
        assert increments == sum(1 for kind, _, _ in results if kind == "increment")
        store.version()  # forget memoized reads: the hosts wrote
        for task in store.select(r.Task, "project_id = ?", (project,)):
            assert task.total_instances == totals[task.id] + increments  # no lost update
        stored = {team.name for team in store.select(r.Team)}
        assert set(teams) <= stored
        assert len({team.id for team in store.select(r.Team)}) == store.count(r.Team)
        assert_invariants(store)
        record_property("figures", f"{HOSTS} hosts, {CLIENTS} clients: {len(results):,} writes in "
                        f"{time.monotonic() - started:.1f} s, statuses {dict(sorted(statuses.items()))}, 5xx 0, "
                        f"lost updates 0 ({len(totals)} task counters checked at +{increments}), "
                        f"{len(teams)} team names raced by two clients, each created once")

        # kill -9 of a host loses no write it acknowledged
        victim, survivor = hosts[2], hosts[0]
        acknowledged: list[str] = []

        def write_until_killed() -> None:
            with httpx.Client(timeout=10) as http:
                for n in itertools.count():
                    try:
                        response = http.post(f"{victim.url}/api/v5/teams", json={"name": f"kill_{n:05d}"},
                                             headers=admin)
                    except httpx.HTTPError:
                        return
                    if response.status_code == 200:
                        acknowledged.append(f"kill_{n:05d}")

        writer = threading.Thread(target=write_until_killed)
        writer.start()
        while len(acknowledged) < 20 and writer.is_alive():
            time.sleep(0.01)
        os.kill(victim.process.pid, signal.SIGKILL)
        writer.join(timeout=30)
        assert len(acknowledged) >= 20
        names = {team["name"] for team in httpx.get(f"{survivor.url}/api/v5/teams", headers=admin).json()}
        assert set(acknowledged) <= names
        assert httpx.post(f"{survivor.url}/api/v5/teams", json={"name": "after_kill"}, headers=admin).status_code == 200
        store.close()
    finally:
        for host in hosts:
            if host.process.poll() is None:
                assert host.stop() == 0, "".join(host.lines[-40:])


def test_named_snapshots_are_kept_in_the_database_for_every_host(postgres_database: str) -> None:
    with ThreadPoolExecutor(2) as pool:
        one, two = pool.map(lambda _: Host("--recipe", "tiny", "--state", postgres_database), range(2))
    try:
        admin = {"X-Auth-Token": one.token("admin")}

        def teams(host: Host) -> set[str]:
            return {team["name"] for team in httpx.get(f"{host.url}/api/v5/teams", headers=admin).json()}

        before = teams(one)
        taken = httpx.post(f"{one.url}/__admin/snapshots", json={"name": "before"}, headers=ADMIN)
        assert taken.status_code == 201 and taken.json()["name"] == "before" and taken.json()["bytes"] > 0
        assert httpx.post(f"{two.url}/api/v5/teams", json={"name": "later"}, headers=admin).status_code == 200
        assert teams(one) == before | {"later"}
        listed = httpx.get(f"{two.url}/__admin/snapshots", headers=ADMIN).json()
        assert [s["name"] for s in listed] == ["before"] and listed[0]["created"] == taken.json()["created"]
        assert httpx.post(f"{two.url}/__admin/snapshots/before/restore", headers=ADMIN).status_code == 200
        assert teams(one) == before and teams(two) == before  # restored for every host, read caches included
        assert httpx.post(f"{one.url}/api/v5/teams", json={"name": "later"}, headers=admin).status_code == 200
        assert httpx.post(f"{one.url}/__admin/snapshots/before/restore", headers=ADMIN).status_code == 200
        assert teams(two) == before  # a snapshot restores as often as asked
        assert httpx.delete(f"{one.url}/__admin/snapshots/before", headers=ADMIN).status_code == 204
        assert httpx.get(f"{two.url}/__admin/snapshots", headers=ADMIN).json() == []
        assert httpx.post(f"{two.url}/__admin/snapshots/before/restore", headers=ADMIN).status_code == 404
        assert httpx.delete(f"{two.url}/__admin/snapshots/before", headers=ADMIN).status_code == 404
    finally:
        for host in (one, two):
            assert host.stop() == 0, "".join(host.lines[-40:])


def test_a_world_switched_on_one_host_is_the_world_of_every_host(postgres_database: str) -> None:
    with ThreadPoolExecutor(2) as pool:
        one, two = pool.map(lambda _: Host("--recipe", "tiny", "--state", postgres_database), range(2))
    try:
        def state(host: Host) -> dict[str, Any]:
            answer = httpx.get(f"{host.url}/__admin/", headers=ADMIN)
            return {key: answer.json()[key] for key in ("seed", "recipe", "users")}

        started = state(one)
        switched = httpx.post(f"{one.url}/__admin/reset", json={"seed": 7}, headers=ADMIN).json()
        assert switched["seed"] == 7 and switched["users"] != started["users"]
        assert state(two) == state(one) == {key: switched[key] for key in ("seed", "recipe", "users")}
        token = {"X-Auth-Token": two.token("admin")}
        assert httpx.get(f"{two.url}/api/v5/user", headers=token).status_code == 200  # the token it names works
        # the host that followed goes back to the world it started with (built anew: it never held it switched)
        back = httpx.post(f"{two.url}/__admin/reset", json={"seed": 1, "recipe": "tiny"}, headers=ADMIN).json()
        assert {key: back[key] for key in ("seed", "recipe", "users")} == started == state(one)
        # and the switched world, which the first host kept, comes back there as it was
        again = httpx.post(f"{one.url}/__admin/reset", json={"seed": 7}, headers=ADMIN).json()
        assert again["users"] == switched["users"] and state(two)["users"] == switched["users"]
        # an export imported on another host, while both serve the first world again
        exported = httpx.get(f"{one.url}/__admin/world", headers=ADMIN).json()
        first = httpx.post(f"{one.url}/__admin/reset", json={"seed": 1}, headers=ADMIN).json()
        assert first["users"] == started["users"]
        assert httpx.put(f"{two.url}/__admin/world", json=exported, headers=ADMIN).status_code == 200
        assert state(one) == state(two) == {key: switched[key] for key in ("seed", "recipe", "users")}
    finally:
        for host in (one, two):
            assert host.stop() == 0, "".join(host.lines[-40:])


def test_reset_state_drops_the_kept_snapshots_too(postgres_database: str) -> None:
    host = Host("--recipe", "tiny", "--state", postgres_database)
    try:
        assert httpx.post(f"{host.url}/__admin/snapshots", json={"name": "old"}, headers=ADMIN).status_code == 201
    finally:
        assert host.stop() == 0, "".join(host.lines[-40:])
    anew = Host("--recipe", "tiny", "--state", postgres_database, "--reset-state")
    try:
        assert "built the world" in anew.state_line
        assert httpx.get(f"{anew.url}/__admin/snapshots", headers=ADMIN).json() == []
    finally:
        assert anew.stop() == 0, "".join(anew.lines[-40:])
