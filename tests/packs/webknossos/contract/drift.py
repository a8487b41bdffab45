"""Deliberate deviations from the spec, injected into a running mock by an ASGI wrapper (tests only).

``Drift`` sits in front of the app (never inside the product): for a request that one of its
``Deviation``s matches (method and a path pattern) it may rewrite the request's query before the app
sees it, and buffers the response to let the deviation rewrite status, headers or JSON body before it
goes out. Every other request passes straight through.

Each domain check of the pack has a deviation that only it is there to catch: the answers stay valid
under the spec (status, schema, headers), so schemathesis' own checks see nothing, and the run fails
only because that check does its job.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.contract.findings import Finding

STATEFUL = "Stateful tests"

Rewrite = Callable[[int, dict[str, str], Any], tuple[int, dict[str, str], Any]]
QueryRewrite = Callable[[list[tuple[str, str]]], list[tuple[str, str]]]


def unchanged(status: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    return status, headers, body


@dataclasses.dataclass(frozen=True)
class Deviation:
    """``rewrite`` applied to the answers of ``method path`` (``path``: a regular expression the whole
    request path matches), ``query`` to the query of those requests; the run must report ``check`` for
    ``operation`` (a schemathesis operation label)."""

    name: str
    method: str
    path: str
    rewrite: Rewrite
    operation: str
    check: str
    query: QueryRewrite | None = None
    alone: bool = True
    """No other check reports the operation (False where the spec's schema catches it too)."""

    def matches(self, scope: Scope) -> bool:
        return scope["method"] == self.method and re.fullmatch(self.path, scope["path"]) is not None

    def caught_by(self, finding: Finding) -> bool:
        """``finding`` reports this deviation: its check, for its operation or for a stateful sequence that
        sent a request the deviation rewrote."""
        return finding.check == self.check and self.concerns(finding)

    def concerns(self, finding: Finding) -> bool:
        """``finding`` is about this deviation's operation (or a sequence that met the deviation)."""
        return finding.operation == self.operation or (
            finding.operation == STATEFUL and re.search(
                f"-X {self.method} .*?https?://[^/\\s]+{self.path}(?:[?'\\s]|$)", finding.details) is not None)


class Drift:
    """ASGI wrapper applying the enabled deviations."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.deviations: list[Deviation] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        deviation = next((d for d in self.deviations if scope["type"] == "http" and d.matches(scope)), None)
        if deviation is None:
            await self.app(scope, receive, send)
            return
        if deviation.query is not None:
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            scope = {**scope, "query_string": urlencode(deviation.query(query)).encode("latin-1")}
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    await _send_rewritten(send, start, b"".join(chunks), deviation.rewrite)

        await self.app(scope, receive, buffer)


async def _send_rewritten(send: Send, start: Message, body: bytes, rewrite: Rewrite) -> None:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = body
    status, headers, data = rewrite(start["status"], headers, data)
    out = data if isinstance(data, bytes) else json.dumps(data).encode()
    headers["content-length"] = str(len(out))
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": out})


# the deviations ---------------------------------------------------------------------------------


def rename_field(old: str, new: str) -> Rewrite:
    def rewrite(status: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        items = body if isinstance(body, list) else [body]
        for item in items:
            if isinstance(item, dict) and old in item:
                item[new] = item.pop(old)
        return status, headers, body
    return rewrite


def status(code: int) -> Rewrite:
    return lambda _status, headers, body: (code, headers, body)


def without_header(name: str) -> Rewrite:
    return lambda code, headers, body: (code, {k: v for k, v in headers.items() if k != name.lower()}, body)


def server_error(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
    return 500, {**headers, "content-type": "application/json"}, {"messages": [{"error": "Internal error"}]}


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
    """Every page answered as page 0 (an invalid ``pageNumber`` is still refused)."""
    return [(k, v) for k, v in query if k != "pageNumber" or not (v.isdigit() and int(v) < 2**31)]


def with_timestamp(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``timestamp`` supplied when the client left it out (so a v3 request without it is answered)."""
    return query if any(k == "timestamp" for k, _ in query) else [*query, ("timestamp", "0")]


ID = "[0-9a-f]{24}"
NAME = "[^/]+"


@dataclasses.dataclass(frozen=True)
class Group:
    """Deviations checked together by one contract run of ``version`` (with ``options``)."""

    version: str
    deviations: tuple[Deviation, ...]
    options: tuple[str, ...] = ()
    phases: str = "examples,coverage,fuzzing"
    sources: tuple[str, ...] = ()
    """Further operations to run, whose answers link to the deviations' operations (stateful phase)."""

    def operations(self) -> list[str]:
        return [*dict.fromkeys([*(d.operation for d in self.deviations), *self.sources])]


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
                  query=with_timestamp),
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
