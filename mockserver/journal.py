"""The request journal: what reached the mock, newest first, bounded; and errors inside the mock.

``JournalMiddleware`` (outermost, in front of Connexion) records one ``Entry`` per request outside
``/__admin`` (admin requests only reach the listeners, e.g. the request log): method, path, query
(token values redacted; headers and bodies are never kept), status, duration, the fault that was
injected, and the errors the mock logged while serving it. Errors are collected by ``ErrorCapture``,
a logging handler on the ``mockserver`` logger that attributes each ERROR record to the request
being served (a context variable), so the pytest plugin can re-raise them in the test that caused them.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.patterns import RoutePattern

ADMIN_PREFIX = "/__admin"
REDACTED = "redacted"


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One request as the journal keeps it."""

    id: int
    time: int
    """Start, in ms since the epoch."""
    method: str
    path: str
    query: str
    status: int | None
    """None when no response was sent (connection reset, dropped, timed out)."""
    duration_ms: float
    fault: str | None = None
    errors: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "time": self.time, "method": self.method, "path": self.path, "query": self.query,
                "status": self.status, "durationMs": round(self.duration_ms, 3), "fault": self.fault,
                "errors": list(self.errors)}


@dataclasses.dataclass(frozen=True)
class CapturedError:
    """An ERROR logged by the mock while it served ``method path`` (with the exception, if any)."""

    method: str
    path: str
    message: str
    exception: BaseException | None


@dataclasses.dataclass(slots=True)
class Pending:
    """A request in flight; the fault middleware and the error capture annotate it."""

    journal: Journal
    method: str
    path: str
    query: str
    started: float
    started_ms: int
    status: int | None = None
    fault: str | None = None
    errors: list[str] = dataclasses.field(default_factory=list)
    done: bool = False
    finisher: Callable[[Pending], None] | None = None

    def finish(self) -> None:
        """Journal the request now (before a fault cuts the connection: the client must not be faster)."""
        if self.finisher is not None:
            self.finisher(self)


CURRENT: contextvars.ContextVar[Pending | None] = contextvars.ContextVar("mockserver_request", default=None)


def current_request() -> Pending | None:
    """The request being served in this task, if the journal middleware saw it."""
    return CURRENT.get()


class Journal:
    """The last ``size`` requests (thread-safe: the server and a test may use it at once)."""

    def __init__(self, size: int = 1000) -> None:
        self._entries: deque[Entry] = deque(maxlen=max(size, 1))
        self._errors: list[CapturedError] = []
        self._lock = threading.Lock()
        self._next_id = 1
        self.listeners: list[Callable[[Entry], None]] = []

    @property
    def size(self) -> int:
        return self._entries.maxlen or 0

    def record(self, entry: Entry, *, keep: bool = True) -> None:
        """Keep ``entry`` (unless ``keep`` is False: admin requests are only passed to the listeners)."""
        if keep:
            with self._lock:
                self._entries.append(entry)
        for listener in self.listeners:
            listener(entry)

    def next_id(self) -> int:
        with self._lock:
            self._next_id += 1
            return self._next_id - 1

    def entries(self, method: str | None = None, path: str | None = None, limit: int | None = None) -> list[Entry]:
        """Matching entries, newest first (``path`` is a route pattern, see ``mockserver.patterns``)."""
        with self._lock:
            newest_first = list(reversed(self._entries))
        if method or path:
            pattern = RoutePattern.of(method, path)
            newest_first = [e for e in newest_first if pattern.matches(e.method, e.path)]
        return newest_first if limit is None else newest_first[:limit]

    def count(self, method: str | None = None, path: str | None = None) -> int:
        return len(self.entries(method, path))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._errors.clear()

    def add_error(self, error: CapturedError) -> None:
        with self._lock:
            self._errors.append(error)

    def take_errors(self) -> list[CapturedError]:
        """The errors logged since the last call (or ``clear()``), oldest first."""
        with self._lock:
            errors, self._errors = self._errors, []
        return errors


def redact_query(raw: bytes) -> str:
    """The query string with the values of token-like parameters replaced (``?token=…``)."""
    if not raw:
        return ""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if not any("token" in key.lower() or "key" in key.lower() for key, _ in pairs):
        return raw.decode("latin-1")
    return urlencode([(k, REDACTED if "token" in k.lower() or "key" in k.lower() else v) for k, v in pairs])


class JournalMiddleware:
    """Records every request outside ``/__admin`` in ``journal``; cheap: no body or header copies."""

    def __init__(self, app: ASGIApp, journal: Journal) -> None:
        self.app, self.journal = app, journal
        ErrorCapture.install()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        pending = Pending(self.journal, scope["method"], path, redact_query(scope.get("query_string", b"")),
                          time.perf_counter(), time.time_ns() // 1_000_000, finisher=self.finish)
        token = CURRENT.set(pending)

        async def journal_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                pending.status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                self.finish(pending)  # before the last byte leaves: a client never sees a response unjournaled
            await send(message)

        try:
            await self.app(scope, receive, journal_send)
        finally:
            CURRENT.reset(token)
            self.finish(pending)

    def finish(self, pending: Pending) -> None:
        if pending.done:
            return
        pending.done = True
        duration = (time.perf_counter() - pending.started) * 1000
        entry = Entry(self.journal.next_id(), pending.started_ms, pending.method, pending.path, pending.query,
                      pending.status, duration, pending.fault, tuple(pending.errors))
        self.journal.record(entry, keep=not pending.path.startswith(ADMIN_PREFIX))


class ErrorCapture(logging.Handler):
    """Attributes ERROR records of the ``mockserver`` loggers to the request being served."""

    _installed: ErrorCapture | None = None

    def __init__(self) -> None:
        super().__init__(logging.ERROR)

    @classmethod
    def install(cls) -> None:
        """Attach one capture handler to the ``mockserver`` logger (idempotent)."""
        if cls._installed is None:
            cls._installed = cls()
            logging.getLogger("mockserver").addHandler(cls._installed)

    def emit(self, record: logging.LogRecord) -> None:
        pending = CURRENT.get()
        if pending is None:
            return
        message = record.getMessage()
        exception = record.exc_info[1] if record.exc_info else None
        if exception is not None:
            message = f"{message}: {type(exception).__name__}: {exception}"
        pending.errors.append(message)
        pending.journal.add_error(CapturedError(pending.method, pending.path, message, exception))
