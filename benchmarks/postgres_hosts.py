"""Several mock hosts on one PostgreSQL world under many writing clients.

    python -m benchmarks.postgres_hosts [--server postgresql://user@host:5432/postgres]
        [--hosts 3] [--clients 20] [--writes 500] [--max-seconds 120] [--recipe tiny] [--seconds 5] [--no-scaling]

Without ``--server`` (or ``MOCKSERVER_TEST_POSTGRES``) it starts a throw-away PostgreSQL cluster of its own
(``tests/postgres.py``). Creates a new database on the server, starts ``--hosts``
``mockserver serve --state <it>`` processes, and lets ``--clients`` threads send up to ``--writes`` writes each,
round robin over the hosts (team creations, task requests and instance increments of one project, in turn),
until ``--max-seconds``. Then checks what the hosts acknowledged against the database: every created team is
there once, every task of the project got exactly the acknowledged increments (no lost update), no 5xx.

Then the scaling table: the users list and the write mix of ``benchmarks/performance`` (wrk, ``--seconds``
each) against one host on SQLite (in memory, a file) and 1, 2 and 3 hosts on a new PostgreSQL database each,
one wrk per host at the same time, rates summed. Writes ``benchmarks/results/postgres-hosts.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from benchmarks.report import write_report


class Host:
    def __init__(self, state: str | None, recipe: str) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "mockserver", "serve", "--port", str(self.port), "--recipe", recipe,
                   *(["--state", state] if state else []), "--request-log-limit", "0"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        stdin=subprocess.DEVNULL)

    def wait(self, admin_key: str) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/__admin/", headers={"X-Admin-Key": admin_key}, timeout=2)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"host on {self.url} did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def client(number: int, hosts: list[Host], token: str, project: str, writes: int, deadline: float,
           results: list[tuple[str, str, int, float]]) -> None:
    headers = {"X-Auth-Token": token}
    with httpx.Client(timeout=60, headers=headers) as http:
        for n in range(writes):
            if time.monotonic() > deadline:
                return
            api = f"{hosts[(number + n) % len(hosts)].url}/api/v5"
            kind = ("team", "request", "increment")[n % 3]
            started = time.perf_counter()
            name = f"bench_{number:03d}_{n:06d}"
            if kind == "team":
                response = http.post(f"{api}/teams", json={"name": name})
            elif kind == "request":
                response = http.post(f"{api}/user/tasks/request")
            else:
                response = http.patch(f"{api}/projects/{project}/incrementEachTasksInstances", params={"delta": 1})
            results.append((kind, name, response.status_code, (time.perf_counter() - started) * 1000))


SCALING_CONNECTIONS = 20
"""wrk connections in all, split evenly over the hosts of a row."""


def scaling_row(label: str, states: list[str | None], recipe: str, seconds: float, admin_key: str) -> dict[str, Any]:
    """Start one host per entry of ``states`` (None: SQLite in memory), then the users list and the write mix, each
    with one wrk per host at the same time (their connections summing to ``SCALING_CONNECTIONS``), summed."""
    from benchmarks.performance.load import Load
    from benchmarks.performance.scenarios import USERS

    hosts = []
    started = time.monotonic()
    try:
        for index, state in enumerate(states):  # the first builds the world, the others join it
            hosts.append(Host(state, recipe))
            if index == 0:
                hosts[0].wait(admin_key)
        for host in hosts:
            host.wait(admin_key)
        ready = time.monotonic() - started
        users = httpx.get(f"{hosts[0].url}/__admin/", headers={"X-Admin-Key": admin_key}).json()["users"]
        token = next(user["token"] for user in users if user["role"] == "admin")
        headers = {"X-Auth-Token": token}
        with httpx.Client(base_url=hosts[0].url + "/api/v5", headers=headers, timeout=120) as http:
            datasets = [d for d in http.get("/datasets").raise_for_status().json() if d.get("isActive")]
        dataset = next((d for d in datasets if d["name"] == "l4_sample"), datasets[0])
        connections = max(1, SCALING_CONNECTIONS // len(hosts))
        row: dict[str, Any] = {"setup": label, "hosts": len(hosts), "ready_s": round(ready, 1)}
        loads = [Load.get("users", USERS, connections=connections),
                 dataclasses.replace(Load.write_mix("write mix", dataset["owningOrganization"], dataset["name"]),
                                     connections=connections)]
        for load in loads:
            for host in hosts:  # warm: the first answers fill the read caches
                httpx.get(f"{host.url}{USERS}", headers=headers, timeout=120)
            with ThreadPoolExecutor(len(hosts)) as pool:
                runs = list(pool.map(lambda host, load=load: load.run(host.url, seconds, headers), hosts))
            row[load.name] = {
                "requests_per_s": round(sum(run.requests_per_s for run in runs), 1),
                "p50_ms": max(run.p50 or 0 for run in runs), "p99_ms": max(run.p99 or 0 for run in runs),
                "non_2xx": sum(run.non_2xx for run in runs), "errors": sum(run.errors for run in runs),
            }
        return row
    finally:
        for host in hosts:
            host.stop()


def scaling(server: str, recipe: str, seconds: float, admin_key: str, workdir: str) -> list[dict[str, Any]]:
    """SQLite (in memory, a file) on one host, then 1, 2 and 3 hosts on a new PostgreSQL database each."""
    import psycopg

    rows = [scaling_row("SQLite in memory", [None], recipe, seconds, admin_key),
            scaling_row("SQLite file", [os.path.join(workdir, "world.sqlite")], recipe, seconds, admin_key)]
    for count in (1, 2, 3):
        name = f"mockserver_scaling_{os.getpid()}_{count}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        try:
            rows.append(scaling_row("PostgreSQL", [database_url(server, name)] * count, recipe, seconds, admin_key))
        finally:
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return rows


def scaling_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| setup | hosts | users req/s | users p50 / p99 ms | write mix req/s | write mix p50 / p99 ms | "
             "non-2xx + errors |", "|---|---:|---:|---|---:|---|---:|"]
    for row in rows:
        users, mix = row["users"], row["write mix"]
        bad = users["non_2xx"] + users["errors"] + mix["non_2xx"] + mix["errors"]
        lines.append(f"| {row['setup']} | {row['hosts']} | {users['requests_per_s']:,.0f} | "
                     f"{users['p50_ms']:.1f} / {users['p99_ms']:.1f} | {mix['requests_per_s']:,.0f} | "
                     f"{mix['p50_ms']:.1f} / {mix['p99_ms']:.1f} | {bad} |")
    return lines


def database_url(server: str, name: str) -> str:
    address, _, query = server.partition("?")
    return f"{address.rpartition('/')[0]}/{name}" + (f"?{query}" if query else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("MOCKSERVER_TEST_POSTGRES"))
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--writes", type=int, default=500, help="per client")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--recipe", default="tiny")
    parser.add_argument("--seconds", type=float, default=5, help="length of one wrk measurement of the scaling table")
    parser.add_argument("--scaling-recipe", default="default")
    parser.add_argument("--no-scaling", action="store_true", help="the writes' invariants only")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    with contextlib.ExitStack() as stack:
        if not args.server:  # a throw-away cluster of our own, as the tests make
            from tests.postgres import Cluster, binaries

            bindir = binaries()
            if bindir is None:
                parser.error("--server (or MOCKSERVER_TEST_POSTGRES) names the PostgreSQL server to create the "
                             "databases on; or install PostgreSQL for a throw-away cluster")
            cluster = Cluster(bindir).start()
            stack.callback(cluster.stop)
            args.server = cluster.url
        return run(args)


def run(args: argparse.Namespace) -> int:
    import psycopg

    from mockserver.packs.webknossos import records as r
    from mockserver.packs.webknossos.records import SCHEMA
    from mockserver.settings import derived_admin_key
    from mockserver.store_postgres import PostgresStore

    name = f"mockserver_bench_{os.getpid()}"
    with psycopg.connect(args.server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    database = database_url(args.server, name)
    hosts = [Host(database, args.recipe) for _ in range(args.hosts)]
    try:
        for host in hosts:
            host.wait(derived_admin_key(1))
        users = httpx.get(f"{hosts[0].url}/__admin/", headers={"X-Admin-Key": derived_admin_key(1)}).json()["users"]
        token = next(user["token"] for user in users if user["role"] == "admin")
        project = httpx.get(f"{hosts[0].url}/api/v5/projects", headers={"X-Auth-Token": token}).json()[0]["id"]
        store = PostgresStore.connect(SCHEMA, database, "webknossos")
        totals = {t.id: t.total_instances for t in store.select(r.Task, "project_id = ?", (project,))}
        results: list[tuple[str, str, int, float]] = []
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n, hosts, token, project, args.writes,
                                                         started + args.max_seconds, results))
                   for n in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        statuses = collections.Counter(status for _, _, status, _ in results)
        increments = sum(1 for kind, _, status, _ in results if kind == "increment" and status == 200)
        lost = sum(task.total_instances != totals[task.id] + increments
                   for task in store.select(r.Task, "project_id = ?", (project,)))
        created = {n for kind, n, status, _ in results if kind == "team" and status == 200}
        stored = {team.name for team in store.select(r.Team) if team.name.startswith("bench_")}
        store.close()
    finally:
        for host in hosts:
            host.stop()
        with psycopg.connect(args.server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    with psycopg.connect(args.server) as connection:
        version = connection.info.server_version
    latencies = sorted(ms for *_, ms in results)
    load_after_writes = os.getloadavg()[0]
    rows = [] if args.no_scaling else scaling(args.server, args.scaling_recipe, args.seconds, derived_admin_key(1),
                                              tempfile.mkdtemp(prefix="mockserver-scaling-"))
    table = [] if not rows else [
        "## Scaling: one host on SQLite against 1, 2 and 3 hosts on one PostgreSQL database",
        "",
        f"The {args.scaling_recipe} world of webknossos; `GET /api/v5/users` (admin token) and the write mix of "
        "`benchmarks/performance` (create an explorational annotation and finish it, request a task and cancel "
        f"it), {args.seconds:g} s each, one wrk per host at the same time with {SCALING_CONNECTIONS} connections "
        "in all (split evenly), rates summed, p50/p99 the worst host's.",
        "",
        *scaling_table(rows),
        "",
    ]
    text = "\n".join([
        "# Several hosts on one PostgreSQL world",
        "",
        f"`python -m benchmarks.postgres_hosts --hosts {args.hosts} --clients {args.clients} --writes {args.writes} "
        f"--max-seconds {args.max_seconds:g} --recipe {args.recipe} --seconds {args.seconds:g}`; "
        f"Python {platform.python_version()}, "
        f"PostgreSQL {version // 10000}.{version % 100}, load average {load_after_writes:.1f} on "
        f"{os.cpu_count()} CPUs (hosts, clients and the database on this one machine).",
        "",
        "| writes | seconds | writes/s | p50 ms | p99 ms | statuses | 5xx | lost updates | teams acknowledged/stored |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---|",
        f"| {len(results):,} | {seconds:.1f} | {len(results) / seconds:,.0f} | {statistics.median(latencies):.1f} | "
        f"{latencies[int(len(latencies) * 0.99)]:.1f} | {dict(sorted(statuses.items()))} | "
        f"{sum(c for s, c in statuses.items() if s >= 500)} | {lost} | {len(created)} / {len(stored & created)} |",
        "",
        *table,
    ])
    target = write_report(text, "postgres-hosts", "default", default_recipe="default")
    target.with_suffix(".json").write_text(json.dumps({
        "writes": {"hosts": args.hosts, "clients": args.clients, "writes": len(results), "seconds": round(seconds, 1),
                   "statuses": dict(sorted(statuses.items())), "lost_updates": lost, "teams_created": len(created),
                   "teams_stored": len(stored & created)},
        "scaling": rows, "postgresql": f"{version // 10000}.{version % 100}", "cpus": os.cpu_count(),
    }, indent=2) + "\n", encoding="utf-8")
    failed = lost or created - stored or any(status >= 500 for status in statuses)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
