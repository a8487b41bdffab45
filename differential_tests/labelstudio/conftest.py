"""The real Label Studio 0.8.1 and ``mockserver serve --api labelstudio`` side by side on 127.0.0.1.

Run from ``.ci/run`` only (``pytest differential_tests``): ``LS_VENV_DIR`` must name the directory holding the
``ls-0.8.1`` venv that ``tools/labelstudio/ensure-venv.sh`` made. Without it the run fails, it never skips.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN_LS = ROOT / "tools" / "labelstudio" / "run-ls.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[str] | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({process.returncode})")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code in (200, 401):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: no answer on /api/health within {timeout} s")


class Servers:
    def __init__(self, real: str, mock: str, real_dir: str) -> None:
        self.real, self.mock, self.real_dir = real, mock, real_dir


@contextlib.contextmanager
def server_pair(work: Path, recipe: str, sampling: str | None = None, *credentials: str,
                multi_session: bool = False) -> Iterator[Servers]:
    """A fresh real project (``--init``; with ``sampling`` written into its config.json and the server restarted,
    the only way to set the prediction-score modes) and ``mockserver serve --recipe <recipe>``; with
    ``multi_session``, ``start-multi-session`` on an empty root directory and ``serve --mode multi-session``."""
    venvs = os.environ.get("LS_VENV_DIR")
    if not venvs or not (Path(venvs) / "ls-0.8.1" / "bin" / "python").exists():
        pytest.fail("LS_VENV_DIR must name the directory of the ls-0.8.1 venv (tools/labelstudio/ensure-venv.sh)")
    real_port, mock_port = free_port(), free_port()
    pidfile, log, project = work / "ls.pid", work / "ls.log", work / "project"
    env = {**os.environ, "LS_VENV_DIR": venvs, "PIDFILE": str(pidfile), "LOG": str(log), "TZ": "UTC"}
    start = [str(RUN_LS), "start-multi" if multi_session else "start", "0.8.1", str(project), str(real_port),
             *credentials]
    started = time.monotonic()
    subprocess.run(start, env=env, check=True, stdout=subprocess.DEVNULL)
    if sampling is not None:
        subprocess.run([str(RUN_LS), "stop", str(pidfile)], env=env, check=True, stdout=subprocess.DEVNULL)
        config = json.loads((project / "config.json").read_text())
        (project / "config.json").write_text(json.dumps({**config, "sampling": sampling}, indent=2))
        subprocess.run(start, env={**env, "NO_INIT": "1"}, check=True, stdout=subprocess.DEVNULL)
    real_seconds = time.monotonic() - started
    mock = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--api", "labelstudio", "--recipe", recipe,
                             "--port", str(mock_port), "--log-level", "warning", *credentials,
                             *(["--mode", "multi-session"] if multi_session else [])],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_healthy(f"http://127.0.0.1:{mock_port}", mock)
        print(f"\nreal Label Studio 0.8.1 ({sampling or 'sequential'}) healthy after {real_seconds:.1f} s")
        yield Servers(f"http://127.0.0.1:{real_port}", f"http://127.0.0.1:{mock_port}", str(project))
    finally:
        mock.terminate()
        mock.wait(timeout=30)
        subprocess.run([str(RUN_LS), "stop", str(pidfile)], env=env, check=False, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A fresh project on both sides (sequential sampling)."""
    with server_pair(tmp_path_factory.mktemp("labelstudio"), "empty") as pair:
        yield pair


@pytest.fixture(scope="session")
def scored_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A fresh project whose ``next`` takes the lowest mean prediction score."""
    with server_pair(tmp_path_factory.mktemp("labelstudio-scored"), "empty-score-min",
                     sampling="prediction-score-min") as pair:
        yield pair


@pytest.fixture(scope="session")
def auth_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A fresh project on both sides, started with ``--username alice --password s3cret``."""
    with server_pair(tmp_path_factory.mktemp("labelstudio-auth"), "empty", None,
                     "--username", "alice", "--password", "s3cret") as pair:
        yield pair


@pytest.fixture(scope="session")
def multi_session_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """``start-multi-session`` on an empty root directory and ``serve --mode multi-session`` (``real_dir``: the
    root directory)."""
    with server_pair(tmp_path_factory.mktemp("labelstudio-multi"), "empty", multi_session=True) as pair:
        yield pair


@pytest.fixture(scope="session")
def real_091(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh real Label Studio 0.9.1.post2 project (``ls-0.9.1`` in ``LS_VENV_DIR``): its base URL."""
    venvs = os.environ.get("LS_VENV_DIR")
    if not venvs or not (Path(venvs) / "ls-0.9.1" / "bin" / "python").exists():
        pytest.fail("LS_VENV_DIR must name the directory of the ls-0.9.1 venv (tools/labelstudio/ensure-venv.sh 0.9.1)")
    work, port = tmp_path_factory.mktemp("labelstudio-091"), free_port()
    pidfile = work / "ls.pid"
    env = {**os.environ, "PIDFILE": str(pidfile), "LOG": str(work / "ls.log"), "TZ": "UTC"}
    subprocess.run([str(RUN_LS), "start", "0.9.1", str(work / "project"), str(port)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([str(RUN_LS), "stop", str(pidfile)], env=env, check=False, stdout=subprocess.DEVNULL)
