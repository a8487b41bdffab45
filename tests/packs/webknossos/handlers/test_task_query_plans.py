"""The task lists read ``tasks`` and ``annotations`` through indexes, never by a scan (EXPLAIN QUERY PLAN).

The statements are the ones the handlers really run, captured with SQLite's trace callback (which
passes them with their values filled in). SQLite plans without statistics here (no ANALYZE), so the
plans do not depend on the size of the world: the default world shows the plans of the `large` one.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.store import Store

SCAN = re.compile(r"^SCAN (\w+)")


@pytest.fixture(scope="module")
def traced() -> Iterator[tuple[TestClient, sqlite3.Connection, Store]]:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    store = Store(connection, SCHEMA)
    store.create_schema()
    app = create_app(Settings(seed=1, recipe="default", request_log_limit=0, cache_reads=False), store=store)
    with app.test_client() as client:
        yield client, connection, store
    store.close()


def token(store: Store, role: str) -> str:
    users = store.select(r.User, order="created, id", limit=3)
    return users[("admin", "manager", "user").index(role)].token


def plans(traced: Any, role: str, method: str, url: str, body: Any = None) -> dict[str, list[str]]:
    """Plan lines of every read of tasks or annotations the request runs."""
    client, connection, store = traced
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    try:
        response = client.request(method, url, json=body, headers={"X-Auth-Token": token(store, role)})
    finally:
        connection.set_trace_callback(None)
    assert response.status_code == 200, response.text
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")
             and re.search(r"\b(tasks|annotations)\b", s)]
    assert reads
    return {s: [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + s)] for s in reads}


def scans(found: dict[str, list[str]]) -> list[str]:
    """Plan lines that scan tasks or annotations (under their name or an alias)."""
    bad = []
    for statement, lines in found.items():
        names = {"tasks", "annotations"} | set(re.findall(r"\b(?:tasks|annotations)\s+(?:AS\s+)?([a-z]\w*)\b",
                                                          statement))
        names -= {"where", "join", "on", "order", "group", "limit", "left", "inner"}
        bad += [f"{line}  ←  {statement}" for line in lines if (m := SCAN.match(line)) and m.group(1) in names]
    return bad


def first_project(store: Store) -> r.Project:
    """The first project: its team is the first one, where the admin is a member and the manager manages."""
    return store.select(r.Project, order="created, id", limit=1)[0]


def test_project_task_page_uses_the_project_index_in_task_order(traced: Any) -> None:
    found = plans(traced, "admin", "GET",
                  f"/api/v5/projects/{first_project(traced[2]).id}/tasks?limit=1000&includeTotalCount=true")
    assert scans(found) == []
    page = next(lines for s, lines in found.items() if "ORDER BY created, id" in s)
    assert page == ["SEARCH tasks USING INDEX ix_tasks_project_created (project_id=?)"]  # no sort for ORDER BY
    counts = [lines for s, lines in found.items() if s.startswith(("SELECT COUNT", "SELECT SUM"))]
    assert counts and all("COVERING INDEX" in line for lines in counts for line in lines)


@pytest.mark.parametrize("role", ["admin", "manager"])
@pytest.mark.parametrize("filters", ["project", "taskType", "user", "ids", "project+taskType", "all"])
def test_task_list_filters_use_indexes(traced: Any, role: str, filters: str) -> None:
    store = traced[2]
    project = first_project(store)
    task = store.one(r.Task, "project_id = ?", (project.id,))
    assignee = store.one(r.Annotation, "task_id = ? AND typ = 'Task'", (task.id,)) if task else None
    assert task is not None and assignee is not None
    every = {"project": project.id, "taskType": task.task_type_id, "user": assignee.user_id, "ids": [task.id]}
    wanted = list(every) if filters == "all" else filters.split("+")
    found = plans(traced, role, "POST", "/api/v5/tasks/list", {k: every[k] for k in wanted})
    assert scans(found) == []
