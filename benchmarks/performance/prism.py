"""Stoplight Prism, the peer: npm-installed into a cache folder outside the checkout, fed one
self-contained v5 document whose ``GET /users`` example is the mock's own 50-user list.

Prism drops the ``servers`` base path: the v5 ``/api/v5/users`` is served at ``/users``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.performance.servers import HOST, ServerProcess, free_port

VERSION = "5.16.0"
CACHE = Path.home() / ".cache" / "mockserver-bench" / "prism"
BINARY = CACHE / "node_modules" / ".bin" / "prism"
PATH = "/users"
SPECS = ("whole v5", "one route")
"""The documents Prism serves: the whole v5 document, or only its ``GET /users`` operation."""
LOADS = {"whole v5": "users", "one route": "users (one-route spec)"}


class PrismUnavailable(RuntimeError):
    """Prism cannot be installed or run here (no npm, no registry)."""


def install() -> Path:
    """The ``prism`` binary, npm-installed into ``CACHE`` on first use."""
    if BINARY.exists():
        return BINARY
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise PrismUnavailable("npm/node are not installed")
    CACHE.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(["npm", "install", "--prefix", str(CACHE), f"@stoplight/prism-cli@{VERSION}",
                                "--no-audit", "--no-fund"], capture_output=True, text=True, timeout=600, check=False)
    if completed.returncode != 0 or not BINARY.exists():
        raise PrismUnavailable(f"npm install failed: {(completed.stderr or completed.stdout)[-500:]}")
    return BINARY


def version(binary: Path) -> str:
    completed = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=60, check=False)
    return completed.stdout.strip() or "?"


def spec_document(users: bytes, kind: str = "whole v5") -> dict[str, Any]:
    """The v5 document bundled into one file (``SpecLoader.bundle``), ``users`` as the list's example;
    for ``one route`` only ``GET /users`` and its 200 response (with the components it references)."""
    from mockserver.specs import SpecLoader, spec_path

    document = SpecLoader().bundle(spec_path("webknossos", "v5"))
    operation = document["paths"]["/users"]["get"]
    media = operation["responses"]["200"]["content"]["application/json"]
    media.pop("examples", None)
    media["example"] = json.loads(users)
    if kind == "one route":
        operation["responses"] = {"200": operation["responses"]["200"]}
        document["paths"] = {"/users": {"get": operation}}
    return document


def prism_server(workdir: Path, binary: Path, kind: str, users: bytes, token: str) -> ServerProcess:
    spec = workdir / f"prism-{kind.replace(' ', '-')}.json"
    spec.write_text(json.dumps(spec_document(users, kind)))
    port = free_port()
    command = [str(binary), "mock", "-h", HOST, "-p", str(port), "-v", "error", str(spec)]
    return ServerProcess(f"Stoplight Prism ({kind})", command, port, PATH, workdir / f"{spec.stem}.log",
                         headers={"X-Auth-Token": token})
