"""The reverse proxy: every request goes to the upstream deployment as it came (method, path, query, headers but the
hop-by-hop ones, body), every answer back as it came (status, headers, the body's bytes); the exchange is then
checked against the spec (``SpecCheck``) and recorded (``Findings``).

Bodies are read whole, up to ``max_body_bytes`` each way (a larger request is refused with 413, a larger answer
with 502, both as one line of text); an upstream that does not answer is a 502 with the reason.
"""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

from mockserver.proxy.report import Findings
from mockserver.proxy.spec_check import SpecCheck

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade", "host", "content-length"})
CREDENTIALS = frozenset({"authorization", "cookie", "x-auth-token", "x-admin-key"})
TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class TooLarge(Exception):
    pass


class Proxy:
    """An ASGI app that forwards to ``upstream`` and checks each exchange."""

    def __init__(self, upstream: str, check: SpecCheck, findings: Findings, *, max_body_bytes: int,
                 auth_header: str = "") -> None:
        self.upstream, self.check, self.findings = upstream.rstrip("/"), check, findings
        self.max_body_bytes = max_body_bytes
        self.credentials = CREDENTIALS | ({auth_header.lower()} if auth_header else set())
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        try:
            body = await self._body(receive)
        except TooLarge:
            await _text(send, 413, f"mockserver proxy: request body larger than {self.max_body_bytes} bytes")
            return
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        for name, value in headers:
            if name.lower() in self.credentials:
                self.findings.remember_secret(value)
        forwarded = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP]
        target = self.upstream + scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        request = httpx.Request(scope["method"], target, headers=forwarded, content=body)
        client = self.client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
        try:
            answer = await client.send(request, stream=True)
            try:
                raw = await self._answer(answer)
            finally:
                await answer.aclose()
        except (httpx.HTTPError, TooLarge) as exc:
            reason = (f"answer larger than {self.max_body_bytes} bytes" if isinstance(exc, TooLarge)
                      else f"{type(exc).__name__}: {exc}")
            await _text(send, 502, self.findings.redact(f"mockserver proxy: {self.upstream} failed: {reason}"))
            return
        finally:
            if self.client is None:
                await client.aclose()
        kept = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers.multi_items()
                if name.lower() not in HOP_BY_HOP]
        await send({"type": "http.response.start", "status": answer.status_code,
                    "headers": [*kept, (b"content-length", str(len(raw)).encode())]})
        await send({"type": "http.response.body", "body": raw})
        self._check(scope["method"], scope["path"], request, answer, raw)

    def _check(self, method: str, path: str, request: httpx.Request, answer: httpx.Response, raw: bytes) -> None:
        replayed = httpx.Response(answer.status_code, headers=answer.headers, content=raw, request=request)
        replayed.read()
        self.findings.record(f"{method} {path}", answer.status_code, self.check.check(method, path, replayed))

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

    async def _answer(self, answer: httpx.Response) -> bytes:
        chunks, size = [], 0
        async for chunk in answer.aiter_raw():
            size += len(chunk)
            if size > self.max_body_bytes:
                raise TooLarge
            chunks.append(chunk)
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
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _text(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
