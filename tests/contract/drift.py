"""Deliberate deviations from the spec, injected into a running mock by an ASGI wrapper (tests only).

``Drift`` sits in front of the app (never inside the product): for a request that one of its
``Deviation``s matches (method and a path pattern) it may rewrite the request's query before the app
sees it, and buffers the response to let the deviation rewrite status, headers or JSON body before it
goes out. Every other request passes straight through.

Each pack's domain checks have deviations that only they are there to catch (``tests/packs/<pack>/contract/
deviations.py``): the answers stay valid under the spec (status, schema, headers), so schemathesis' own checks
see nothing, and the run fails only because that check does its job.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.contract.findings import Finding, read_junit

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


# rewrites ---------------------------------------------------------------------------------


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


class Run(Protocol):
    exit_code: int
    output: str
    report_dir: Path


def assert_reported(group: Group, drift: Drift, contract: Callable[..., Run]) -> Run:
    """Run ``contract(version, *options)`` with the group's deviations on: each is reported by its check for its
    operation (or a sequence that met it), ``alone`` ones by no other check, the terminal summary names them."""
    drift.deviations = list(group.deviations)
    try:
        operations = [arg for label in group.operations() for arg in ("--operation", label)]
        run = contract(group.version, "--phases", group.phases, "--max-time", "15", *group.options, *operations)
    finally:
        drift.deviations = []
    found, _ = read_junit(run.report_dir / "junit.xml")
    missed = [d.name for d in group.deviations if not any(d.caught_by(finding) for finding in found)]
    reported = sorted({(finding.operation, finding.check) for finding in found})
    assert not missed, f"not reported: {missed}; reported: {reported}\n{run.output[-4000:]}"
    for deviation in group.deviations:
        others = {f.check for f in found if deviation.concerns(f) and f.check != deviation.check}
        assert not (deviation.alone and others), f"{deviation.name}: also reported by {sorted(others)}"
        # the terminal summary names the operation (or the sequence) and the check
        assert any(f"{label}: {deviation.check}" in run.output for label in (deviation.operation, STATEFUL))
    assert run.exit_code == 1
    return run
