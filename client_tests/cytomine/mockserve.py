"""``mockserver serve --api cytomine`` as a subprocess for the client tests, and the client release under test.

The mock runs in its own interpreter (``MOCKSERVER_PYTHON``, default: this checkout's ``.venv``), because
``cytomine-python-client`` 4.x pins its dependencies exactly. The key pairs are read from the start-up banner,
as a user would copy them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ROLES = ("admin", "user", "guest")
CLIENT_VERSION = version("cytomine-python-client")


def mock_python() -> str:
    configured = os.environ.get("MOCKSERVER_PYTHON")
    if configured:
        return configured
    default = ROOT / ".venv" / "bin" / "python"
    if not default.exists():
        raise RuntimeError("set MOCKSERVER_PYTHON to a Python that has mockserver installed")
    return str(default)


@dataclass
class Banner:
    url: str | None = None
    admin_key: str | None = None
    users: dict[str, dict[str, str]] = field(default_factory=dict)
    """role → {"username", "token", "publicKey", "privateKey"}."""

    @property
    def complete(self) -> bool:
        return bool(self.url and self.admin_key) and all(len(self.users.get(r, {})) == 4 for r in ROLES)


def parse_banner(lines: list[str]) -> Banner:
    """Server URL, admin key, and each ``<role> <username> Bearer <token>`` line with its key lines under it."""
    banner, role = Banner(), None
    for line in lines:
        parts = line.split()
        if parts[:2] == ["server", "URL"]:
            banner.url = parts[2]
        elif parts[:1] == ["__admin"] and "X-Admin-Key:" in parts:
            banner.admin_key = parts[parts.index("X-Admin-Key:") + 1]
        elif len(parts) == 4 and parts[0] in ROLES and parts[2] == "Bearer":
            role = parts[0]
            banner.users[role] = {"username": parts[1], "token": parts[3]}
        elif len(parts) == 2 and parts[0] in ("publicKey", "privateKey") and role:
            banner.users[role][parts[0]] = parts[1]
    return banner


class Mock:
    """A ``mockserver serve --api cytomine`` subprocess on 127.0.0.1 (free port) and REST access to its world."""

    def __init__(self, *args: str) -> None:
        command = [mock_python(), "-m", "mockserver", "serve", "--api", "cytomine", "--host", "127.0.0.1",
                   "--port", "0", "--log-level", "warning", *args]
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
        self.lines: list[str] = []
        threading.Thread(target=self._drain, daemon=True).start()
        self.banner = self._wait_for_banner()
        assert self.banner.url is not None
        self.url = self.banner.url
        self.host = self.url.removeprefix("http://")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def _wait_for_banner(self) -> Banner:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("mockserver serve exited:\n" + "".join(self.lines))
            banner = parse_banner(list(self.lines))
            if banner.complete:
                with contextlib.suppress(requests.RequestException):
                    if requests.get(f"{banner.url}/server/ping", timeout=2).status_code == 200:
                        return banner
            time.sleep(0.1)
        raise RuntimeError("no banner from mockserver serve:\n" + "".join(self.lines))

    def keys(self, role: str) -> tuple[str, str]:
        user = self.banner.users[role]
        return user["publicKey"], user["privateKey"]

    def reset(self) -> None:
        response = requests.post(f"{self.url}/__admin/reset", headers={"X-Admin-Key": self.banner.admin_key or ""},
                                 timeout=30)
        response.raise_for_status()

    def get(self, path: str, role: str = "admin", **params: Any) -> Any:
        """The mock's own answer to ``GET /api/{path}`` (bearer token of ``role``)."""
        headers = {"Authorization": f"Bearer {self.banner.users[role]['token']}"}
        response = requests.get(f"{self.url}/api/{path}", headers=headers, params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)
        if self.process.stdout is not None:
            self.process.stdout.close()
