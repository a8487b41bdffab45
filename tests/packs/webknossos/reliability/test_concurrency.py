"""20 concurrent clients issue 10,000 mixed writes; afterwards every invariant of the world holds."""

from __future__ import annotations

import asyncio
import collections
import random

import httpx

from mockserver.packs.webknossos import records as r
from mockserver.store import Store
from tests.packs.webknossos.reliability.conftest import Live

CLIENTS = 20
WRITES = 10_000


class Writer:
    """One client: picks a write, sends it, remembers every status code."""

    def __init__(self, live: Live, rng: random.Random, statuses: collections.Counter[int]) -> None:
        store = live.app.backend.store
        self.rng, self.statuses, self.url = rng, statuses, f"{live.url}/api/v5"
        self.admin = {"X-Auth-Token": live.app.backend.world.token("admin")}
        self.users = [{"X-Auth-Token": u.token} for u in store.select(r.User, "is_active = 1")]
        self.tasks = [t.id for t in store.select(r.Task)]
        self.projects = [p.id for p in store.select(r.Project)]
        sample = store.select(r.Task, limit=1)[0]
        project = store.get(r.Project, sample.project_id)
        dataset = store.get(r.Dataset, sample.dataset_id)
        self.new_task = {"taskTypeId": sample.task_type_id, "neededExperience": {"domain": "axon-tracing", "value": 1},
                         "pendingInstances": 2, "projectName": project.name, "dataSet": dataset.name,
                         "editPosition": [1, 2, 3], "editRotation": [0, 0, 0]}
        self.store = store

    async def one(self, client: httpx.AsyncClient) -> None:
        action = self.rng.choice((self.request, self.request, self.finish, self.reopen, self.cancel,
                                  self.set_instances, self.increment, self.create, self.delete))
        response = await action(client)
        self.statuses[response.status_code] += 1

    async def request(self, client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(f"{self.url}/user/tasks/request", headers=self.rng.choice(self.users))

    def _annotation(self, state: str) -> r.Annotation | None:
        found = self.store.select(r.Annotation, "typ = 'Task' AND state = ?", (state,), limit=50)
        return self.rng.choice(found) if found else None

    async def finish(self, client: httpx.AsyncClient) -> httpx.Response:
        annotation = self._annotation("Active")
        target = annotation.id if annotation else "0" * 24
        return await client.patch(f"{self.url}/annotations/Task/{target}/finish?timestamp=1", headers=self.admin)

    async def reopen(self, client: httpx.AsyncClient) -> httpx.Response:
        annotation = self._annotation("Finished")
        target = annotation.id if annotation else "0" * 24
        return await client.patch(f"{self.url}/annotations/Task/{target}/reopen", headers=self.admin)

    async def cancel(self, client: httpx.AsyncClient) -> httpx.Response:
        annotation = self._annotation("Active")
        target = annotation.id if annotation else "0" * 24
        return await client.delete(f"{self.url}/annotations/Task/{target}", headers=self.admin)

    async def set_instances(self, client: httpx.AsyncClient) -> httpx.Response:
        body = {**self.new_task, "pendingInstances": self.rng.randint(0, 4)}
        return await client.put(f"{self.url}/tasks/{self.rng.choice(self.tasks)}", json=body, headers=self.admin)

    async def increment(self, client: httpx.AsyncClient) -> httpx.Response:
        project = self.rng.choice(self.projects)
        return await client.patch(f"{self.url}/projects/{project}/incrementEachTasksInstances?delta=1",
                                  headers=self.admin)

    async def create(self, client: httpx.AsyncClient) -> httpx.Response:
        response = await client.post(f"{self.url}/tasks", json=[self.new_task], headers=self.admin)
        if response.status_code == 200 and response.json()["tasks"][0]["success"]:
            self.tasks.append(response.json()["tasks"][0]["success"]["id"])
        return response

    async def delete(self, client: httpx.AsyncClient) -> httpx.Response:
        return await client.delete(f"{self.url}/tasks/{self.rng.choice(self.tasks)}", headers=self.admin)


async def hammer(live: Live) -> collections.Counter[int]:
    statuses: collections.Counter[int] = collections.Counter()
    writer = Writer(live, random.Random(7), statuses)
    remaining = [WRITES]

    async def client_loop() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            while remaining[0] > 0:
                remaining[0] -= 1
                await writer.one(client)

    await asyncio.gather(*(client_loop() for _ in range(CLIENTS)))
    return statuses


def assert_invariants(store: Store) -> None:
    for task in store.select(r.Task):
        states = collections.Counter(a.state for a in store.select(r.Annotation, "task_id = ?", (task.id,)))
        active, finished = states["Active"] + states["Initializing"], states["Finished"]
        assert task.pending_instances >= 0, task
        assert task.pending_instances + active + finished == task.total_instances, (task, states)
    orphans = store.scalars("SELECT COUNT(*) FROM annotations WHERE typ = 'Task' AND task_id NOT IN "
                            "(SELECT id FROM tasks)")
    assert orphans == [0]
    doubles = store.scalars("SELECT COUNT(*) FROM (SELECT task_id, user_id FROM annotations WHERE typ = 'Task' AND "
                            "state != 'Cancelled' GROUP BY 1, 2 HAVING COUNT(*) > 1) AS doubled")
    assert doubles == [0]


def test_concurrent_mixed_writes_keep_every_invariant(live: Live) -> None:
    statuses = asyncio.run(hammer(live))
    assert sum(statuses.values()) == WRITES
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[200] > WRITES // 4, statuses  # most writes really happened
    assert_invariants(live.app.backend.store)
    assert live.app.backend.store.integrity_ok()
