"""Contract checks of a WEBKNOSSOS deployment against the specs in ``spec/webknossos``.

    pytest contract_tests --base-url http://host:9000 --api-version v5 --token $WK_TOKEN

Without ``--base-url`` the suite starts ``mockserver serve`` on 127.0.0.1 and checks the mock.
Read-only (GET) unless ``--allow-writes``; requests are rate-limited (``--rate-limit``).
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis

from mockserver.resources import spec_dir


@dataclasses.dataclass(frozen=True)
class Target:
    base_url: str
    version: str
    token: str | None
    allow_writes: bool
    rate_limit: str
    max_examples: int


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver contract")
    group.addoption("--base-url", default=None, help="Deployment to check, e.g. http://host:9000 (default: a mock)")
    group.addoption("--api-version", default="v5", choices=["v1", "v2", "v3", "v4", "v5"])
    group.addoption("--token", default=os.environ.get("WK_TOKEN"), help="X-Auth-Token (default: $WK_TOKEN)")
    group.addoption("--allow-writes", action="store_true", help="Also send POST/PUT/PATCH/DELETE requests")
    group.addoption("--rate-limit", default="10/s", help="Maximum request rate, e.g. 10/s")
    group.addoption("--max-examples", type=int, default=5, help="Generated cases per operation")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def contract_target(request: pytest.FixtureRequest) -> Iterator[Target]:
    options: dict[str, Any] = {name: request.config.getoption(name) for name in
                               ("base_url", "api_version", "token", "allow_writes", "rate_limit", "max_examples")}
    process = None
    if options["base_url"] is None:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--recipe", "tiny"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        options["base_url"] = f"http://127.0.0.1:{port}"
        options["token"] = options["token"] or _wait_for_admin_token(process, options["base_url"])
    try:
        yield Target(options["base_url"].rstrip("/"), options["api_version"], options["token"],
                     options["allow_writes"], options["rate_limit"], options["max_examples"])
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _wait_for_admin_token(process: subprocess.Popen[str], base_url: str) -> str:
    assert process.stdout is not None
    token = None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if line.split() and line.split()[0] == "admin":
            token = line.split()[-1]
            break
        if time.monotonic() > deadline:
            break
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200 and token:
                return token
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the mock did not start")


def load_schema(config: pytest.Config) -> Any:
    """The spec of ``--api-version``; read-only operations unless ``--allow-writes``."""
    version = config.getoption("api_version")
    schema = schemathesis.openapi.from_path(spec_dir() / "webknossos" / version / "openapi.yaml")
    schema.config.update(rate_limit=config.getoption("rate_limit"))
    if not config.getoption("allow_writes"):
        schema = schema.include(method=["GET", "HEAD"])
    return schema


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per operation of the chosen version."""
    if "operation" in metafunc.fixturenames:
        operations = [result.ok() for result in load_schema(metafunc.config).get_all_operations()]
        metafunc.parametrize("operation", operations, ids=[f"{o.method.upper()} {o.path}" for o in operations])
