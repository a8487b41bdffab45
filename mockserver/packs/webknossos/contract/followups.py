"""Follow-ups of the WEBKNOSSOS domain checks: paging, the instance lifecycle, read-back, version rules."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from mockserver.contract.followups import expect as _expect
from mockserver.contract.followups import fail, follow_up, json_of, memo
from mockserver.contract.followups import ids as _ids
from mockserver.contract.followups import ok as _ok

LARGEST_LISTING = 2000
"""Lists with more entries than this are not fetched whole by the paging checks."""


def version_of(case: Any) -> int:
    """The API version of the spec under test (its ``info.version``)."""
    return int(case.operation.schema.raw_schema["info"]["version"])


def tasks_in(body: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every task JSON in ``body`` (tasks, task lists, creation results, annotations' ``task``)."""
    if depth > 4:
        return
    if isinstance(body, dict):
        status = body.get("status")
        if isinstance(status, dict) and {"pending", "active", "finished"} <= set(status) and "projectId" in body:
            yield body
        for value in body.values():
            yield from tasks_in(value, depth + 1)
    elif isinstance(body, list):
        for item in body:
            yield from tasks_in(item, depth + 1)


def annotations_of(body: Any) -> list[dict[str, Any]]:
    items = body if isinstance(body, list) else [body]
    return [item for item in items if isinstance(item, dict) and "typ" in item and "id" in item]


def _timestamp(case: Any, path: str, method: str) -> dict[str, Any]:
    """``{"timestamp": 0}`` where the operation declares it (v3+ info and finish)."""
    try:
        operation = case.operation.schema[path][method]
    except (KeyError, LookupError):
        return {}
    return {"timestamp": 0} if any(p.name == "timestamp" for p in operation.iter_parameters()) else {}


# paging -----------------------------------------------------------------------------------------


def full_listing(case: Any, response: Any) -> tuple[int, list[str], Any] | None:
    """``(X-Total-Count, ids of all entries, follow-up case)`` of one request for the whole of a paged
    list (same filters as ``case``), once per operation and run."""
    header = response.headers.get("x-total-count")
    if response.status_code != 200 or not header or not header[0].isdigit():
        return None
    total = int(header[0])
    if total > LARGEST_LISTING:
        return None
    filters = {k: v for k, v in (case.query or {}).items() if k not in {"limit", "pageNumber", "includeTotalCount"}}

    def fetch() -> tuple[int, list[str], Any] | None:
        # One response holds both the count and the entries, so concurrent writes cannot skew them.
        sent = follow_up(case, case.method.upper(), case.path, path_parameters=dict(case.path_parameters or {}),
                         query={**filters, "limit": total + 100, "pageNumber": 0, "includeTotalCount": "true"})
        if sent is None or sent[0].status_code != 200:
            return None
        counted = sent[0].headers.get("x-total-count") or ["-1"]
        return int(counted[0]) if counted[0].isdigit() else -1, _ids(json_of(sent[0])), sent[1]

    key = f"listing:{case.id}"  # both paging checks look at the same response; one fetch per operation and run
    if memo.known(key) or memo.first(f"listing-of:{case.method} {case.path}"):
        result: tuple[int, list[str], Any] | None = memo.cached(key, fetch)
        return result
    return None


def two_pages(case: Any, total: int) -> tuple[tuple[list[str], list[str]], Any] | None:
    """The ids on pages 0 and 1 of ``limit = total // 2`` (capped at 100)."""
    size = max(1, min(total // 2, 100))
    filters = {k: v for k, v in (case.query or {}).items() if k not in {"limit", "pageNumber"}}
    pages = []
    follow = None
    for number in (0, 1):
        sent = follow_up(case, case.method.upper(), case.path, path_parameters=dict(case.path_parameters or {}),
                         query={**filters, "limit": size, "pageNumber": number})
        if sent is None or sent[0].status_code != 200:
            return None
        pages.append(_ids(json_of(sent[0])))
        follow = sent[1]
    return (pages[0], pages[1]), follow


# task instances ---------------------------------------------------------------------------------


def instance_lifecycle(case: Any, response: Any) -> None:
    """Create a task with 2 instances, assign, finish and reopen one; the counters must follow."""
    template = copy.deepcopy(case.body[0])
    template.pop("openInstances", None)
    template.update(pendingInstances=2, baseAnnotation=None)
    created = _expect(case, follow_up(case, "POST", "/tasks", body=[template]), _ok, "creating a task")
    task = next(iter(tasks_in(created)), None)
    me = _expect(case, follow_up(case, "GET", "/user"), _ok, "reading the current user")
    if task is None or not isinstance(me, dict):
        return
    _counts(case, task["id"], (2, 0, 0), "after creating it with 2 instances")
    assigned = follow_up(case, "POST", "/tasks/{id}/assign", path_parameters={"id": task["id"]},
                         query={"userId": me["id"]})
    if assigned is None or assigned[0].status_code in (401, 403):
        return  # not allowed to assign: nothing more to check
    _expect(case, assigned, _ok, "assigning the task to the current user")
    _counts(case, task["id"], (1, 1, 0), "after assigning one instance")
    listed = _expect(case, follow_up(case, "GET", "/tasks/{id}/annotations", path_parameters={"id": task["id"]}),
                     _ok, "listing the task's annotations")
    annotation = next(iter(annotations_of(listed)), None)
    if annotation is None:
        fail(case, f"task {task['id']} has no annotation after being assigned")
        return
    target = {"typ": "Task", "id": annotation["id"]}
    for action, expected in (("finish", (1, 0, 1)), ("reopen", (1, 1, 0))):
        path = f"/annotations/{{typ}}/{{id}}/{action}"
        _expect(case, follow_up(case, "PATCH", path, path_parameters=target,
                                query=_timestamp(case, path, "PATCH")), _ok, f"{action} of the task annotation")
        _counts(case, task["id"], expected, f"after {action}")


def _counts(case: Any, task_id: str, expected: tuple[int, int, int], when: str) -> None:
    sent = follow_up(case, "GET", "/tasks/{id}", path_parameters={"id": task_id})
    task = _expect(case, sent, _ok, f"reading task {task_id}")
    if not isinstance(task, dict) or sent is None:
        return
    status = task.get("status", {})
    actual = tuple(status.get(key) for key in ("pending", "active", "finished"))
    if actual != expected:
        fail(case, f"task {task_id} {when}: pending/active/finished should be {expected} (sum "
                   f"{sum(expected)}), got {actual}", follow=sent[1])


# created resources ------------------------------------------------------------------------------


def _read_project(case: Any, response: Any) -> None:
    project = json_of(response)
    by_id = version_of(case) >= 4
    path, key = ("/projects/{id}", "id") if by_id else ("/projects/{name}", "name")
    read = _expect(case, follow_up(case, "GET", path, path_parameters={key: project[key]}), _ok,
                   f"reading the new project {project[key]}")
    if isinstance(read, dict) and read.get("id") != project["id"]:
        fail(case, f"reading project {project[key]} gave project {read.get('id')}")
    _listed(case, "/projects", {}, project["id"])


def _read_team(case: Any, response: Any) -> None:
    _listed(case, "/teams", {}, json_of(response)["id"])


def _read_task(case: Any, response: Any) -> None:
    task = next(iter(tasks_in(json_of(response))), None)
    if task is None:
        return
    read = _expect(case, follow_up(case, "GET", "/tasks/{id}", path_parameters={"id": task["id"]}), _ok,
                   f"reading the new task {task['id']}")
    if isinstance(read, dict) and read.get("id") != task["id"]:
        fail(case, f"reading task {task['id']} gave task {read.get('id')}")
    if version_of(case) >= 4:
        _listed(case, "/projects/{id}/tasks", {"id": task["projectId"]}, task["id"], {"limit": 5000})
    else:
        _listed(case, "/projects/{name}/tasks", {"name": task["projectName"]}, task["id"], {"limit": 5000})


def _read_annotation(case: Any, response: Any) -> None:
    annotation = json_of(response)
    path = "/annotations/{typ}/{id}/info"
    target = {"typ": annotation["typ"], "id": annotation["id"]}
    read = _expect(case, follow_up(case, "GET", path, path_parameters=target, query=_timestamp(case, path, "GET")),
                   _ok, f"reading the new annotation {annotation['id']}")
    if isinstance(read, dict) and read.get("id") != annotation["id"]:
        fail(case, f"reading annotation {annotation['id']} gave annotation {read.get('id')}")
    _listed(case, "/user/annotations", {}, annotation["id"], {"limit": 1000})


def _listed(case: Any, path: str, path_parameters: dict[str, Any], wanted: str,
            query: dict[str, Any] | None = None) -> None:
    sent = follow_up(case, "GET", path, path_parameters=path_parameters, query=query)
    listed = _expect(case, sent, _ok, f"listing {path}")
    if sent is not None and isinstance(listed, list) and wanted not in _ids(listed):
        fail(case, f"the new resource {wanted} is missing from GET {path}", follow=sent[1])


READ_BACK: dict[str, Callable[[Any, Any], None]] = {
    "POST /projects": _read_project,
    "POST /teams": _read_team,
    "POST /tasks": _read_task,
    "POST /datasets/{organizationName}/{dataSetName}/createExplorational": _read_annotation,
}


# version semantics ------------------------------------------------------------------------------


def info_without_timestamp(case: Any) -> None:
    """v3+: 400 without ``timestamp``; v1, v2: answered."""
    sent = follow_up(case, "GET", case.path, path_parameters=dict(case.path_parameters or {}))
    if sent is None:
        return
    response, follow = sent
    if version_of(case) >= 3 and response.status_code != 400:
        fail(case, f"v{version_of(case)} must reject info without timestamp with 400, got {response.status_code}",
             follow=follow, status=400)
    if version_of(case) < 3 and response.status_code != 200:
        fail(case, f"v{version_of(case)} must answer info without timestamp, got {response.status_code}",
             follow=follow)


def project_addressing(case: Any, project: dict[str, Any]) -> None:
    """v4+: ``/projects/{id}`` finds the project; v1–v3: ``/projects/{name}`` does."""
    by_id = version_of(case) >= 4
    path, key = ("/projects/{id}", "id") if by_id else ("/projects/{name}", "name")
    read = _expect(case, follow_up(case, "GET", path, path_parameters={key: project[key]}), _ok,
                   f"v{version_of(case)} must find a project by its {key}")
    if isinstance(read, dict) and read.get("id") != project["id"]:
        fail(case, f"GET {path} with {project[key]!r} gave project {read.get('id')}")
    other = project["name"] if by_id else project["id"]
    _expect(case, follow_up(case, "GET", path, path_parameters={key: other}), lambda s: 400 <= s < 500,
            f"v{version_of(case)} must not find a project by its {'name' if by_id else 'id'}")
