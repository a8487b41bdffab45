"""The reverse proxy: every request goes to the upstream deployment as it came (method, path, query, headers but the
hop-by-hop ones, body), every answer back as it came (status, headers, the body's bytes, chunk by chunk as they
arrive: with the upstream's Content-Length where it sent one, chunked otherwise); the ``Inspector`` looks at the
exchange after the client had its answer.

A request body is read whole before it is forwarded (so that the exchange can be checked and recorded as sent), up to
``max_body_bytes``: a larger one is refused with 413. An answer is never refused: its first ``max_body_bytes`` are
kept for the check, and a larger one is passed on whole but reported unchecked. An upstream that does not answer is a
502 with the reason, as one line of text.
"""

from __future__ import annotations

import datetime
import time

import httpx
from starlette.types import Receive, Scope, Send

from mockserver.har import CREDENTIAL_HEADERS
from mockserver.proxy.exchange import Exchange, Inspector
from mockserver.proxy.report import Findings

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "host", "content-length"})
TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class TooLarge(Exception):
    pass


class Proxy:
    """An ASGI app that forwards to ``upstream``; each exchange goes to ``inspector`` once its answer was sent."""

    def __init__(self, upstream: str, inspector: Inspector, *, max_body_bytes: int, auth_header: str = "") -> None:
        self.upstream, self.inspector = upstream.rstrip("/"), inspector
        self.max_body_bytes = max_body_bytes
        self.credentials = CREDENTIAL_HEADERS | ({auth_header.lower()} if auth_header else set())
        self.client: httpx.AsyncClient | None = None

    @property
    def findings(self) -> Findings:
        return self.inspector.findings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            body = await self._body(receive)
        except TooLarge:
            await _text(send, 413, f"mockserver proxy: request body larger than {self.max_body_bytes} bytes "
                                   "(a request is read whole before it is forwarded)")
            return
        request = self._request(scope, body)
        started, clock = datetime.datetime.now(datetime.UTC), time.monotonic()
        client = self.client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
        try:
            try:
                answer = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                await _text(send, 502, self.findings.redact(f"mockserver proxy: {self.upstream} failed: "
                                                            f"{type(exc).__name__}: {exc}"))
                return
            try:
                kept, size, broken = await self._pass_on(answer, send)
            finally:
                await answer.aclose()
        finally:
            if self.client is None:
                await client.aclose()
        await self.inspector.submit(Exchange(
            scope["method"], scope["path"], str(request.url), tuple(request.headers.multi_items()), body,
            answer.status_code, tuple(answer.headers.multi_items()), kept, size <= self.max_body_bytes and not broken,
            size, started, time.monotonic() - clock, broken))

    def _request(self, scope: Scope, body: bytes) -> httpx.Request:
        """The request to the upstream: the client's but for the hop-by-hop headers (its credentials remembered, to
        be redacted from every output)."""
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        for name, value in headers:
            if name.lower() in self.credentials:
                self.findings.remember_secret(value)
        target = self.upstream + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        return httpx.Request(scope["method"], target, content=body,
                             headers=[(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP])

    async def _pass_on(self, answer: httpx.Response, send: Send) -> tuple[bytes, int, str]:
        """Send ``answer`` on as its chunks arrive: its first ``max_body_bytes``, its whole length and why it broke
        off (an upstream that fails in the middle: the client's connection is closed without the answer's end)."""
        kept = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers.multi_items()
                if name.lower() not in HOP_BY_HOP]
        if "content-length" in answer.headers:
            kept.append((b"content-length", answer.headers["content-length"].encode("latin-1")))
        await send({"type": "http.response.start", "status": answer.status_code, "headers": kept})
        chunks, size = [], 0
        try:
            async for chunk in answer.aiter_raw():
                if size < self.max_body_bytes:
                    chunks.append(chunk[:self.max_body_bytes - size])
                size += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError as exc:
            return b"".join(chunks), size, f"upstream broke off the answer ({type(exc).__name__})"
        await send({"type": "http.response.body", "body": b""})
        return b"".join(chunks), size, ""

    async def _body(self, receive: Receive) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                self.inspector.drain()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _text(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
