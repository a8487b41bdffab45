"""WireMock 3.x and Mockoon CLI, the peers besides Prism: npm-installed into a cache folder outside the checkout
(like ``prism.py``), each serving the mock's own ``GET /api/v5/users`` bytes statically from one stub.

``wiremock_root`` and ``mockoon_environment`` only write files (tested in ``tests/test_benchmark_harness.py``);
``install_*`` raise ``PeerUnavailable`` with the reason when the peer cannot be had here (no npm, no registry,
no Java), and the scenario is then skipped saying so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.performance.servers import HOST, ServerProcess, free_port
from benchmarks.performance.wrk import CONNECTIONS

CACHE_ROOT = Path.home() / ".cache" / "mockserver-bench"
PATH = "/api/v5/users"
"""Both peers serve the list at the mock's own path (neither drops a base path, as Prism does)."""

WIREMOCK_VERSION = "3.13.2"
WIREMOCK_CACHE = CACHE_ROOT / "wiremock"
WIREMOCK_THREADS = CONNECTIONS + 5
"""Jetty's container threads: one per wrk connection plus a few for acceptors and selectors (WireMock's default
is 25 as well; stated so that a change of ``CONNECTIONS`` keeps it fair)."""
WIREMOCK_OPTIONS = ("--disable-banner", "--no-request-journal", "--disable-request-logging",
                    "--container-threads", str(WIREMOCK_THREADS))
JVM_WARMUP_FACTOR = 2
JVM_WARMUP_MIN_S = 5.0
"""WireMock gets this many times the usual warm-up, and at least this many seconds, before it is measured (the JIT
compiles the hot path first; ``--quick``'s 1 s would measure a cold JVM)."""


def jvm_warmup(warmup: float) -> float:
    """Seconds of warm-up for the JVM given the run's usual ``warmup``."""
    return max(JVM_WARMUP_MIN_S, warmup * JVM_WARMUP_FACTOR)

MOCKOON_VERSION = "9.9.0"
MOCKOON_CACHE = CACHE_ROOT / "mockoon"
MOCKOON_BINARY = MOCKOON_CACHE / "node_modules" / ".bin" / "mockoon-cli"
MOCKOON_OPTIONS = ("--disable-log-to-file", "--disable-admin-api", "--max-transaction-logs", "0")
MOCKOON_MIGRATION = 33
"""The data-file format of Mockoon 9.x (``lastMigration``): newer files are refused, older ones migrated."""


class PeerUnavailable(RuntimeError):
    """A peer cannot be installed or run here; the message says why."""


def npm_install(cache: Path, package: str, find: Callable[[], Path | None]) -> Path:
    """``find()`` in ``cache``, after ``npm install --prefix cache package`` if it found nothing yet."""
    found = find()
    if found is not None:
        return found
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise PeerUnavailable(f"{package}: npm/node are not installed (apt-get install nodejs npm)")
    cache.mkdir(parents=True, exist_ok=True)
    try:
        completed = subprocess.run(["npm", "install", "--prefix", str(cache), package, "--no-audit", "--no-fund"],
                                   capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        raise PeerUnavailable(f"npm install {package} took more than 10 minutes (no registry?)") from None
    found = find()
    if completed.returncode != 0 or found is None:
        tail = (completed.stderr or completed.stdout).strip()[-400:]
        raise PeerUnavailable(f"npm install {package} failed (no network or registry?): {tail}")
    return found


def _wiremock_jar() -> Path | None:
    return next(iter(sorted((WIREMOCK_CACHE / "node_modules" / "wiremock").rglob("wiremock-standalone-*.jar"))),
                None)


def install_wiremock() -> tuple[str, Path]:
    """(java, the standalone jar the npm package ``wiremock`` ships)."""
    java = shutil.which("java")
    if java is None:
        raise PeerUnavailable("no Java runtime for WireMock (apt-get install default-jre-headless)")
    return java, npm_install(WIREMOCK_CACHE, f"wiremock@{WIREMOCK_VERSION}", _wiremock_jar)


def install_mockoon() -> Path:
    return npm_install(MOCKOON_CACHE, f"@mockoon/cli@{MOCKOON_VERSION}",
                       lambda: MOCKOON_BINARY if MOCKOON_BINARY.exists() else None)


def java_version(java: str) -> str:
    completed = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)
    return (completed.stderr or completed.stdout).splitlines()[0].strip() if completed.returncode == 0 else "?"


def wiremock_root(root: Path, users: bytes) -> Path:
    """A WireMock root folder: one mapping (``GET /api/v5/users``, nothing else matched: a static stub, like the
    Mockoon route) whose response body is ``users`` inline (held in memory, not read from ``__files`` per request),
    as ``application/json``."""
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "__files").mkdir(parents=True, exist_ok=True)
    mapping = {"request": {"method": "GET", "url": PATH},
               "response": {"status": 200, "body": users.decode("utf-8"),
                            "headers": {"Content-Type": "application/json"}}}
    (root / "mappings" / "users.json").write_text(json.dumps(mapping, indent=2), encoding="utf-8")
    return root


def wiremock_command(java: str, jar: Path, root: Path, port: int) -> list[str]:
    return [java, "-jar", str(jar), "--port", str(port), "--bind-address", HOST, "--root-dir", str(root),
            *WIREMOCK_OPTIONS]


def wiremock_server(workdir: Path, java: str, jar: Path, users: bytes, token: str) -> ServerProcess:
    """``java -jar`` directly (killing the npm launcher would leave the JVM running)."""
    root = wiremock_root(workdir / "wiremock", users)
    port = free_port()
    return ServerProcess("WireMock", wiremock_command(java, jar, root, port), port, PATH, workdir / "wiremock.log",
                         headers={"X-Auth-Token": token})


def mockoon_environment(users: bytes, port: int) -> dict[str, Any]:
    """A Mockoon data file with one route, ``GET api/v5/users``, answering ``users`` inline with templating off
    (so the body is sent as it is, not parsed for Handlebars helpers), no CORS headers, no proxy."""
    ids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"mockserver-bench/{part}")) for part in ("env", "route", "answer")]
    response = {"uuid": ids[2], "body": users.decode("utf-8"), "latency": 0, "statusCode": 200, "label": "users",
                "headers": [{"key": "Content-Type", "value": "application/json"}], "bodyType": "INLINE",
                "filePath": "", "databucketID": "", "sendFileAsBody": False, "rules": [], "rulesOperator": "OR",
                "disableTemplating": True, "fallbackTo404": False, "default": True, "crudKey": "id", "callbacks": []}
    route = {"uuid": ids[1], "type": "http", "documentation": "", "method": "get", "endpoint": PATH.lstrip("/"),
             "responses": [response], "responseMode": None, "streamingMode": None, "streamingInterval": 0}
    tls = {"enabled": False, "type": "CERT", "pfxPath": "", "certPath": "", "keyPath": "", "caPath": "",
           "passphrase": ""}
    return {"uuid": ids[0], "lastMigration": MOCKOON_MIGRATION, "name": "mockserver-bench", "port": port,
            "hostname": HOST, "endpointPrefix": "", "latency": 0, "folders": [],
            "rootChildren": [{"type": "route", "uuid": ids[1]}], "routes": [route], "proxyMode": False,
            "proxyHost": "", "proxyRemovePrefix": False, "tlsOptions": tls, "cors": False, "headers": [],
            "proxyReqHeaders": [], "proxyResHeaders": [], "data": [], "callbacks": []}


def mockoon_command(binary: Path, data: Path, port: int) -> list[str]:
    return [str(binary), "start", "--data", str(data), "--port", str(port), "--hostname", HOST, *MOCKOON_OPTIONS]


def mockoon_server(workdir: Path, binary: Path, users: bytes, token: str) -> ServerProcess:
    port = free_port()
    data = workdir / "mockoon.json"
    data.write_text(json.dumps(mockoon_environment(users, port)), encoding="utf-8")
    return ServerProcess("Mockoon CLI", mockoon_command(binary, data, port), port, PATH, workdir / "mockoon.log",
                         headers={"X-Auth-Token": token})


def npm_version(cache: Path, package: str) -> str:
    try:
        manifest = json.loads((cache / "node_modules" / package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "?"
    return str(manifest.get("version", "?"))
