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
from pathlib import Path
from typing import Any

import httpx

from benchmarks.performance import growth as growth_recipes
from benchmarks.performance import peers, prism
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
UNCACHED = "uncached"
"""The users list with validation on and ``--no-read-cache`` (which turns the fast path off too, ``backend.py``):
every read through Connexion, the handler and the store, its answer built and validated anew."""


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
    with mock_server(bench.workdir, f"mock ({UNCACHED})", "--no-read-cache", "--no-fast-path") as server:
        rows.append(bench.measure(server, Load.get("users", USERS), server.admin_headers))
    assert bench.users_body is not None
    facts["users_bytes"] = len(bench.users_body)
    size = facts["validation on"]["targets"]["project_tasks"]
    notes = [f"The default world's biggest project has {size} tasks, so `projects/{{id}}/tasks?limit=1000` answers "
             f"{min(size, 1000)} of them here; the `large` scenario pages 1,000 tasks.",
             "Repeated reads take the fast path (the warm-up made the first answers): the users list, the task and "
             "the project's tasks are answered before routing and validation; `POST /tasks/list` and the write mix "
             f"go through Connexion. `mock ({NO_FAST_PATH})` is the users list with `--no-fast-path` (the read cache "
             f"still answers the handler); `mock ({UNCACHED})` with `--no-read-cache --no-fast-path` (the list read "
             "from the store, serialized and validated on every request)."]
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
    bench.notes.append(f"Peer settings, {title}: `prism mock -v error` (request logging off; Node as under "
                       "Machine), the whole v5 document and a one-route one, the same wrk settings as every server.")
    return {"title": title, "rows": rows, "facts": facts,
            "notes": [f"`{binary.name} mock -v error` (the installed `@stoplight/prism-cli`, what `npx` runs) on one "
                      "file bundled from the v5 spec (`SpecLoader.bundle`) whose users list example is the mock's "
                      f"own list. Prism drops the `/api/v5` base path, so it serves `{prism.PATH}`. The headline "
                      "ratio uses the whole v5 document (the mock serves all of it, five times); the one-route "
                      "document (only `GET /users` with its 200 response) shows how much of Prism's time goes "
                      "into the size of the document."]}


def _static_peer(bench: Bench, title: str, server: ServerProcess, facts: JSON, notes: list[str],
                 extra_warmup: float = 0.0) -> JSON:
    """Measure one peer serving the users list's bytes at ``peers.PATH``; facts: start-up, same bytes."""
    headers = {"X-Auth-Token": bench.token}
    users = bench.users_file().read_bytes()
    with server:
        load = Load.get("users", peers.PATH)
        if extra_warmup:
            load.run(server.url, extra_warmup, headers)
        rows = [bench.measure(server, load, headers)]
        body = httpx.get(server.url + peers.PATH, headers=headers, timeout=30).content
    facts = {**facts, "startup_s": round(server.ready_seconds, 2), "same_bytes": body == users, "bytes": len(body)}
    bench.notes.append(f"Peer settings, {title}: {notes[0]}")
    return {"title": title, "rows": rows, "facts": facts, "notes": notes}


def wiremock(bench: Bench) -> JSON:
    title = "WireMock 3 (static stub of the users list)"
    try:
        java, jar = peers.install_wiremock()
    except peers.PeerUnavailable as exc:
        return {"title": title, "skipped": str(exc)}
    users = bench.users_file().read_bytes()
    server = peers.wiremock_server(bench.workdir, java, jar, users, bench.token)
    extra = peers.jvm_warmup(bench.warmup) - bench.warmup
    notes = [f"`java -jar {jar.name}` (from the npm package `wiremock`, started directly so that stopping it stops "
             f"the JVM) with `{' '.join(peers.WIREMOCK_OPTIONS)}`: no request journal (it grows without bound "
             f"otherwise), no request logging, {peers.WIREMOCK_THREADS} Jetty container threads, JVM defaults. One "
             "mapping, `GET /api/v5/users` → the mock's users list as an inline `body` (held in memory; nothing else "
             f"matched, the token is not checked). The JIT gets {peers.jvm_warmup(bench.warmup):g} s of warm-up "
             f"({peers.JVM_WARMUP_FACTOR}x the usual, at least {peers.JVM_WARMUP_MIN_S:g} s)."]
    return _static_peer(bench, title, server, {"version": jar.stem.removeprefix("wiremock-standalone-"),
                                               "java": peers.java_version(java)}, notes, extra)


def mockoon(bench: Bench) -> JSON:
    title = "Mockoon CLI (static route of the users list)"
    try:
        binary = peers.install_mockoon()
    except peers.PeerUnavailable as exc:
        return {"title": title, "skipped": str(exc)}
    users = bench.users_file().read_bytes()
    server = peers.mockoon_server(bench.workdir, binary, users, bench.token)
    notes = [f"`mockoon-cli start` with `{' '.join(peers.MOCKOON_OPTIONS)}` on a data file of one route, "
             "`GET api/v5/users`, whose inline body is the mock's users list with templating off "
             "(`disableTemplating`), no CORS headers, no rules (the token is not checked). Mockoon still logs one "
             "line per transaction to stdout (no option turns that off); it goes to a file."]
    return _static_peer(bench, title, server, {"version": peers.npm_version(peers.MOCKOON_CACHE, "@mockoon/cli")},
                        notes)


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
        if not bench.measures(pack):
            continue
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


LARGE_PACKS = ("webknossos", "labelstudio", "cytomine", "idah")
"""Every pack's ``large`` recipe (the target: at least 100,000 main records each; ``main_records`` says how many
the recipe has)."""
LARGE_PAGE = "page (1000), 1 connection"


def packs_large(bench: Bench) -> JSON:
    """Each pack's ``large`` recipe with ``--no-read-cache``: start-up to the first 200 (the build), RSS after it,
    a page of 1,000 of its main list with one connection."""
    rows: list[JSON] = []
    facts: JSON = {}
    for pack in LARGE_PACKS:
        if not bench.measures(pack):
            continue
        records = growth_recipes.main_count(pack, growth_recipes.large_recipe(pack))
        if pack == "webknossos":
            with mock_server(bench.workdir, "webknossos (large recipe, --no-read-cache)", "--no-read-cache",
                             recipe="large") as server:
                rss = round(server.rss_bytes() / MIB, 1)
                targets = discover(server)
                page = Load.get(LARGE_PAGE, f"/api/v5/projects/{targets.project_id}/tasks?limit=1000", connections=1)
                rows.append(bench.measure(server, page, server.admin_headers))
                aimed_facts: JSON = {"project": targets.project_id, "project_tasks": targets.project_tasks}
        else:
            with pack_server(bench.workdir, pack, "--no-read-cache", recipe="large") as server:
                rss = round(server.rss_bytes() / MIB, 1)
                aimed = PACK_WORKLOADS[pack](server, page=1000)
                page = dataclasses.replace(aimed.loads[0], name=LARGE_PAGE, connections=1)
                rows.append(bench.measure(server, page, aimed.headers))
                aimed_facts = dict(aimed.facts)
        facts[pack] = {"main_records": records, "startup_s": round(server.ready_seconds, 2),
                       "rss_after_build_mib": rss, **aimed_facts}
    notes = ["`startup_s`: `mockserver serve --api <pack> --recipe large` from spawn to the first 200 (`/__admin/`; "
             "WEBKNOSSOS: `GET /api/v5/user`) (interpreter, imports, the world build, mounting); RSS right after; "
             "`main_records`: the main records the `large` recipe asks for (WEBKNOSSOS and Label Studio tasks, "
             "Cytomine annotations, IDAH entries). The pages: WEBKNOSSOS 1,000 of the biggest project's tasks "
             "(1,500), Label Studio `GET /api/tasks?page_size=1000`, Cytomine 1,000 of one image's 2,000 "
             "annotations, each with its WKT, IDAH 1,000 entries with `included[]=dataset`. `--no-read-cache` "
             "(which turns the fast path off too): every request builds its answer anew; one connection, so the "
             "latency is the server's own."]
    return {"title": "Each pack's `large` recipe (`serve --api <pack> --recipe large --no-read-cache`)",
            "rows": rows, "facts": facts, "notes": notes}


UNCACHED_OPTIONS = ("--no-read-cache", "--no-fast-path")
"""``--no-read-cache`` alone turns the fast path off as well (``Backend.answers``); both are passed to say so."""


def growth(bench: Bench) -> JSON:
    """Each pack's ``large`` recipe at 1k, 10k and 100k main records (``growth.derive_recipe``, by path), uncached,
    one connection: p50 of a page of 100 of the main list and of the main write."""
    rows: list[JSON] = []
    facts: JSON = {}
    directory = bench.workdir / "growth-recipes"
    for pack, record in growth_recipes.MAIN_RECORD.items():
        if not bench.measures(pack):
            continue
        facts[pack] = {}
        for count in growth_recipes.SIZES:
            path = growth_recipes.write_recipe(directory, pack, count)
            name = f"{pack} ({count:,} {record})"
            measured = _growth_pack(bench, pack, path, name)
            facts[pack][str(count)] = {"startup_s": measured["startup_s"], **measured["facts"]}
            for op, row in zip(growth_recipes.OPS, measured["rows"], strict=True):
                rows.append({**row, "pack": pack, "op": op, "records": count})
    records = ", ".join(f"{pack}: {record}" for pack, record in growth_recipes.MAIN_RECORD.items())
    notes = [f"Each pack's `large` recipe with its main record count changed ({records}), "
             "written to the run's scratch folder and served by path (`--recipe /…/<pack>-<count>.yaml`) with "
             f"`{' '.join(UNCACHED_OPTIONS)}`, one connection: the p50 is the server's own time. Flat: the p50 at "
             f"{growth_recipes.SIZES[-1]:,} at most {growth_recipes.FLAT_FACTOR:g}x the p50 at "
             f"{growth_recipes.SIZES[0]:,}.",
             "Lists: WEBKNOSSOS `projects/{id}/tasks?limit=100` of the project with the most tasks; Label Studio "
             "`GET /api/tasks` page of 100; Cytomine the annotations of the image with the most, `max=100` (the "
             "images scale with the annotations, 2,000 each as in `large`, so the page stays full); IDAH entries, "
             "page of 100. Writes: WEBKNOSSOS the `mock` scenario's write mix (its p50 over the four kinds of "
             "request), the others their `packs` write.",
             "Other counts stay those of `large` (WEBKNOSSOS: 2 organizations, 1,000 users each, their "
             "explorationals; tasks in projects of 500 plus one of 1,500 once there is room).",
             "An operation that answers no request within the measured run (slower than `--duration`) has no p50 "
             "(–) and its growth is not measured; the write rows add records, so a slow write is measured on a "
             "world that grew by what it wrote."]
    return {"title": "Growth: each pack at 1k, 10k and 100k main records (uncached, one connection)",
            "rows": rows, "facts": facts, "notes": notes}


def _growth_pack(bench: Bench, pack: str, recipe: Path, name: str) -> JSON:
    """Start ``pack`` on ``recipe`` uncached; measure its list (page of 100) and its write with one connection."""
    if pack == "webknossos":
        with mock_server(bench.workdir, name, *UNCACHED_OPTIONS, recipe=str(recipe)) as server:
            targets = discover(server)
            loads = [Load.get("list", f"/api/v5/projects/{targets.project_id}/tasks?limit=100", connections=1),
                     Load.write_mix("write", targets.organization, targets.dataset, connections=1)]
            rows = [bench.measure(server, load, server.admin_headers) for load in loads]
            facts: JSON = {"project_tasks": targets.project_tasks}
    else:
        with pack_server(bench.workdir, pack, *UNCACHED_OPTIONS, recipe=str(recipe)) as server:
            server.name = name
            aimed = PACK_WORKLOADS[pack](server, page=100)
            rows = [bench.measure(server, dataclasses.replace(load, connections=1), aimed.headers)
                    for load in aimed.loads]
            facts = dict(aimed.facts)
    return {"rows": rows, "facts": facts, "startup_s": round(server.ready_seconds, 2)}


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
    "wiremock": wiremock,
    "mockoon": mockoon,
    "startup": startup,
    "all-packs": all_packs,
    "large": large,
    "packs": packs,
    "packs-large": packs_large,
    "growth": growth,
    "workers": workers,
    "proxy": proxied,
}
