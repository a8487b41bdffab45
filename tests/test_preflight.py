"""``mockserver serve`` with options it cannot use: one ``error:`` line naming the problem and the fix, status 2,
and nothing printed before it as if the server were running (no banner, no tokens)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest


def refused(*args: str, env: dict[str, str] | None = None) -> str:
    """Run ``mockserver serve ARGS``; check that it ends with status 2 and one error line, and return that line."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")} | (env or {})
    result = subprocess.run([sys.executable, "-m", "mockserver", "serve", *args], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, env=environ, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stdout + result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    return result.stderr


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize(("args", "env"), [(["--port", "70000"], {}), (["--port", "-1"], {}),
                                           ([], {"MOCKSERVER_PORT": "70000"})],
                         ids=["--port 70000", "--port -1", "MOCKSERVER_PORT"])
def test_a_port_out_of_range(args: list[str], env: dict[str, str]) -> None:
    assert "is out of range (--port, MOCKSERVER_PORT): use 1–65535, or 0 for a free one" in refused(*args, env=env)


def test_a_port_in_use_is_found_before_the_banner(busy_port: int) -> None:
    line = refused("--port", str(busy_port))
    assert f"port {busy_port} on 127.0.0.1 is in use" in line and "another port with --port" in line


@pytest.mark.parametrize(("args", "env"), [(["--log-level", "loud"], {}), ([], {"MOCKSERVER_LOG_LEVEL": "loud"})],
                         ids=["--log-level", "MOCKSERVER_LOG_LEVEL"])
def test_an_unknown_log_level(args: list[str], env: dict[str, str]) -> None:
    assert "'loud' is not a log level" in (line := refused("--port", "0", *args, env=env))
    assert "critical, error, warning, info, debug, trace" in line


@pytest.mark.parametrize(("args", "env"), [(["--host", "nowhere.invalid"], {}),
                                           ([], {"MOCKSERVER_HOST": "nowhere.invalid"})],
                         ids=["--host", "MOCKSERVER_HOST"])
def test_a_host_that_does_not_resolve(args: list[str], env: dict[str, str]) -> None:
    line = refused("--port", "0", *args, env=env)
    assert "host 'nowhere.invalid' cannot be resolved" in line and "--host, MOCKSERVER_HOST): use" in line


def test_an_address_of_another_machine() -> None:
    line = refused("--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never an address of this machine
    assert "192.0.2.1 is not an address of this machine (--host, MOCKSERVER_HOST): use 127.0.0.1" in line
