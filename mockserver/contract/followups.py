"""Follow-up requests of the packs' domain checks, and the helpers they share.

A follow-up is a schemathesis ``Case`` of another operation of the same spec, sent with the run's
headers (and signed with its key pair, where it has one); it passes the run's hooks (policy, rate limit,
budget, created-resource bookkeeping) like every generated request. ``Memo`` bounds how often a check sends
follow-ups in one run.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from schemathesis.core import NOT_SET

from mockserver.contract.signing import authenticate


class Memo:
    """What the checks already did in this run (reset at the start of each run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._values: dict[str, Any] = {}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._values.clear()

    def first(self, key: str, times: int = 1) -> bool:
        """True for the first ``times`` calls with ``key``."""
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key] <= times

    def known(self, key: str) -> bool:
        with self._lock:
            return key in self._values

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            return self._values.setdefault(key, value)


memo = Memo()


def fail(case: Any, message: str, *, follow: Any = None, status: int | None = None, header: str | None = None) -> None:
    """Raise the check failure: what went wrong, the follow-up as curl (token redacted), the schema path."""
    lines = [message]
    if follow is not None:
        lines.append(f"Follow-up: {follow.as_curl_command(headers=_headers(follow))}")
    pointer = case.path.replace("~", "~0").replace("/", "~1")
    schema_path = f"#/paths/{pointer}/{case.method.lower()}/responses/{status or 200}"
    lines.append(f"Schema: {schema_path}{f'/headers/{header}' if header else ''}")
    raise AssertionError("\n".join(lines))


def json_of(response: Any) -> Any:
    """The body parsed as JSON (None if it is not JSON), whatever its media type says.

    Not ``response.json()``: schemathesis caches that as the response's deserialised body, and its schema check
    would then validate a ``text/html`` body that happens to hold JSON as JSON."""
    try:
        return json.loads(response.content)
    except (ValueError, TypeError):
        return None


def follow_up(case: Any, method: str, path: str, *, path_parameters: dict[str, Any] | None = None,
              query: dict[str, Any] | None = None, body: Any = NOT_SET) -> tuple[Any, Any] | None:
    """Send ``METHOD path`` of the same spec with the run's headers: ``(response, case)``, or None
    when the spec has no such operation in this run."""
    schema = case.operation.schema
    try:
        operation = schema[path][method]
    except (KeyError, LookupError):
        return None
    kwargs: dict[str, Any] = {"path_parameters": path_parameters or {}, "query": query or {}}
    if body is not NOT_SET:
        kwargs.update(body=body, media_type="application/json")
    follow = operation.Case(**kwargs)
    authenticate(follow)  # the run's key pair signs it, where the run has one
    return follow.call(headers=_headers(follow)), follow


def _headers(case: Any) -> dict[str, Any]:
    return dict(case.operation.schema.config.headers_for(operation=case.operation) or {})


def ids(body: Any) -> list[str]:
    return [str(item.get("id")) for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def expect(case: Any, sent: tuple[Any, Any] | None, statuses: Callable[[int], bool], what: str) -> Any:
    """The follow-up's JSON if its status is as expected; fails the check otherwise."""
    if sent is None:
        return None
    response, follow = sent
    if not statuses(response.status_code):
        fail(case, f"{what}: got {response.status_code} {response.text[:200]!r}", follow=follow)
    return json_of(response)


def ok(status: int) -> bool:
    return 200 <= status < 300
