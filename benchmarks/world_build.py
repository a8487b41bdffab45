"""Build time and memory of a recipe's world, and the latency of its task lists (issue 9, recipe `large`).

    python -m benchmarks.world_build [--recipe large] [--rounds 3] [--requests 200]

Writes ``benchmarks/results/world_build.md`` (``world_build-<recipe>.md`` for other recipes) with:

- the build in a fresh process (``build_world`` into a fresh in-memory ``Store``): seconds, RSS after the
  build and after ``mark_initial`` (the snapshot ``reset()`` returns to), peak RSS (VmHWM);
- ``mockserver serve --recipe …``: start to the first 200 and RSS, then p50/p95 of ``--requests``
  sequential requests per task list on one keep-alive connection: as started (read cache and response
  validation on; a repeated request is a cache hit), without the read cache, and without both;
- where the time of one uncached 1000-task page goes, in process: SQL, rows → records, views, JSON;
- the query plan of every statement the task lists run (captured with SQLite's trace callback).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from benchmarks.report import write_report

SERVER_CONFIGS = {
    "as started (read cache, validation)": [],
    "no read cache": ["--no-read-cache"],
    "no read cache, no validation": ["--no-read-cache", "--no-validate-responses"],
}


def memory() -> dict[str, int]:
    """VmRSS and VmHWM of this process in MiB."""
    return status_mib(os.getpid())


def status_mib(pid: int) -> dict[str, int]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {key: int(value) // 1024 for key, value in re.findall(r"(VmRSS|VmHWM):\s+(\d+) kB", text)}


def child_build(recipe_name: str) -> dict[str, Any]:
    """Runs in a fresh process: build the world, report time, memory and counts."""
    from mockserver.packs.webknossos import records as r
    from mockserver.packs.webknossos.records import SCHEMA
    from mockserver.packs.webknossos.world import Recipe, build_world
    from mockserver.store import Store

    recipe = Recipe.load(recipe_name)
    before = memory()
    started, cpu = time.perf_counter(), time.process_time()
    store = Store.open(SCHEMA)
    build_world(store, 1, recipe, "http://127.0.0.1:9000")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    built = memory()
    store.mark_initial()
    counts = {cls.table: store.count(cls) for cls in (r.User, r.Project, r.Task, r.Annotation, r.Tracing)}
    return {"seconds": seconds, "cpu": cpu, "before": before, "built": built, "initial": memory(),
            "snapshot_bytes": len(store.snapshot()), "counts": counts}


def builds(recipe: str, rounds: int) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "benchmarks.world_build", "--child-build", "--recipe", recipe]
    return [json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            for _ in range(rounds)]


# in process: query plans and the cost of one page ------------------------------------------------

def fixtures(connection: sqlite3.Connection) -> dict[str, Any]:
    """Ids for the requests: the biggest project, its task type, a user with task annotations, 20 task ids."""
    def one(sql: str, *params: Any) -> Any:
        return connection.execute(sql, params).fetchone()[0]

    project = one("SELECT project_id FROM tasks GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
    organization = one("SELECT organization_id FROM projects WHERE id = ?", project)
    return {
        "project": project,
        "task_type": one("SELECT task_type_id FROM tasks WHERE project_id = ?", project),
        "other_project": one("SELECT p.id FROM projects p JOIN tasks t ON t.project_id = p.id WHERE "
                             "p.organization_id = ? AND p.id != ? GROUP BY 1 ORDER BY COUNT(*), 1 DESC LIMIT 1",
                             organization, project),
        "user": one("SELECT a.user_id FROM annotations a JOIN tasks t ON t.id = a.task_id JOIN projects p ON "
                    "p.id = t.project_id WHERE p.organization_id = ? AND a.typ = 'Task' GROUP BY 1 "
                    "ORDER BY COUNT(*) DESC, 1 LIMIT 1", organization),
        "ids": [row[0] for row in connection.execute("SELECT id FROM tasks WHERE project_id = ? ORDER BY id "
                                                     "LIMIT 20", (project,))],
        "projects": [row[0] for row in connection.execute("SELECT id FROM projects WHERE organization_id = ? "
                                                          "ORDER BY id", (organization,))],
    }


Request = tuple[str, str, Any]


def routes(ids: dict[str, Any]) -> dict[str, list[Request]]:
    """Requests per route; a route with several cycles through them (no body repeats within 32 MB)."""
    page = f"/api/v5/projects/{ids['project']}/tasks?limit=1000"
    tasks_list = "/api/v5/tasks/list"
    return {
        "GET /projects/{id}/tasks?limit=1000": [("GET", page, None)],
        "GET … &includeTotalCount=true": [("GET", page + "&includeTotalCount=true", None)],
        "GET … &pageNumber=1 (last 500)": [("GET", page + "&pageNumber=1", None)],
        "GET /projects/{id}/tasks?limit=1000, cycling over the projects (500 each)": [
            ("GET", f"/api/v5/projects/{p}/tasks?limit=1000", None) for p in ids["projects"]],
        "POST /tasks/list {project} (500 tasks)": [("POST", tasks_list, {"project": ids["other_project"]})],
        "POST /tasks/list {project}, cycling over the projects (500 each)": [
            ("POST", tasks_list, {"project": p}) for p in ids["projects"]],
        "POST /tasks/list {taskType} (1000)": [("POST", tasks_list, {"taskType": ids["task_type"]})],
        "POST /tasks/list {project, taskType} (1000)": [
            ("POST", tasks_list, {"project": ids["project"], "taskType": ids["task_type"]})],
        "POST /tasks/list {user}": [("POST", tasks_list, {"user": ids["user"]})],
        "POST /tasks/list {ids} (20)": [("POST", tasks_list, {"ids": ids["ids"]})],
    }


@contextmanager
def traced(connection: sqlite3.Connection) -> Iterator[list[str]]:
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    try:
        yield statements
    finally:
        connection.set_trace_callback(None)


def plans(connection: sqlite3.Connection, statements: list[str]) -> dict[str, str]:
    """Query plan per statement shape (literals replaced by ``?``) of the reads of tasks or annotations."""
    found: dict[str, str] = {}
    for statement in statements:
        if not statement.lstrip().upper().startswith("SELECT") or not re.search(r"\b(tasks|annotations)\b",
                                                                               statement):
            continue
        shape = re.sub(r"\?(, \?)+", "?, …", re.sub(r"'[^']*'|\b\d+\b", "?", statement))
        shape = re.sub(r"^SELECT id, project_id, .*? FROM", "SELECT * FROM", shape)
        if shape not in found:
            rows = connection.execute("EXPLAIN QUERY PLAN " + statement).fetchall()
            found[shape] = " · ".join(row[3] for row in rows)
    return found


def timed(function: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def in_process(recipe: str) -> tuple[dict[str, Any], dict[str, str], list[tuple[str, float]]]:
    """Ids, query plans and the phases of one 1000-task page, on an app of our own connection."""
    import orjson

    from mockserver import Settings, create_app
    from mockserver.packs.webknossos import records as r
    from mockserver.packs.webknossos.records import SCHEMA
    from mockserver.packs.webknossos.views import tasks as task_views
    from mockserver.store import Store

    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    store = Store(connection, SCHEMA)
    store.create_schema()
    app = create_app(Settings(recipe=recipe, request_log_limit=0, cache_reads=False), store=store)
    ids = fixtures(connection)
    token = app.backend.world.known_users[0].token
    captured: dict[str, str] = {}
    with app.test_client() as client:
        for method, url, body in (requests[0] for requests in routes(ids).values()):
            with traced(connection) as statements:
                response = client.request(method, url, json=body, headers={"X-Auth-Token": token})
            assert response.status_code == 200, response.text[:300]
            captured.update(plans(connection, statements))
        page = client.get(routes(ids)["GET /projects/{id}/tasks?limit=1000"][0][1], headers={"X-Auth-Token": token})
    where, params = "project_id = ?", (ids["project"],)
    columns = ", ".join(field.name for field in dataclasses.fields(r.Task))
    tasks = store.select(r.Task, where, params, order="created, id", limit=1000)
    data = task_views.tasks(store, tasks)
    body = orjson.dumps(data)
    assert orjson.loads(page.content) == data
    phases = [
        ("SQL: fetch the 1000 rows", timed(lambda: connection.execute(
            f"SELECT {columns} FROM tasks WHERE {where} ORDER BY created, id LIMIT 1000", params).fetchall(), 50)),
        ("`Store.select`: rows → `Task` records (incl. the SQL)", timed(lambda: store.select(
            r.Task, where, params, order="created, id", limit=1000), 50)),
        ("`views.tasks.tasks` of the 1000 (store memo warm)", timed(lambda: task_views.tasks(store, tasks), 50)),
        ("  of which `annotation_stats` (one grouped query for the 1000)",
         timed(lambda: task_views.annotation_stats(store, [t.id for t in tasks]), 50)),
        ("`orjson.dumps` of the list", timed(lambda: orjson.dumps(data), 50)),
        ("`orjson.loads` of the body (response validation parses a body it has not seen before)",
         timed(lambda: orjson.loads(body), 50)),
        ("jsonschema-rs validation of the parsed list (compiled once; a body not seen before)",
         timed(lambda: list(page_validator().iter_errors(data)), 50)),
        ("`gc.collect()` (a full collection, when one falls into a request)", timed(gc.collect, 5)),
    ]
    store.close()
    return ids, captured, phases


@cache
def page_validator() -> Any:
    """The compiled validator of the v5 ``GET /projects/{id}/tasks`` 200 body, as ``response_validation`` builds it."""
    import jsonschema_rs

    from mockserver.response_validation import to_json_schema
    from mockserver.specs import SpecLoader, spec_path

    document = SpecLoader().bundle(spec_path("webknossos", "v5"))
    content = document["paths"]["/projects/{id}/tasks"]["get"]["responses"]["200"]["content"]
    components = {section: {name: to_json_schema(schema) for name, schema in schemas.items()}
                  for section, schemas in document["components"].items()}
    return jsonschema_rs.validator_for(
        {"components": components, **to_json_schema(content["application/json"]["schema"])})


# a real server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(recipe: str, flags: list[str], ids: dict[str, Any], requests: int) -> dict[str, Any]:
    import httpx

    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--recipe", recipe, "--port", str(port),
                                "--request-log-limit", "0", *flags],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        token = admin_token(process)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, headers={"X-Auth-Token": token}, timeout=60) as client:
            while True:
                try:
                    if client.get("/api/v5/buildinfo").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.02)
            startup = time.perf_counter() - started
            at_start = status_mib(process.pid)
            latencies = {name: sample(client, variants, requests) for name, variants in routes(ids).items()}
        return {"startup": startup, "at_start": at_start, "after": status_mib(process.pid), "latencies": latencies}
    finally:
        process.terminate()
        process.wait(30)


def admin_token(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        found = re.match(r"\s+admin\s+\S+\s+(\S+)", line)
        if found:
            return found.group(1)
    raise RuntimeError("the server ended before printing its tokens")


def sample(client: Any, variants: list[Request], requests: int) -> tuple[float, float, int]:
    """p50, p95 in ms and the number of items of the (last) answer."""
    samples = []
    for index in range(requests + 10):
        method, url, body = variants[index % len(variants)]
        started = time.perf_counter()
        response = client.request(method, url, json=body)
        if index >= 10:
            samples.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, response.text[:300]
    ordered = sorted(samples)
    return statistics.median(samples), ordered[int(len(ordered) * 0.95) - 1], len(response.json())


# report ----------------------------------------------------------------------------------------

def report(recipe: str, args: argparse.Namespace, built: list[dict[str, Any]], plans_: dict[str, str],
           phases: list[tuple[str, float]], served: dict[str, dict[str, Any]]) -> str:
    best = min(built, key=lambda b: b["seconds"])
    lines = [
        f"# World build and task lists, recipe `{recipe}`",
        "",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; `python -m benchmarks.world_build "
        f"--recipe {recipe} --rounds {args.rounds} --requests {args.requests}`.",
        "",
        "## Build (fresh process, seed 1)",
        "",
        "Counts: " + ", ".join(f"{n:,} {t}" for t, n in best["counts"].items()) + ".",
        "",
        "| round | build s | of it CPU s | RSS after build MiB | RSS after `mark_initial` MiB | peak RSS MiB "
        "| snapshot MiB |",
        "|---|---|---|---|---|---|---|",
    ]
    for index, b in enumerate(built, 1):
        lines.append(f"| {index} | {b['seconds']:.2f} | {b['cpu']:.2f} | {b['built']['VmRSS']} | "
                     f"{b['initial']['VmRSS']} | {b['initial']['VmHWM']} | {b['snapshot_bytes'] / 2**20:.0f} |")
    lines += ["", f"Median build {statistics.median(b['seconds'] for b in built):.2f} s.", "",
              "## `mockserver serve`", "",
              "| server | start to first 200 s | RSS at start MiB | peak RSS MiB | RSS after the requests MiB |",
              "|---|---|---|---|---|"]
    for name, s in served.items():
        lines.append(f"| {name} | {s['startup']:.2f} | {s['at_start']['VmRSS']} | {s['after']['VmHWM']} | "
                     f"{s['after']['VmRSS']} |")
    names = list(next(iter(served.values()))["latencies"])
    lines += ["", f"Sequential requests ({args.requests} after 10 warm-up ones, one keep-alive connection, admin), "
              "p50 / p95 ms:", "",
              "| route | items | " + " | ".join(served) + " |",
              "|---|---|" + "---|" * len(served)]
    for name in names:
        cells = [f"{s['latencies'][name][0]:.1f} / {s['latencies'][name][1]:.1f}" for s in served.values()]
        lines.append(f"| {name} | {next(iter(served.values()))['latencies'][name][2]} | " + " | ".join(cells) + " |")
    lines += ["", "As started, a repeated request is answered from the read cache. The cycling rows never repeat "
              "a body within the response validator's memory of accepted bodies, so without the read cache they "
              "pay the whole build and validation of each page.",
              "", "## One uncached 1000-task page, in process (median ms)", "", "| phase | ms |", "|---|---|"]
    lines += [f"| {name} | {ms:.2f} |" for name, ms in phases]
    lines += ["", "## Query plans of the task lists (reads of `tasks` / `annotations`)", "",
              "| statement | plan |", "|---|---|"]
    lines += [f"| `{shape}` | {plan} |" for shape, plan in plans_.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--recipe", default="large")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    if args.child_build:
        sys.stdout.write(json.dumps(child_build(args.recipe)))
        return 0
    built = builds(args.recipe, args.rounds)
    ids, plans_, phases = in_process(args.recipe)
    gc.collect()
    served = {name: serve(args.recipe, flags, ids, args.requests) for name, flags in SERVER_CONFIGS.items()}
    text = report(args.recipe, args, built, plans_, phases, served)
    write_report(text, "world_build", args.recipe, default_recipe="large")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
