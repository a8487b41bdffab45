"""What passed through the proxy (``Exchange``) and the ``Inspector`` that looks at it after the client had its answer:
the spec check and the findings, then each listener (the recorder), one exchange after the other in one background
thread, in the order the answers were passed on."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import dataclasses
import datetime
import logging
from collections.abc import Callable

import httpx

from mockserver.proxy.report import Findings
from mockserver.proxy.spec_check import SpecCheck

logger = logging.getLogger("mockserver.proxy")
MAX_PENDING = 64
"""Exchanges waiting for their check at most; beyond, the proxy waits for the oldest before it takes the next."""


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request and the answer passed on: ``body`` the answer's first ``max_body_bytes`` bytes as they came
    (``complete``: all of it), ``url`` the upstream URL the request went to, ``path`` the path the client asked."""

    method: str
    path: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    complete: bool
    size: int
    """The answer's length in bytes as it came (all of it, kept or not)."""
    started: datetime.datetime
    seconds: float
    broken: str = ""
    """Why the answer ended early (the upstream failed in the middle of it), or empty."""

    def response(self) -> httpx.Response:
        """The answer as httpx reads it (content decoded), with its request as sent (headers and body: the domain
        checks read them); only for a complete body."""
        request = httpx.Request(self.method, self.url, headers=list(self.request_headers), content=self.request_body)
        answer = httpx.Response(self.status, headers=list(self.headers), content=self.body, request=request)
        answer.read()
        return answer


Listener = Callable[[Exchange, httpx.Response | None], None]
"""Called with each exchange after its check; the decoded answer, or None where the body was not kept whole."""


class Inspector:
    """Checks exchanges in a background thread; ``drain`` waits for every pending one (at shutdown)."""

    def __init__(self, check: SpecCheck, findings: Findings, max_body_bytes: int,
                 listeners: tuple[Listener, ...] = ()) -> None:
        self.check, self.findings, self.max_body_bytes = check, findings, max_body_bytes
        self.listeners = listeners
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mockserver-proxy-check")
        self._pending: collections.deque[concurrent.futures.Future[None]] = collections.deque()

    async def submit(self, exchange: Exchange) -> None:
        """Queue ``exchange`` for its check (waiting for the oldest when ``MAX_PENDING`` are queued)."""
        while self._pending and self._pending[0].done():
            self._pending.popleft()
        self._pending.append(self._pool.submit(self.inspect, exchange))
        if len(self._pending) > MAX_PENDING:
            await asyncio.wrap_future(self._pending.popleft())

    def drain(self) -> None:
        """Wait until every queued exchange was checked and passed to the listeners."""
        self._pool.shutdown(wait=True)
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="mockserver-proxy-check")
        self._pending.clear()

    def inspect(self, exchange: Exchange) -> None:
        request = f"{exchange.method} {exchange.path}"
        answer: httpx.Response | None = None
        if not exchange.complete:
            self.findings.record(request, exchange.status, [],
                                 unchecked=exchange.broken or f"body larger than {self.max_body_bytes} bytes")
        else:
            try:
                answer = exchange.response()
            except httpx.DecodingError as exc:
                self.findings.record(request, exchange.status, [], unchecked=f"body not decodable ({exc})")
            else:
                self._check(request, exchange, answer)
        for listener in self.listeners:
            try:
                listener(exchange, answer)
            except Exception:  # a listener's failure must not stop the checks of the next exchanges
                logger.exception("mockserver proxy: %s failed on %s", getattr(listener, "__name__", listener),
                                 self.findings.redact(request))

    def _check(self, request: str, exchange: Exchange, answer: httpx.Response) -> None:
        try:
            violations = self.check.check(exchange.method, exchange.path, answer)
        except Exception as exc:  # a check that breaks leaves the exchange unchecked, never the proxy stopped
            self.findings.record(request, exchange.status, [], unchecked=f"check failed ({type(exc).__name__})")
            return
        self.findings.record(request, exchange.status, violations)
