"""Hostile input on every route class gets a quick 4xx in the API's format; the server keeps serving."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from tests.packs.webknossos.reliability.conftest import Live
from tests.test_serve import Served

LIMIT_MIB = 16
SQL = "x' OR '1'='1'; DROP TABLE users; --"
BIG = 10**30


def assert_api_error(response: Any, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    if response.status_code == 401:
        assert response.headers["content-type"].startswith("text/plain")
    else:
        assert response.json()["messages"][0]["error"]


def still_serving(client: TestClient, auth: Any) -> None:
    assert client.get("/api/v5/user", headers=auth("admin")).status_code == 200


JSON_ROUTES = [
    ("POST", "/api/v5/tasks"),
    ("POST", "/api/v5/tasks/list"),
    ("POST", "/api/v5/projects"),
    ("POST", "/api/v5/teams"),
    ("PATCH", "/api/v5/datasets/sample_organization/l4_sample"),
    ("POST", "/api/v5/datasets/sample_organization/l4_sample/createExplorational"),
    ("POST", "/api/v3/datasets/sample_organization/l4_sample/createExplorational"),
    ("PATCH", "/api/v1/annotations/Explorational/000000000000000000000000/edit"),
]
BODIES = [
    b"{not json",
    b"\xff\xfe\xfa not utf-8",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b"",
    b"null",
]


@pytest.mark.parametrize(("method", "path"), JSON_ROUTES)
@pytest.mark.parametrize("body", BODIES, ids=["malformed", "invalid-utf8", "deep-array", "deep-object", "empty",
                                              "null"])
def test_bad_json_bodies(client: TestClient, auth: Any, app: MockApp, method: str, path: str, body: bytes) -> None:
    before = app.backend.store.snapshot()
    response = client.request(method, path, content=body, headers={**auth("admin"),
                                                                    "Content-Type": "application/json"})
    assert_api_error(response, 400, 404)
    assert app.backend.store.snapshot() == before
    still_serving(client, auth)


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """A ``mockserver serve`` process of its own, so its memory is the server's alone (body limit 16 MiB)."""
    server = Served("--recipe", "tiny", env={**os.environ, "MOCKSERVER_MAX_BODY_BYTES": str(LIMIT_MIB << 20)})
    yield server
    server.stop()


def memory_kib(pid: int, field: str) -> int:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith(field))
    return int(line.split()[1])


def reset_peak(pid: int) -> None:
    """Reset the process' peak resident size (``VmHWM``) to its current size (Linux ≥ 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="measures the server's peak memory "
                                                                        "through /proc (Linux)")
@pytest.mark.parametrize(("path", "content_type"), [
    ("/api/v5/tasks", "application/json"),
    ("/api/v5/annotations/upload", "multipart/form-data; boundary=xyz"),
])
def test_streamed_200_mb_body_is_refused_without_buffering_it(served: Served, path: str, content_type: str) -> None:
    chunk = b"x" * (1024 * 1024)

    def stream() -> Any:
        yield b"--xyz\r\nContent-Disposition: form-data; name=\"a.nml\"; filename=\"a.nml\"\r\n\r\n"
        for _ in range(200):
            yield chunk

    headers = {"X-Auth-Token": served.token("admin"), "Content-Type": content_type}
    pid = served.process.pid
    reset_peak(pid)
    baseline = memory_kib(pid, "VmRSS")
    assert memory_kib(pid, "VmHWM") - baseline < 16 * 1024  # the peak was reset: this test measures its own
    try:
        response = httpx.post(f"{served.url}{path}", content=stream(), headers=headers, timeout=60)
        assert_api_error(response, 400, 413)
    except httpx.HTTPError:
        pass  # the server may close the connection while the client is still sending
    growth_mib = (memory_kib(pid, "VmHWM") - baseline) / 1024
    print(f"peak memory growth {growth_mib:.1f} MiB")
    # a chunked body is read up to the limit before it is refused; never the whole 200 MiB
    assert growth_mib < 2 * LIMIT_MIB, f"the server's peak grew by {growth_mib:.0f} MiB for a refused 200 MiB body"
    assert httpx.get(f"{served.url}/api/v5/user", headers=headers).status_code == 200


def test_declared_huge_body_is_rejected_before_reading(client: TestClient, auth: Any) -> None:
    response = client.post("/api/v5/teams", content=b"{}", headers={**auth("admin"), "Content-Length": str(200 << 20),
                                                                    "Content-Type": "application/json"})
    assert_api_error(response, 413)


@pytest.mark.parametrize("path", ["/api/v5/users", "/api/v5/user/tasks", "/api/v5/datasets", "/api/v5/projects"])
def test_huge_query_strings(live: Live, path: str) -> None:
    headers = {"X-Auth-Token": live.app.backend.world.token("admin")}
    response = httpx.get(f"{live.url}{path}?q={'a' * 60_000}&limit=1", headers=headers)
    assert response.status_code in (200, 400, 414), response.status_code
    assert httpx.get(f"{live.url}/api/v5/user", headers=headers).status_code == 200


@pytest.mark.parametrize("value", ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", "%0d%0aX-Injected:1"])
@pytest.mark.parametrize("template", ["/api/v5/datasets/sample_organization/{}", "/api/v5/users/{}",
                                      "/api/v5/annotations/{}/download", "/api/v3/projects/{}",
                                      "/api/v5/shortLinks/byKey/{}", "/api/v5/tasks/{}"])
def test_path_traversal_and_control_characters_in_path_parameters(client: TestClient, auth: Any, template: str,
                                                                  value: str) -> None:
    response = client.get(template.format(value), headers=auth("admin"))
    assert_api_error(response, 400, 404)
    assert "x-injected" not in {k.lower() for k in response.headers}


@pytest.mark.parametrize("request_args", [
    ("GET", "/api/v5/datasets", {"params": {"searchQuery": SQL, "organizationName": SQL, "folderId": SQL}}),
    ("GET", f"/api/v5/datasets/{SQL}/{SQL}", {}),
    ("GET", f"/api/v5/projects/byName/{SQL}", {}),
    ("GET", f"/api/v3/projects/{SQL}/tasks", {}),
    ("GET", f"/api/v5/shortLinks/byKey/{SQL}", {}),
    ("POST", "/api/v5/tasks/list", {"json": {"user": SQL, "project": SQL, "ids": [SQL], "taskType": SQL}}),
    ("POST", "/api/v5/teams", {"json": {"name": SQL}}),
    ("POST", "/api/v5/projects", {"json": {"name": SQL, "team": SQL, "priority": 1, "owner": SQL,
                                          "isBlacklistedFromReport": False}}),
], ids=["datasets-query", "dataset-path", "project-by-name", "v3-project-tasks", "short-link", "task-list",
        "team-name", "project-body"])
def test_sql_metacharacters_are_data(client: TestClient, auth: Any, app: MockApp, request_args: Any) -> None:
    method, path, kwargs = request_args
    users = app.backend.store.count(r.User)
    response = client.request(method, path, headers=auth("admin"), **kwargs)
    assert response.status_code < 500, response.text[:300]
    assert app.backend.store.count(r.User) == users
    still_serving(client, auth)


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "/api/v5/user/tasks", {"params": {"limit": BIG}}),
    ("GET", "/api/v5/user/tasks", {"params": {"pageNumber": BIG}}),
    ("GET", "/api/v5/projects", {"params": {}}),
    ("PATCH", "/api/v5/projects/{project}/incrementEachTasksInstances", {"params": {"delta": BIG}}),
    ("PUT", "/api/v5/tasks/{task}", {"json": "task-with-big-instances"}),
    ("POST", "/api/v5/tasks", {"json": "tasks-with-big-instances"}),
    ("GET", "/api/v5/annotations/Explorational/{annotation}/info", {"params": {"timestamp": BIG}}),
    ("POST", "/api/v5/projects", {"json": "project-with-big-priority"}),
])
def test_integer_overflow_values(client: TestClient, auth: Any, app: MockApp, method: str, path: str,
                                 kwargs: dict[str, Any]) -> None:
    store = app.backend.store
    task = store.select(r.Task, limit=1)[0]
    project = store.get(r.Project, task.project_id)
    annotation = store.select(r.Annotation, "typ = 'Explorational'", limit=1)[0]
    task_body = {"taskTypeId": task.task_type_id, "neededExperience": {"domain": "d", "value": BIG},
                 "pendingInstances": BIG, "projectName": project.name, "dataSet": "l4_sample",
                 "editPosition": [BIG, 0, 0], "editRotation": [0, 0, 0]}
    bodies = {"task-with-big-instances": task_body, "tasks-with-big-instances": [task_body],
              "project-with-big-priority": {"name": "overflow", "team": project.team_id, "priority": BIG,
                                            "owner": project.owner_id, "isBlacklistedFromReport": False,
                                            "expectedTime": BIG}}
    if isinstance(kwargs.get("json"), str):
        kwargs = {"json": bodies[kwargs["json"]]}
    before = store.snapshot()
    response = client.request(method, path.format(project=project.id, task=task.id, annotation=annotation.id),
                              headers=auth("admin"), **kwargs)
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert store.snapshot() == before
    still_serving(client, auth)


def test_download_filename_cannot_inject_headers(client: TestClient, auth: Any, app: MockApp) -> None:
    annotation = app.backend.store.select(r.Annotation, "typ = 'Explorational' AND layers NOT LIKE '%Volume%'",
                                          limit=1)[0]
    user_headers = {"X-Auth-Token": next(u.token for u in app.backend.store.select(r.User)
                                         if u.id == annotation.user_id)}
    name = 'evil"\r\nSet-Cookie: pwned=1\r\n\r\n/../../x'
    edit = client.patch(f"/api/v5/annotations/Explorational/{annotation.id}/edit", json={"name": name},
                        headers=user_headers)
    assert edit.status_code == 200
    response = client.get(f"/api/v5/annotations/Explorational/{annotation.id}/download", headers=user_headers)
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment;filename="') and disposition.count('"') == 2
    assert "\r" not in disposition and "\n" not in disposition and "/" not in disposition.split("=", 1)[1]
    assert "set-cookie" not in {k.lower() for k in response.headers}
