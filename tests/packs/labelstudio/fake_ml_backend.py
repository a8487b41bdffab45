"""A fake Label Studio ML backend on 127.0.0.1 for tests: the routes of ``label_studio.ml.api`` (``/health``,
``/setup``, ``/predict``, ``/train``, ``/is_training``, ``/job_status``, and ``/delete``, which Label Studio calls
although the SDK's server has no such route), deterministic answers, and a record of every call it received.

    with FakeMLBackend.running() as backend:
        ...  # point Label Studio at backend.url; then read backend.calls
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclasses.dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


def prediction(task: dict[str, Any], version: str) -> dict[str, Any]:
    """One deterministic prediction of a task: a choice and a score that depend on the task's data only."""
    data = json.dumps(task.get("data"), sort_keys=True)
    score = round(sum(data.encode()) % 97 / 100, 2)
    return {"model_version": version, "score": score,
            "result": [{"from_name": "choice", "to_name": "image", "type": "choices",
                        "value": {"choices": ["Cat" if score < 0.5 else "Dog"]}}]}


@dataclasses.dataclass
class FakeMLBackend:
    """What the backend answers is set by its fields; ``calls`` is what it received, in order."""

    url: str = ""
    calls: list[Call] = dataclasses.field(default_factory=list)
    failing: set[str] = dataclasses.field(default_factory=set)
    """Paths answered with 500 ``fake failure``."""
    overrides: dict[str, tuple[int, Any]] = dataclasses.field(default_factory=dict)
    """Path → (status, answer) instead of the route's own; an answer of bytes is sent as it is (not JSON)."""
    delay: float = 0.0
    """Seconds every answer waits (a backend that does not answer in time)."""
    training: bool = False
    """``/is_training`` says a job is running."""
    job_ids: bool = False
    """``/train`` answers ``{"job": "job-<n>"}`` (as the SDK with Redis) instead of ``{}``."""
    trained: int = 0

    @property
    def version(self) -> str:
        return f"fake-{self.trained}"

    def paths(self) -> list[str]:
        return [call.path for call in self.calls]

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path in self.failing:
            return 500, "fake failure"
        if path in self.overrides:
            return self.overrides[path]
        route = ROUTES.get((method, path))
        return (404, "not found") if route is None else route(self, body)

    @classmethod
    @contextlib.contextmanager
    def running(cls) -> Iterator[FakeMLBackend]:
        backend = cls()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(backend))
        server.daemon_threads = True
        backend.url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, name="fake-ml-backend", daemon=True)
        thread.start()
        try:
            yield backend
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


def _health(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {"status": "UP", "model_dir": "/fake/models"}


def _setup(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {"model_version": backend.version}


def _predict(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {"results": [prediction(task, backend.version) for task in body["tasks"]],
                 "model_version": backend.version}


def _train(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    if not body["completions"]:
        return 400, "No completions found."
    backend.trained += 1
    return 201, {"job": f"job-{backend.trained}"} if backend.job_ids else {}


def _is_training(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {"is_training": backend.training, "backend": "none", "model_version": backend.version}


def _job_status(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {"job_status": "started" if backend.training else "finished", "error": None}


def _delete(backend: FakeMLBackend, body: Any) -> tuple[int, Any]:
    return 200, {}


ROUTES: dict[tuple[str, str], Callable[[FakeMLBackend, Any], tuple[int, Any]]] = {
    ("GET", "/health"): _health, ("POST", "/setup"): _setup, ("POST", "/predict"): _predict,
    ("POST", "/train"): _train, ("GET", "/is_training"): _is_training, ("POST", "/job_status"): _job_status,
    ("POST", "/delete"): _delete,
}


def _handler(backend: FakeMLBackend) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            backend.calls.append(Call(self.command, parts.path, parse_qs(parts.query), body))
            if backend.delay:
                time.sleep(backend.delay)
            status, answer = backend.answer(self.command, parts.path, body)
            content = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
