"""The real Label Studio 0.8.1 and ``mockserver serve --api labelstudio`` side by side on 127.0.0.1.

Run from ``.ci/run`` only (``pytest differential_tests``): ``LS_VENV_DIR`` must name the directory holding the
``ls-0.8.1`` venv that ``tools/labelstudio/ensure-venv.sh`` made. Without it the run fails, it never skips.
"""

from __future__ import annotations

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
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: no answer on /api/health within {timeout} s")


class Servers:
    def __init__(self, real: str, mock: str, real_dir: str) -> None:
        self.real, self.mock, self.real_dir = real, mock, real_dir


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    venvs = os.environ.get("LS_VENV_DIR")
    if not venvs or not (Path(venvs) / "ls-0.8.1" / "bin" / "python").exists():
        pytest.fail("LS_VENV_DIR must name the directory of the ls-0.8.1 venv (tools/labelstudio/ensure-venv.sh)")
    work = tmp_path_factory.mktemp("labelstudio")
    real_port, mock_port = free_port(), free_port()
    pidfile, log = work / "ls.pid", work / "ls.log"
    env = {**os.environ, "LS_VENV_DIR": venvs, "PIDFILE": str(pidfile), "LOG": str(log), "TZ": "UTC"}
    started = time.monotonic()
    subprocess.run([str(RUN_LS), "start", "0.8.1", str(work / "project"), str(real_port)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    real_seconds = time.monotonic() - started
    mock = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--api", "labelstudio", "--recipe", "empty",
                             "--port", str(mock_port), "--log-level", "warning"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_healthy(f"http://127.0.0.1:{mock_port}", mock)
        print(f"\nreal Label Studio 0.8.1 healthy after {real_seconds:.1f} s")
        yield Servers(f"http://127.0.0.1:{real_port}", f"http://127.0.0.1:{mock_port}", str(work / "project"))
    finally:
        mock.terminate()
        mock.wait(timeout=30)
        subprocess.run([str(RUN_LS), "stop", str(pidfile)], env=env, check=False, stdout=subprocess.DEVNULL)
