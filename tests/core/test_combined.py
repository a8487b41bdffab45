"""``serve --api all``: one port per pack, chosen ports, one state file per pack; a real run with signals."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from importlib.metadata import entry_points

import httpx
import pytest

from mockserver.combined import planned
from mockserver.errors import ConfigurationError
from mockserver.pack import DEFAULT_PACK, ENTRY_POINT_GROUP, Pack, pack_names
from mockserver.settings import Settings


def echo_offset() -> int:
    """Where echo comes among the installed packs (the default first, then by name)."""
    return sorted(pack_names(), key=lambda name: (name != DEFAULT_PACK, name)).index("echo")


def test_each_pack_gets_the_next_port_and_its_own_state_file(echo: Pack) -> None:
    plans = planned(Settings(api="all", port=9000, state="/tmp/w/world.sqlite"))
    assert [p.api for p in plans] == sorted(pack_names(), key=lambda name: (name != DEFAULT_PACK, name))
    first, other = plans[0], plans[echo_offset()]
    assert (first.api, first.port, first.state) == ("webknossos", 9000, "/tmp/w/world-webknossos.sqlite")
    assert (other.api, other.port, other.state) == ("echo", 9000 + echo_offset(), "/tmp/w/world-echo.sqlite")
    chosen = planned(Settings(api="all", port=9000, ports="echo=8080"))
    assert {p.api: p.port for p in chosen}["echo"] == 8080


@pytest.mark.parametrize(("settings", "message"), [
    (Settings(api="all", ports="nope=1"), "--ports takes NAME=PORT items of installed packs"),
    (Settings(api="all", ports="echo=x"), "--ports takes NAME=PORT"),
    (Settings(api="all", workers=2, state="w.sqlite"), "--workers needs a single --api"),
    (Settings(api="all", port=65535), "outside 1–65535"),
])
def test_bad_plans_are_configuration_errors(echo: Pack, settings: Settings, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        planned(settings)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_all_answers_on_each_port_and_stops_cleanly_on_sigterm() -> None:
    port = free_port()
    # every other installed pack on a port of its own (port + 1 … may be taken on a busy machine)
    others = ",".join(f"{entry.name}={free_port()}" for entry in entry_points(group=ENTRY_POINT_GROUP)
                      if entry.name != DEFAULT_PACK)
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "serve", "--api", "all", "--port", str(port),
                                *(["--ports", others] if others else []), "--recipe", "tiny", "--log-level", "warning"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v5/buildinfo", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("no answer from serve --api all")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, output
    assert "WEBKNOSSOS REST API" in output and f"server URL  http://127.0.0.1:{port}" in output


def test_admin_finds_a_packs_server_among_those_of_serve_all(echo: Pack) -> None:
    from mockserver.commands.admin import server_of

    assert server_of(Settings(port=9000), "echo").base_url == f"http://127.0.0.1:{9000 + echo_offset()}"
    assert server_of(Settings(port=9000, ports="echo=7000"), "echo").base_url == "http://127.0.0.1:7000"


def test_serve_all_checks_its_options_and_ports_before_any_banner() -> None:
    from click.testing import CliRunner

    from mockserver.cli import main

    bad_level = CliRunner().invoke(main, ["serve", "--api", "all", "--port", "0", "--log-level", "loud"])
    assert bad_level.exit_code == 2 and "'loud' is not a log level" in bad_level.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = CliRunner().invoke(main, ["serve", "--api", "all", "--port", str(taken.getsockname()[1])])
    assert busy.exit_code == 2 and "is in use" in busy.output and "X-Admin-Key" not in busy.output
