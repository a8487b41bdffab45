"""Domain checks of the WEBKNOSSOS API (registered with schemathesis for the length of a run).

Each is a plain function ``(ctx, response, case)`` named for the property it asserts (see
``mockserver.contract.checks``). Checks that need more than the response at hand send follow-up
requests (``followups``); those pass the run's hooks like any other request, and run a bounded
number of times per run (``Memo``).
"""

from __future__ import annotations

from typing import Any

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import fail, json_of, memo
from mockserver.packs.webknossos.contract import followups
from mockserver.packs.webknossos.contract.followups import annotations_of, tasks_in, version_of

ERROR_STATUSES = frozenset({400, 403, 404, 409, 413, 422, 500})
# Routes whose annotation JSON each legacy version rewrites (the rest pass v5 JSON through).
ADAPTED_ANNOTATION_ROUTES = frozenset({
    "GET /annotations/{typ}/{id}/info", "POST /annotations/{typ}/{id}/duplicate",
    "PATCH /annotations/{typ}/{id}/finish", "PATCH /annotations/{typ}/{id}/reopen",
    "PUT /annotations/{typ}/{id}/reset", "POST /annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}",
    "POST /datasets/{organizationName}/{dataSetName}/createExplorational", "GET /user/tasks",
    "GET /user/annotations", "GET /users/{id}/tasks", "GET /users/{id}/annotations", "GET /tasks/{id}/annotations",
})


def error_envelope_is_wk_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Errors use WEBKNOSSOS' formats: plain text for 401, else a JSON envelope or a validation shape."""
    status = response.status_code
    if status == 401:
        if "text/plain" not in response.headers.get("content-type", [""])[0]:
            fail(case, "401 must have a text/plain body (the real server's `You are not authorized …`)")
        return True
    if status not in ERROR_STATUSES:
        return None
    body = json_of(response)
    if not _is_error_shape(body):
        fail(case, f"a {status} must carry `{{\"messages\":[{{\"error\": …}}]}}` (or a validation shape), got "
                   f"{response.text[:200]!r}", status=status)
    return True


def _is_error_shape(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    messages = body.get("messages")
    if isinstance(messages, list) and messages and all(isinstance(m, dict) for m in messages):
        return "errors" in body or any(isinstance(m.get("error"), str) for m in messages)
    # Play's raw validation result: JSON paths mapped to lists of {msg, args}
    return bool(body) and all(isinstance(v, list) and all(isinstance(i, dict) and "msg" in i for i in v)
                              for v in body.values())


def total_count_header_only_when_requested(ctx: Any, response: Any, case: Any) -> bool | None:
    """``X-Total-Count`` (a count ≥ 0) is sent exactly when ``includeTotalCount=true`` was asked for."""
    if response.status_code != 200 or not _pages(case):
        return None
    requested = str((case.query or {}).get("includeTotalCount", "")).lower() == "true"
    header = response.headers.get("x-total-count")
    if requested and (not header or not header[0].isdigit()):
        fail(case, f"includeTotalCount=true, but the X-Total-Count header is {header[0] if header else 'missing'}",
             header="X-Total-Count")
    if not requested and header:
        fail(case, "X-Total-Count sent without includeTotalCount=true", header="X-Total-Count")
    return True


def total_count_matches_items(ctx: Any, response: Any, case: Any) -> bool | None:
    """``X-Total-Count`` equals the number of entries when all of them are fetched at once."""
    listing = followups.full_listing(case, response)
    if listing is None:
        return None
    total, items, follow = listing
    if len(items) != total:
        fail(case, f"X-Total-Count is {total}, but fetching all entries gave {len(items)}", follow=follow,
             header="X-Total-Count")
    return True


def pages_do_not_overlap(ctx: Any, response: Any, case: Any) -> bool | None:
    """Consecutive pages (``limit`` × ``pageNumber``) hold distinct entries of the full list."""
    listing = followups.full_listing(case, response)
    if listing is None or listing[0] < 2:
        return None
    pages = followups.two_pages(case, listing[0])
    if pages is None:
        return None
    (first, second), follow = pages
    overlap = set(first) & set(second)
    if overlap:
        fail(case, f"pages 0 and 1 share the entries {sorted(overlap)[:5]}", follow=follow)
    if not set(first) | set(second) <= set(listing[1]):
        fail(case, "the pages hold entries the full list does not", follow=follow)
    return True


def task_instances_add_up(ctx: Any, response: Any, case: Any) -> bool | None:
    """Task counters are consistent, and pending + active + finished stays constant through
    assign, finish and reopen (checked once per run on a task the run creates itself)."""
    if not 200 <= response.status_code < 300:
        return None
    tasks = list(tasks_in(json_of(response)))
    for task in tasks:
        counts = [task["status"][key] for key in ("pending", "active", "finished")]
        if not (all(c >= 0 for c in counts) or all(c == -1 for c in counts)):
            fail(case, f"task {task.get('id')} has status {task['status']} (all ≥ 0, or all −1 if unknown)")
    created = f"{case.method.upper()} {case.path}" == "POST /tasks" and tasks
    if created and isinstance(case.body, list) and memo.first("task_instances_add_up"):
        followups.instance_lifecycle(case, response)
    return True


def created_resource_is_readable_and_listed(ctx: Any, response: Any, case: Any) -> bool | None:
    """What a create returns can be read back by its id and appears in its list."""
    label = f"{case.method.upper()} {case.path}"
    if not 200 <= response.status_code < 300 or label not in followups.READ_BACK:
        return None
    if not memo.first(f"created:{label}", times=2):
        return None
    followups.READ_BACK[label](case, response)
    return True


def annotation_shape_matches_version(ctx: Any, response: Any, case: Any) -> bool | None:
    """Annotation JSON has its version's shape: v5 ``annotationLayers``; v2–v4 ``tracing`` and
    ``visibility``; v1 ``tracing`` and ``isPublic``."""
    if response.status_code != 200 or f"{case.method.upper()} {case.path}" not in ADAPTED_ANNOTATION_ROUTES:
        return None
    version = version_of(case)
    expected, forbidden = ({"annotationLayers", "visibility"}, {"tracing", "isPublic"}) if version >= 5 else (
        ({"tracing", "visibility"}, {"annotationLayers", "isPublic"}) if version >= 2 else
        ({"tracing", "isPublic"}, {"annotationLayers", "visibility"}))
    for annotation in annotations_of(json_of(response)):
        missing, extra = expected - set(annotation), forbidden & set(annotation)
        if missing or extra:
            fail(case, f"v{version} annotation {annotation.get('id')} lacks {sorted(missing)} / has "
                       f"{sorted(extra)} (a shape of another API version)")
    return True


def info_requires_timestamp_since_v3(ctx: Any, response: Any, case: Any) -> bool | None:
    """Annotation info without ``timestamp`` is 400 from v3 on and still answered in v1 and v2."""
    if response.status_code != 200 or f"{case.method.upper()} {case.path}" != "GET /annotations/{typ}/{id}/info":
        return None
    if not memo.first("info_requires_timestamp_since_v3"):
        return None
    followups.info_without_timestamp(case)
    return True


def projects_addressed_as_version_says(ctx: Any, response: Any, case: Any) -> bool | None:
    """Projects are addressed by name in v1–v3 and by id from v4 on."""
    if response.status_code != 200 or f"{case.method.upper()} {case.path}" != "GET /projects":
        return None
    projects = json_of(response)
    if not (isinstance(projects, list) and projects and memo.first("projects_addressed_as_version_says")):
        return None
    followups.project_addressing(case, projects[0])
    return True


def _pages(case: Any) -> bool:
    names = {parameter.name for parameter in case.operation.iter_parameters()}
    return {"includeTotalCount", "pageNumber"} <= names


DOMAIN_CHECKS: tuple[CheckFunction, ...] = (
    error_envelope_is_wk_shape,
    total_count_header_only_when_requested,
    total_count_matches_items,
    pages_do_not_overlap,
    task_instances_add_up,
    created_resource_is_readable_and_listed,
    annotation_shape_matches_version,
    info_requires_timestamp_since_v3,
    projects_addressed_as_version_says,
)
EXCHANGE_CHECKS: tuple[CheckFunction, ...] = (
    error_envelope_is_wk_shape,
    total_count_header_only_when_requested,
    annotation_shape_matches_version,
)
"""The checks that need only the exchange at hand (``mockserver proxy`` runs them on live traffic)."""
