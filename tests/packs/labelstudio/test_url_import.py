"""``POST /api/project/import`` with a form ``url=…``: the mock fetches the file as the real server does."""

from __future__ import annotations

import dataclasses
import http.server
import threading
import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.labelstudio import urlimport


class Files(http.server.BaseHTTPRequestHandler):
    """``/tasks.json``, ``/photo.jpg``, ``/no-length.json`` (no Content-Length), ``/slow.json`` (2 s); else 404."""

    def do_GET(self) -> None:
        bodies = {"/tasks.json": b'[{"image": "a.jpg"}, {"image": "b.jpg"}]', "/photo.jpg": b"\xff\xd8 jpeg",
                  "/no-length.json": b'{"image": "c.jpg"}', "/slow.json": b'{"image": "d.jpg"}'}
        body = bodies.get(self.path)
        if body is None:
            self.send_error(404, "File not found")
            return
        if self.path == "/slow.json":
            time.sleep(2)
        self.send_response(200)
        if self.path != "/no-length.json":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def detail(client: TestClient, url: str) -> str:
    answer = client.post("/api/project/import", data={"url": url})
    assert answer.status_code == 500
    return str(answer.json()["detail"])


def test_a_json_file_and_an_image_by_url(fresh: TestClient, served: str) -> None:
    answer = fresh.post("/api/project/import", data={"url": f"{served}/tasks.json"})
    assert answer.status_code == 201 and answer.json()["formats"] == {".json": 1}
    assert answer.json()["new_task_ids"] == [0, 1]
    photo = fresh.post("/api/project/import", data={"url": f"{served}/photo.jpg"}).json()
    assert photo["formats"] == {".jpg": 1}
    stored = fresh.get("/api/tasks/2").json()["data"]["image"]
    assert stored.endswith("-photo.jpg") and "/data/upload/" in stored
    assert fresh.get("/data/upload/" + stored.rsplit("/", 1)[1]).content == b"\xff\xd8 jpeg"


def test_failures_are_the_real_texts(fresh: TestClient, served: str) -> None:
    assert detail(fresh, f"{served}/nothing.json") == "HTTP Error 404: File not found"
    assert detail(fresh, "http://127.0.0.1:9/x.json") == "<urlopen error [Errno 111] Connection refused>"
    assert detail(fresh, "tasks.json") == "unknown url type: 'tasks.json'"
    assert detail(fresh, f"{served}/no-length.json") == (
        "int() argument must be a string, a bytes-like object or a number, not 'NoneType'")
    answer = fresh.post("/api/project/import", data={"link": f"{served}/tasks.json"})
    assert answer.json()["detail"].startswith("400 Bad Request: The browser (or proxy)")
    assert fresh.get("/api/tasks").json() == []


def test_a_backend_that_does_not_answer_is_given_up_on(fresh: TestClient, served: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urlimport, "TIMEOUT", 0.3)
    started = time.monotonic()
    assert detail(fresh, f"{served}/slow.json") == "timed out"
    assert time.monotonic() - started < 1.5


def test_a_file_larger_than_the_body_limit_is_refused(fresh: TestClient, served: str, empty_app: MockApp,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    backend = empty_app.backend
    monkeypatch.setattr(backend, "settings", dataclasses.replace(backend.settings, max_body_bytes=10))
    assert "more than this mock reads (--max-body-bytes 10)" in detail(fresh, f"{served}/tasks.json")
