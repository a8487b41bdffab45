"""``mockserver serve`` as users run it: a real uvicorn process on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.settings import derived_admin_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """One ``mockserver serve`` process on a free port, its output kept in ``lines``; ready once ``probe`` answers
    (a subclass may probe otherwise)."""

    wait_seconds = 60

    def __init__(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "mockserver", "serve", "--port", str(self.port), "--log-level", "info",
                   *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        stdin=subprocess.DEVNULL, cwd=cwd, env=env)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self._wait()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def probe(self) -> bool:
        return httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200

    def _wait(self) -> None:
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + "".join(self.lines))
            try:
                if self.probe():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def token(self, role: str) -> str:
        line = next(line for line in self.lines if line.split() and line.split()[0] == role)
        return line.split()[-1]

    def stop(self) -> bool:
        """SIGTERM; True when the server shut down by itself, with exit status 0."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=10)
        return code == 0 and any("Finished server process" in line for line in self.lines)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served("--recipe", "tiny", "--seed", "5")
    yield server
    server.stop()


def test_serve_prints_url_docs_and_tokens(served: Served) -> None:
    output = "".join(served.lines)
    assert f"{served.url}/api" in output and f"{served.url}/api/v5/ui/" in output
    token = served.token("admin")
    response = httpx.get(f"{served.url}/api/v5/user", headers={"X-Auth-Token": token})
    assert response.status_code == 200 and response.json()["isAdmin"] is True
    assert f" {response.json()['email']} " in output  # the whole email, on the admin's line
    assert httpx.get(f"{served.url}/api/v5/user", headers={"X-Auth-Token": served.token("user")}).json()[
        "isAdmin"] is False


def test_graceful_stop(served: Served) -> None:
    assert served.stop()


def test_state_file_keeps_the_world_across_restarts(tmp_path: Path) -> None:
    """Resumed without --seed and --recipe, the world says which it is: banner, admin key and /__admin agree."""
    state = str(tmp_path / "world.sqlite")
    first = Served("--recipe", "tiny", "--seed", "5", "--state", state)
    headers = {"X-Auth-Token": first.token("admin")}
    created = httpx.post(f"{first.url}/api/v5/teams", json={"name": "persisted_lab"}, headers=headers).json()
    assert first.stop()
    second = Served("--state", state)
    try:
        assert second.token("admin") == headers["X-Auth-Token"]
        teams = httpx.get(f"{second.url}/api/v5/teams", headers=headers).json()
        assert created["id"] in {t["id"] for t in teams}
        output = "".join(second.lines)
        assert f"resumed {state} (seed 5, recipe tiny, revision 1)" in output
        assert "v1–v5, seed 5, recipe tiny" in output and f"X-Admin-Key: {derived_admin_key(5)}" in output
        info = httpx.get(f"{second.url}/__admin/", headers={"X-Admin-Key": derived_admin_key(5)}).json()
        assert (info["seed"], info["recipe"], info["revision"]) == (5, "tiny", 1)
    finally:
        second.stop()


def test_environment_variables_configure_the_server(tmp_path: Path) -> None:
    env = {**os.environ, "MOCKSERVER_SEED": "9", "MOCKSERVER_RECIPE": "tiny"}
    server = Served(env=env)
    try:
        assert "seed 9, recipe tiny" in "".join(server.lines)
    finally:
        server.stop()


def test_bad_recipe_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("users: two\n")
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--recipe", str(bad)],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2
    assert "users must be an integer" in result.stderr


def test_workers_share_one_world(tmp_path: Path) -> None:
    """Two processes serve one --state file: a write on one is seen by every later read, on any of them."""
    server = Served("--recipe", "tiny", "--workers", "2", "--state", str(tmp_path / "world.sqlite"))
    try:
        headers = {"X-Auth-Token": server.token("admin")}
        deadline = time.monotonic() + 60
        while sum("Application startup complete" in line for line in server.lines) < 2:
            assert time.monotonic() < deadline, "".join(server.lines)
            time.sleep(0.1)
        assert len({line.split("[")[1] for line in server.lines if "Started server process" in line}) == 2

        def fresh_reads(path: str, count: int = 20) -> list[Any]:
            return [httpx.get(f"{server.url}{path}", headers=headers).json() for _ in range(count)]

        before = fresh_reads("/api/v5/users")  # every worker now has the list in its read cache
        me = httpx.get(f"{server.url}/api/v5/user", headers=headers).json()
        renamed = httpx.patch(f"{server.url}/api/v5/users/{me['id']}", headers=headers,
                              json={**me, "firstName": "Everywhere"})
        assert renamed.status_code == 200
        after = fresh_reads("/api/v5/users")
        assert all("Everywhere" not in {u["firstName"] for u in users} for users in before)
        assert all("Everywhere" in {u["firstName"] for u in users} for users in after)
        created = httpx.post(f"{server.url}/api/v5/teams", json={"name": "shared_lab"}, headers=headers).json()
        assert all(created["id"] in {t["id"] for t in teams} for teams in fresh_reads("/api/v5/teams"))
    finally:
        server.process.terminate()
        server.process.wait(timeout=30)


def test_workers_need_a_state_file() -> None:
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", "--workers", "2", "--recipe", "tiny"],
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2
    assert "--workers needs --state" in result.stderr
