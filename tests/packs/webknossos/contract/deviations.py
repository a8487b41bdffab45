"""The WEBKNOSSOS deviations: one for each domain check (and a few for schemathesis' own checks)."""

from __future__ import annotations

from typing import Any

from tests.contract.drift import Deviation, Group, rename_field, server_error, status, unchanged, without_header


def v5_layers(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A v3 annotation list answered in the v5 shape (``annotationLayers`` instead of ``tracing``)."""
    for item in body if isinstance(body, list) else []:
        tracing = item.pop("tracing", {}) or {}
        item["annotationLayers"] = [{"tracingId": tracing_id, "typ": typ.capitalize(), "name": typ.capitalize()}
                                    for typ, tracing_id in tracing.items() if tracing_id]
    return code, headers, body


def error_as_success(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A 404 whose message says ``success`` instead of ``error`` (still a valid ``ErrorEnvelope``)."""
    if code == 404 and isinstance(body, dict):
        body = {"messages": [{"success": m.get("error", "")} for m in body.get("messages", [])]}
    return code, headers, body


def total_count_plus_one(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """``X-Total-Count`` one more than there are entries."""
    if "x-total-count" in headers:
        headers = {**headers, "x-total-count": str(int(headers["x-total-count"]) + 1)}
    return code, headers, body


def finished_never_counted(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    """A task whose finished instances are not counted (``finished`` always 0)."""
    if code == 200 and isinstance(body, dict) and isinstance(body.get("status"), dict):
        body["status"]["finished"] = 0
    return code, headers, body


def empty_list(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    return code, headers, [] if code == 200 else body


def not_found(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    return 404, {**headers, "content-type": "application/json"}, {"messages": [{"error": "Project not found"}]}


def without_page_number(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The first pages answered as page 0. Other values reach the mock unchanged, so what it refuses (not a
    number, an offset ``limit × pageNumber`` beyond its range) is still refused and no other check is involved."""
    return [(k, v) for k, v in query if k != "pageNumber" or not (v.isdigit() and int(v) <= 100)]


def with_timestamp(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``timestamp`` supplied when the client left it out (so a v3 request without it is answered)."""
    return query if any(k == "timestamp" for k, _ in query) else [*query, ("timestamp", "0")]


ID = "[0-9a-f]{24}"
NAME = "[^/]+"


GROUPS = {
    "v5 schema": Group("v5", (
        Deviation("renamed field", "GET", "/api/v5/users", rename_field("firstName", "givenName"),
                  "GET /users", "response_schema_conformance", alone=False),
        Deviation("wrong status code", "GET", "/api/v5/buildinfo", status(202),
                  "GET /buildinfo", "status_code_conformance", alone=False),
        Deviation("500 on one route", "GET", "/api/v5/datastores", server_error,
                  "GET /datastores", "not_a_server_error", alone=False),
    )),
    "v5 domain": Group("v5", (
        Deviation("missing X-Total-Count", "GET", "/api/v5/user/annotations", without_header("X-Total-Count"),
                  "GET /user/annotations", "total_count_header_only_when_requested"),
        Deviation("404 message as success", "GET", f"/api/v5/tasks/{NAME}", error_as_success,
                  "GET /tasks/{id}", "error_envelope_is_wk_shape"),
        Deviation("X-Total-Count one too high", "GET", f"/api/v5/projects/{ID}/tasks", total_count_plus_one,
                  "GET /projects/{id}/tasks", "total_count_matches_items"),
    ), phases="examples,coverage,fuzzing,stateful", sources=("GET /projects",)),
    "v4 paging": Group("v4", (
        Deviation("pageNumber ignored", "GET", f"/api/v4/projects/{ID}/tasks", unchanged,
                  "GET /projects/{id}/tasks", "pages_do_not_overlap", query=without_page_number),
    ), phases="examples,coverage,fuzzing,stateful", sources=("GET /projects",)),
    "v3 version rules": Group("v3", (
        Deviation("v5 shape leaking into v3", "GET", "/api/v3/user/annotations", v5_layers,
                  "GET /user/annotations", "annotation_shape_matches_version", alone=False),
        Deviation("v3 answers info without timestamp", "GET", f"/api/v3/annotations/{NAME}/{NAME}/info",
                  unchanged, "GET /annotations/{typ}/{id}/info", "info_requires_timestamp_since_v3",
                  # the v3 spec declares `timestamp` required: a negative case without it may catch this too
                  query=with_timestamp, alone=False),
        Deviation("v3 project not found by name", "GET", f"/api/v3/projects/(?!byName$|assignments$|withStatus$)"
                  f"{NAME}", not_found, "GET /projects", "projects_addressed_as_version_says"),
    ), phases="examples,coverage,fuzzing,stateful"),  # annotation ids reach info through the links
    "v5 writes": Group("v5", (
        Deviation("finished instances not counted", "GET", f"/api/v5/tasks/{ID}", finished_never_counted,
                  "POST /tasks", "task_instances_add_up"),
    ), ("--allow-writes",)),
    "v5 read-back": Group("v5", (
        Deviation("new projects missing from the list", "GET", "/api/v5/projects", empty_list,
                  "POST /projects", "created_resource_is_readable_and_listed"),
    ), ("--allow-writes",)),
}
"""Every domain check of the pack (``DOMAIN_CHECKS``) has a deviation here; a test proves it."""
