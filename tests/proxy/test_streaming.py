"""The proxy streams answers: chunk by chunk as they arrive, with the upstream's Content-Length or chunked as it
came; an answer beyond the body bound passes whole and is reported unchecked; the spec check runs after the client
has its answer, and the findings see every exchange once the proxy stopped."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from mockserver import Settings
from mockserver.pack import load_pack
from mockserver.proxy.exchange import Inspector
from mockserver.proxy.forward import Proxy
from mockserver.proxy.report import Findings
from mockserver.proxy.spec_check import SpecCheck, Violation
from tests.contract.served import served
from tests.serving import serving

CHUNKS = [b"first chunk;", b"second chunk;", b"x" * 5000]


@pytest.fixture(scope="module")
def check() -> SpecCheck:
    return SpecCheck(load_pack("labelstudio"))


def proxy(url: str, check: Any, max_body_bytes: int) -> tuple[Proxy, Findings]:
    findings = Findings()
    return Proxy(url, Inspector(check, findings, max_body_bytes), max_body_bytes=max_body_bytes), findings


def test_an_answer_beyond_the_bound_passes_whole_and_is_reported_unchecked(check: SpecCheck) -> None:
    with served(Settings(api="labelstudio", recipe="tiny")) as upstream:
        direct = httpx.get(f"{upstream.url}/api/project")
        app, findings = proxy(upstream.url, check, max_body_bytes=100)
        with TestClient(app) as client:
            passed = client.get("/api/project")
            small = client.get("/api/health")
    assert len(direct.content) > 100
    assert passed.status_code == 200 and passed.content == direct.content
    assert passed.headers["content-length"] == direct.headers["content-length"]
    assert small.status_code == 200 and findings.exchanges == 2 and findings.found == []
    assert findings.unchecked == [(1, "GET /api/project → 200", "body larger than 100 bytes")]
    assert "unchecked: body larger than 100 bytes (1×)" in findings.summary()
    assert findings.exit_code == 0


def test_a_chunked_answer_is_passed_on_chunk_by_chunk_as_it_arrives(check: SpecCheck) -> None:
    first_arrived = threading.Event()

    async def upstream(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": CHUNKS[0], "more_body": True})
        # the rest only once the client has the first chunk: a proxy that waits for the whole answer gets another
        arrived = await asyncio.to_thread(first_arrived.wait, 5)
        for chunk in CHUNKS[1:] if arrived else [b"too late"]:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    with serving(upstream) as upstream_url:
        app, findings = proxy(upstream_url, check, max_body_bytes=1 << 20)
        with serving(app, lifespan="on") as proxy_url, httpx.stream("GET", f"{proxy_url}/api/health",
                                                                    timeout=5) as answer:
            received = answer.iter_raw()
            first = next(received)
            first_arrived.set()
            body = first + b"".join(received)
            headers = answer.headers
    assert first == CHUNKS[0]
    assert body == b"".join(CHUNKS)
    assert headers.get("transfer-encoding") == "chunked" and "content-length" not in headers
    assert findings.exchanges == 1 and findings.unchecked == []


class SlowCheck:
    """A spec check that waits for the test's word: the answer must not wait for it."""

    def __init__(self) -> None:
        self.go = threading.Event()

    def check(self, method: str, path: str, response: httpx.Response) -> list[Violation]:
        assert self.go.wait(10), "the check was never released"
        return [Violation(f"{method} {path}", "slow_check", "seen")]


def test_the_client_has_its_answer_before_the_check_and_stopping_waits_for_every_check() -> None:
    slow = SlowCheck()
    with served(Settings(api="labelstudio", recipe="tiny")) as upstream:
        app, findings = proxy(upstream.url, slow, max_body_bytes=1 << 20)
        with TestClient(app) as client:
            answers = [client.get("/api/health").status_code for _ in range(3)]
            assert findings.exchanges == 0  # answered, not yet checked
            slow.go.set()
    assert answers == [200, 200, 200]
    assert findings.exchanges == 3 and [number for number, _, _ in findings.found] == [1, 2, 3]


def test_an_upstream_that_breaks_off_its_answer_closes_the_clients_connection_and_is_reported_unchecked(
        check: SpecCheck) -> None:
    listening = socket.create_server(("127.0.0.1", 0))

    def upstream() -> None:  # promises 100 bytes, sends 10, hangs up
        connection, _ = listening.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n0123456789")

    thread = threading.Thread(target=upstream, daemon=True)
    thread.start()
    app, findings = proxy(f"http://127.0.0.1:{listening.getsockname()[1]}", check, max_body_bytes=1 << 20)
    try:
        with serving(app, lifespan="on") as proxy_url, pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{proxy_url}/api/health", timeout=5)
    finally:
        listening.close()
    assert findings.exchanges == 1 and findings.found == []
    assert findings.unchecked == [(1, "GET /api/health → 200", "upstream broke off the answer (RemoteProtocolError)")]
