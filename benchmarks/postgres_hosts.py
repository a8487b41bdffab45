"""Several mock hosts on one PostgreSQL world under many writing clients.

    python -m benchmarks.postgres_hosts --server postgresql://user@host:5432/postgres
        [--hosts 3] [--clients 20] [--writes 10000] [--max-seconds 300] [--recipe tiny]

Creates a new database on ``--server`` (``MOCKSERVER_TEST_POSTGRES`` by default), starts ``--hosts``
``mockserver serve --state <it>`` processes, and lets ``--clients`` threads send up to ``--writes`` writes each,
round robin over the hosts (team creations, task requests and instance increments of one project, in turn),
until ``--max-seconds``. Then checks what the hosts acknowledged against the database: every created team is
there once, every task of the project got exactly the acknowledged increments (no lost update), no 5xx.
Writes ``benchmarks/results/postgres-hosts.md``.
"""

from __future__ import annotations

import argparse
import collections
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
import warnings

import httpx

from benchmarks.report import write_report


class Host:
    def __init__(self, state: str, recipe: str) -> None:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "mockserver", "serve", "--port", str(self.port), "--recipe", recipe,
                   "--state", state, "--request-log-limit", "0"]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("MOCKSERVER_TEST_POSTGRES"))
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--writes", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--recipe", default="tiny")
    args = parser.parse_args(argv)
    if not args.server:
        parser.error("--server (or MOCKSERVER_TEST_POSTGRES) names the PostgreSQL server to create the database on")
    warnings.filterwarnings("ignore")
    import psycopg

    from mockserver.packs.webknossos import records as r
    from mockserver.packs.webknossos.records import SCHEMA
    from mockserver.settings import derived_admin_key
    from mockserver.store_postgres import PostgresStore

    name = f"mockserver_bench_{os.getpid()}"
    with psycopg.connect(args.server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    address, _, query = args.server.partition("?")
    database = f"{address.rpartition('/')[0]}/{name}" + (f"?{query}" if query else "")
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
    text = "\n".join([
        "# Several hosts on one PostgreSQL world",
        "",
        f"`python -m benchmarks.postgres_hosts --hosts {args.hosts} --clients {args.clients} --writes {args.writes} "
        f"--max-seconds {args.max_seconds:g} --recipe {args.recipe}`; Python {platform.python_version()}, "
        f"PostgreSQL {version // 10000}.{version % 100}, load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (hosts, clients and the database on this one machine).",
        "",
        "| writes | seconds | writes/s | p50 ms | p99 ms | statuses | 5xx | lost updates | teams acknowledged/stored |",
        "|---:|---:|---:|---:|---:|---|---:|---:|---|",
        f"| {len(results):,} | {seconds:.1f} | {len(results) / seconds:,.0f} | {statistics.median(latencies):.1f} | "
        f"{latencies[int(len(latencies) * 0.99)]:.1f} | {dict(sorted(statuses.items()))} | "
        f"{sum(c for s, c in statuses.items() if s >= 500)} | {lost} | {len(created)} / {len(stored & created)} |",
        "",
    ])
    write_report(text, "postgres-hosts", "default", default_recipe="default")
    failed = lost or created - stored or any(status >= 500 for status in statuses)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
