"""``mockserver serve`` as a subprocess for the client tests, and the client version under test.

The mock runs in its own interpreter (``MOCKSERVER_PYTHON``, default: this checkout's ``.venv``),
because the client pins ``httpx<=0.24.1`` and ``rich<11`` and so cannot share an environment
with the mock. Every test compares what the client returns with what the mock's REST API says.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from webknossos.version import __version__ as CLIENT_VERSION

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RECIPE = HERE / "recipe.yaml"
ROLES = ("admin", "manager", "user")


def client_version() -> tuple[int, ...]:
    return tuple(int(part) for part in CLIENT_VERSION.split(".")[:3])


def api_prefix() -> str:
    """The WK route prefix the client under test uses: 0.14.4 and later pin ``/api/v5``, older ones ``/api``."""
    return "/api/v5" if client_version() >= (0, 14, 4) else "/api"


def mock_python() -> str:
    configured = os.environ.get("MOCKSERVER_PYTHON")
    if configured:
        return configured
    default = ROOT / ".venv" / "bin" / "python"
    if not default.exists():
        raise RuntimeError("set MOCKSERVER_PYTHON to a Python that has mockserver installed")
    return str(default)


class Mock:
    """A ``mockserver serve`` subprocess (stdin closed, free port) and REST access to its world."""

    def __init__(self, *args: str) -> None:
        command = [mock_python(), "-m", "mockserver", "serve", "--host", "127.0.0.1", "--port", "0",
                   "--log-level", "warning", *args]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKSERVER_", "WK_"))}
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        self.lines: list[str] = []
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        self.url, self.tokens, self.emails = self._banner()
        self._wait_healthy()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _banner(self) -> tuple[str, dict[str, str], dict[str, str]]:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mockserver serve exited:\n" + "".join(self.lines))
            parsed = parse_banner(self.lines)
            if parsed is not None:
                return parsed
            time.sleep(0.1)
        raise RuntimeError("no banner from mockserver serve:\n" + "".join(self.lines))

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("mockserver did not answer /api/health:\n" + "".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        self.drain.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def request(self, method: str, path: str, role: str | None = "admin", **kwargs: Any) -> httpx.Response:
        """A request to ``/api/v5{path}`` as ``role`` (the mock's own view of the world)."""
        headers = {"X-Auth-Token": self.tokens[role]} if role else {}
        response = httpx.request(method, f"{self.url}/api/v5{path}", headers=headers, timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def get(self, path: str, role: str | None = "admin", **params: Any) -> Any:
        return self.request("GET", path, role, params=params).json()


def parse_banner(lines: list[str]) -> tuple[str, dict[str, str], dict[str, str]] | None:
    """Server URL and the ``<role> <email> <token>`` lines of the start-up banner, once all are printed."""
    url = next((line.split()[2] for line in lines if line.split()[:2] == ["server", "URL"]), None)
    users = {parts[0]: parts for parts in (line.split() for line in lines) if len(parts) == 3 and parts[0] in ROLES}
    if url is None or set(users) != set(ROLES):
        return None
    return url, {r: p[2] for r, p in users.items()}, {r: p[1] for r, p in users.items()}
