"""The scenarios of one run, keyed by the names ``--only`` takes; each returns a plain dict
(``title``, ``rows`` from ``Bench.measure``, ``facts``, ``notes``, or ``skipped`` with the reason)."""

from __future__ import annotations

import dataclasses
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks.performance import prism
from benchmarks.performance.bench import Bench
from benchmarks.performance.consistency import cross_worker_reads
from benchmarks.performance.load import Load
from benchmarks.performance.memory import MIB
from benchmarks.performance.packs import PACK_WORKLOADS
from benchmarks.performance.servers import (
    ROOT,
    MockServer,
    ServerProcess,
    free_port,
    mock_server,
    pack_server,
    uvicorn_server,
)
from benchmarks.performance.wrk import CONNECTIONS

JSON = dict[str, Any]
USERS = "/api/v5/users"
VALIDATION = {"validation on": (), "validation off": ("--no-validate-responses",)}
NO_FAST_PATH = "no fast path"
"""The users list once more with validation on and ``--no-fast-path``: every repeated read through Connexion."""


@dataclasses.dataclass(frozen=True)
class Targets:
    """Real ids of a running mock's world to aim the workloads at."""

    task_id: str
    project_id: str
    project_tasks: int
    task_type_id: str
    organization: str
    dataset: str

    @property
    def task_filter(self) -> JSON:
        return {"project": self.project_id, "taskType": self.task_type_id}


def discover(server: MockServer) -> Targets:
    """The project with the most tasks (and its first task), and an active dataset (``l4_sample`` if any)."""
    with httpx.Client(base_url=server.url + "/api/v5", headers=server.admin_headers, timeout=120) as client:
        totals = {}
        for project in client.get("/projects").raise_for_status().json():
            answer = client.get(f"/projects/{project['id']}/tasks", params={"limit": 1, "includeTotalCount": "true"})
            totals[project["id"]] = int(answer.raise_for_status().headers["X-Total-Count"])
        biggest = max(totals, key=lambda project_id: totals[project_id])
        task = client.get(f"/projects/{biggest}/tasks", params={"limit": 1}).raise_for_status().json()[0]
        datasets = [d for d in client.get("/datasets").raise_for_status().json() if d.get("isActive")]
        dataset = next((d for d in datasets if d["name"] == "l4_sample"), datasets[0])
    return Targets(task["id"], biggest, totals[biggest], task["type"]["id"], dataset["owningOrganization"],
                   dataset["name"])


def mock_loads(targets: Targets) -> list[Load]:
    return [
        Load.get("users", USERS),
        Load.get("task", f"/api/v5/tasks/{targets.task_id}"),
        Load.json("tasks/list (filter)", "POST", "/api/v5/tasks/list", targets.task_filter),
        Load.get("project tasks (1000)",
                 f"/api/v5/projects/{targets.project_id}/tasks?limit=1000&includeTotalCount=true"),
        Load.write_mix("write mix", targets.organization, targets.dataset),
    ]


def mock(bench: Bench) -> JSON:
    rows: list[JSON] = []
    facts: JSON = {}
    for label, options in VALIDATION.items():
        with mock_server(bench.workdir, f"mock ({label})", *options) as server:
            bench.remember_users(server)
            targets = discover(server)
            facts[label] = {"startup_s": round(server.ready_seconds, 2), "targets": dataclasses.asdict(targets)}
            rows += [bench.measure(server, load, server.admin_headers) for load in mock_loads(targets)]
    with mock_server(bench.workdir, f"mock ({NO_FAST_PATH})", "--no-fast-path") as server:
        rows.append(bench.measure(server, Load.get("users", USERS), server.admin_headers))
    assert bench.users_body is not None
    facts["users_bytes"] = len(bench.users_body)
    size = facts["validation on"]["targets"]["project_tasks"]
    notes = [f"The default world's biggest project has {size} tasks, so `projects/{{id}}/tasks?limit=1000` answers "
             f"{min(size, 1000)} of them here; the `large` scenario pages 1,000 tasks.",
             "Repeated reads take the fast path (the warm-up made the first answers): the users list, the task and "
             "the project's tasks are answered before routing and validation; `POST /tasks/list` and the write mix "
             f"go through Connexion. `mock ({NO_FAST_PATH})` is the users list with `--no-fast-path`."]
    return {"title": "Our mock (`mockserver serve`, default recipe, seed 1)", "rows": rows, "facts": facts,
            "notes": notes}


def reference(bench: Bench, name: str, factory: str) -> JSON:
    env = {"BENCH_BODY_FILE": str(bench.users_file()), "BENCH_TOKEN": bench.token}
    headers = {"X-Auth-Token": bench.token}
    with uvicorn_server(bench.workdir, name, factory, USERS, headers, env) as server:
        row = bench.measure(server, Load.get("users", USERS), headers)
        body = httpx.get(server.url + USERS, headers=headers, timeout=30).content
    return {"title": name, "rows": [row], "facts": {"same_bytes": body == bench.users_body, "bytes": len(body)}}


def floor(bench: Bench) -> JSON:
    return reference(bench, "Connexion floor", "benchmarks.apps.connexion_floor:create_app")


def starlette(bench: Bench) -> JSON:
    return reference(bench, "bare Starlette", "benchmarks.apps.starlette_bare:create_app")


def peer(bench: Bench) -> JSON:
    title = "Stoplight Prism (static mock of the v5 spec)"
    try:
        binary = prism.install()
    except prism.PrismUnavailable as exc:
        return {"title": title, "skipped": str(exc)}
    users = bench.users_file().read_bytes()
    headers = {"X-Auth-Token": bench.token}
    rows: list[JSON] = []
    facts: JSON = {"version": prism.version(binary)}
    for spec in prism.SPECS:
        with prism.prism_server(bench.workdir, binary, spec, users, bench.token) as server:
            rows.append(bench.measure(server, Load.get(prism.LOADS[spec], prism.PATH), headers))
            body = httpx.get(server.url + prism.PATH, headers=headers, timeout=30).content
        facts[spec] = {"startup_s": round(server.ready_seconds, 2), "same_bytes": body == users, "bytes": len(body)}
    return {"title": title, "rows": rows, "facts": facts,
            "notes": [f"`{binary.name} mock -v error` (the installed `@stoplight/prism-cli`, what `npx` runs) on one "
                      "file bundled from the v5 spec (`SpecLoader.bundle`) whose users list example is the mock's "
                      f"own list. Prism drops the `/api/v5` base path, so it serves `{prism.PATH}`. The headline "
                      "ratio uses the whole v5 document (the mock serves all of it, five times); the one-route "
                      "document (only `GET /users` with its 200 response) shows how much of Prism's time goes "
                      "into the size of the document."]}


def startup(bench: Bench) -> JSON:
    runs = []
    for index in range(bench.startup_runs):
        with mock_server(bench.workdir, "mock (startup)") as server:
            runs.append({"run": index + 1, "seconds": round(server.ready_seconds, 3),
                         "rss_mib": round(server.rss_bytes() / MIB, 1)})
        print(f"  startup run {index + 1}: {runs[-1]['seconds']} s", flush=True)
    median = statistics.median(run["seconds"] for run in runs)
    return {"title": "Startup: `mockserver serve` (default recipe) to the first 200 on GET /api/v5/user",
            "runs": runs, "facts": {"median_s": round(median, 3), "runs": len(runs)}}


PACKS = ("webknossos", "cytomine", "idah", "labelstudio")


def all_packs(bench: Bench) -> JSON:
    """``mockserver serve --api all``: from spawning the process to the first 200 of each pack's admin API (its
    world built, its app mounted), median of the start-up runs."""
    runs = []
    for index in range(bench.startup_runs):
        ports = {name: free_port() for name in PACKS}
        command = [sys.executable, "-m", "mockserver", "serve", "--api", "all", "--host", "127.0.0.1", "--seed", "1",
                   "--ports", ",".join(f"{name}={port}" for name, port in ports.items()), "--log-level", "warning",
                   "--request-log-limit", "0"]
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            first = _first_200(ports, started)
        finally:
            process.terminate()
            process.wait(timeout=30)
        runs.append({"run": index + 1, **first, "all_s": max(first.values())})
        print(f"  --api all run {index + 1}: every pack answered after {runs[-1]['all_s']} s", flush=True)
    median = statistics.median(run["all_s"] for run in runs)
    return {"title": "Start-up of `mockserver serve --api all` to the first 200 on every pack", "runs": runs,
            "facts": {"median_s": round(median, 3), "runs": len(runs),
                      **{f"{name}_median_s": round(statistics.median(run[name] for run in runs), 3)
                         for name in PACKS}}}


def _first_200(ports: dict[str, int], started: float, timeout: float = 60) -> dict[str, float]:
    """Seconds from ``started`` to each pack's first 200 on ``/__admin/`` (the default seed's admin key)."""
    from mockserver.settings import derived_admin_key

    headers, seen = {"X-Admin-Key": derived_admin_key(1)}, {}
    with httpx.Client(timeout=2) as client:
        while len(seen) < len(ports) and time.perf_counter() - started < timeout:
            for name, port in ports.items():
                if name in seen:
                    continue
                try:
                    if client.get(f"http://127.0.0.1:{port}/__admin/", headers=headers).status_code == 200:
                        seen[name] = round(time.perf_counter() - started, 3)
                except httpx.HTTPError:
                    pass
            time.sleep(0.01)
    missing = sorted(set(ports) - set(seen))
    if missing:
        raise RuntimeError(f"--api all: no 200 from {', '.join(missing)} within {timeout:.0f} s")
    return seen


def seed_world(recipe: str) -> tuple[float, dict[str, int]]:
    """``mockserver seed --recipe …`` (build the world, do not serve it): wall seconds and the row counts."""
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "mockserver", "seed", "--seed", "1", "--recipe", recipe],
                               capture_output=True, text=True, cwd=ROOT, timeout=600, check=True)
    seconds = time.perf_counter() - started
    counts = {}
    for line in completed.stdout.splitlines()[1:]:
        name, _, number = line.strip().rpartition(" ")
        if name and number.isdigit():
            counts[name.strip()] = int(number)
    return seconds, counts


def large(bench: Bench) -> JSON:
    seed_seconds, counts = seed_world("large")
    print(f"  `mockserver seed --recipe large`: {seed_seconds:.1f} s, {counts.get('tasks', '?')} tasks", flush=True)
    rows = []
    with mock_server(bench.workdir, "mock (large recipe, no read cache)", "--no-read-cache",
                     recipe="large") as server:
        rss = round(server.rss_bytes() / MIB, 1)
        targets = discover(server)
        page = f"/api/v5/projects/{targets.project_id}/tasks?limit=1000"
        for connections in (1, CONNECTIONS):
            suffix = ", 1 connection" if connections == 1 else ""
            loads = [Load.get(f"project tasks (1000){suffix}", page, connections=connections),
                     Load.json(f"tasks/list (filter){suffix}", "POST", "/api/v5/tasks/list", targets.task_filter,
                               connections=connections)]
            rows += [bench.measure(server, load, server.admin_headers) for load in loads]
    world = {key: counts[key] for key in ("users", "projects", "tasks", "annotations") if key in counts}
    facts = {"startup_s": round(server.ready_seconds, 2), "rss_after_build_mib": rss,
             "seed_command_s": round(seed_seconds, 2), "world": world,
             "biggest_project_tasks": targets.project_tasks, "targets": dataclasses.asdict(targets)}
    return {"title": "`large` recipe", "rows": rows, "facts": facts,
            "notes": ["`startup_s` is `mockserver serve --recipe large` from spawn to the first 200 (the world build "
                      "plus interpreter start, imports and mounting five API versions); `seed_command_s` is "
                      "`mockserver seed --recipe large` (build only, no app), wall time of the whole process.",
                      "The server runs with `--no-read-cache`: every request queries the 100,000-task world and "
                      "builds its JSON anew (a repeated read is otherwise answered from the cache). The latency "
                      "targets use the rows with one connection (one request at a time); with 20 connections the "
                      "latencies include the wait behind the other 19."]}


def packs(bench: Bench) -> JSON:
    """``mockserver serve --api <pack>`` (default recipe) for each pack but WEBKNOSSOS: its main list and write."""
    rows: list[JSON] = []
    facts: JSON = {}
    for pack, workloads in PACK_WORKLOADS.items():
        with pack_server(bench.workdir, pack) as server:
            aimed = workloads(server)
            facts[pack] = {"startup_s": round(server.ready_seconds, 2), **aimed.facts}
            rows += [bench.measure(server, load, aimed.headers) for load in aimed.loads]
    notes = ["Label Studio: a page of 100 tasks (`GET /api/tasks`, done tasks with their completions) and the import "
             "of one task (no auth: the pack's default). Cytomine: the annotations of the image that has the most, "
             "each with its WKT, and the creation of a square polygon on it (the admin's bearer token). IDAH: a page "
             "of entries with `included[]=dataset` and the creation of an entry (a new `resource` each time, "
             "`lua/unique_post.lua`) in the first dataset (the admin's bearer token).",
             "Every write adds to the world, so the reads of the list afterwards see a bigger world; the list runs "
             "first. Repeated reads take the fast path (the warm-up made the first answer)."]
    return {"title": "Each pack's main list and main write (`serve --api <pack>`, default recipe, seed 1)",
            "rows": rows, "facts": facts, "notes": notes}


LARGE_PACKS = ("cytomine", "idah")
"""The packs with a ``large`` recipe of at least 100,000 main records (Label Studio's has 2,000 tasks)."""
LARGE_PAGE = "page (1000), 1 connection"


def packs_large(bench: Bench) -> JSON:
    """Each pack's ``large`` recipe with ``--no-read-cache``: start-up to the first 200 (the build), RSS after it,
    a page of 1,000 of its main list with one connection."""
    rows: list[JSON] = []
    facts: JSON = {}
    for pack in LARGE_PACKS:
        with pack_server(bench.workdir, pack, "--no-read-cache", recipe="large") as server:
            rss = round(server.rss_bytes() / MIB, 1)
            aimed = PACK_WORKLOADS[pack](server, page=1000)
            facts[pack] = {"startup_s": round(server.ready_seconds, 2), "rss_after_build_mib": rss, **aimed.facts}
            page = dataclasses.replace(aimed.loads[0], name=LARGE_PAGE, connections=1)
            rows.append(bench.measure(server, page, aimed.headers))
    notes = ["`startup_s`: `mockserver serve --api <pack> --recipe large` from spawn to the first 200 on `/__admin/` "
             "(interpreter, imports, the world build, mounting); RSS right after. Cytomine's `large`: 100,000 "
             "annotations on 50 images (the page: 1,000 of one image's 2,000, each with its WKT); IDAH's: 100,000 "
             "entries in one dataset (the page: 1,000 with `included[]=dataset`). `--no-read-cache`: every "
             "request builds its answer anew; one connection, so the latency is the server's own."]
    return {"title": "Each pack's `large` recipe (`serve --api <pack> --recipe large --no-read-cache`)",
            "rows": rows, "facts": facts, "notes": notes}


def has_workers_option() -> bool:
    completed = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--help"], capture_output=True,
                               text=True, cwd=ROOT, timeout=120, check=False)
    return "--workers" in completed.stdout


def workers(bench: Bench) -> JSON:
    title = "`--workers N` with a shared `--state` file"
    if not has_workers_option():
        return {"title": title, "skipped": "`mockserver serve` has no `--workers` option yet"}
    rows: list[JSON] = []
    facts: JSON = {}
    for count in (1, 2):
        state = bench.workdir / f"state-{count}.sqlite"
        options = ("--workers", str(count), "--state", str(state))
        label = f"{count} worker{'s' if count > 1 else ''}"
        with mock_server(bench.workdir, f"mock ({label})", *options) as server:
            rows.append(bench.measure(server, Load.get("users", USERS), server.admin_headers))
            facts[label] = cross_worker_reads(server.url, server.admin_headers, discover(server))
    notes = ["Consistency: one explorational renamed 10 times through the pool; after each rename 10 reads of its "
             "info, each on a new TCP connection, must show the new name (the kernel hands a new connection to "
             "whichever worker accepts first; which worker answered is not visible to the client).",
             f"wrk runs on the same {os.cpu_count()} cores as the workers, so a second worker can only use what wrk "
             "and the first worker leave free; peak RSS sums every worker and the parent."]
    return {"title": title, "rows": rows, "facts": facts, "notes": notes}


def proxied(bench: Bench) -> JSON:
    """``GET /api/v5/users`` of the mock direct and through ``mockserver proxy`` (its spec check on every answer)."""
    load = Load.get("users", USERS)
    with mock_server(bench.workdir, "mock (direct)") as server:
        bench.remember_users(server)
        headers = server.admin_headers
        direct = bench.measure(server, load, headers)
        port = free_port()
        command = [sys.executable, "-m", "mockserver", "proxy", server.url, "--api", "webknossos", "--port", str(port),
                   "--report-dir", str(bench.workdir / "proxy-report")]
        with ServerProcess("mock through mockserver proxy", command, port, "/api/v5/user",
                           bench.workdir / "proxy.log", headers=headers) as proxy:
            through = bench.measure(proxy, load, headers)
    added = None if direct["p50_ms"] is None or through["p50_ms"] is None else round(
        through["p50_ms"] - direct["p50_ms"], 3)
    facts = {"added_p50_ms": added,
             "throughput_ratio": round(through["requests_per_s"] / direct["requests_per_s"], 3)
             if direct["requests_per_s"] else None}
    return {"title": "mockserver proxy in front of the mock", "rows": [direct, through], "facts": facts,
            "notes": ["The proxy forwards each request over one pooled HTTP/1.1 client and checks every answer "
                      "against the v5 spec (schemathesis' response validation) after passing it on; both rows "
                      "use the same mock process, the second through the proxy."]}


SCENARIOS: dict[str, Callable[[Bench], JSON]] = {
    "mock": mock,
    "floor": floor,
    "starlette": starlette,
    "prism": peer,
    "startup": startup,
    "all-packs": all_packs,
    "large": large,
    "packs": packs,
    "packs-large": packs_large,
    "workers": workers,
    "proxy": proxied,
}
