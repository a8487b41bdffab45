"""``mockserver admin …`` against a running server (the plugin's), through click's runner."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mockserver.cli import main
from mockserver.pytest_plugin import MockServer

Invoke = Callable[..., Result]


@pytest.fixture
def run(mockserver: MockServer) -> Invoke:
    def invoke(*args: str, **env: str) -> Result:
        return CliRunner().invoke(main, ["admin", "--url", mockserver.url, *args],
                                  env={"MOCKSERVER_ADMIN_KEY": mockserver.admin_key, **env})

    return invoke


def test_info_and_reset(run: Invoke, mockserver: MockServer) -> None:
    info = run("info")
    assert info.exit_code == 0 and json.loads(info.output)["users"][2]["token"] == mockserver.token("user")
    mockserver.client("admin").post("/teams", json={"name": "cli_lab"})
    result = run("reset")
    assert result.exit_code == 0 and result.output.startswith("world: seed 1, recipe default")
    assert "cli_lab" not in {t["name"] for t in mockserver.client("admin").get("/teams").json()}
    assert run("reset", "--seed", "3", "--recipe", "tiny").output.startswith("world: seed 3, recipe tiny")
    assert "(a plain reset" not in result.output  # the start world: nothing to explain


def test_a_plain_reset_after_another_seed_says_it_stays_there(run: Invoke) -> None:
    assert run("reset", "--seed", "3", "--recipe", "tiny").exit_code == 0
    plain = run("reset")
    assert plain.exit_code == 0 and plain.output == (
        "world: seed 3, recipe tiny, revision 0 (a plain reset keeps the world of the last reset with "
        "--seed/--recipe; --seed 1 --recipe default returns to the start)\n")
    assert run("reset", "--seed", "1", "--recipe", "default").output == "world: seed 1, recipe default, revision 0\n"


def test_snapshots(run: Invoke) -> None:
    assert "snapshot cli_snap:" in run("snapshot", "cli_snap").output
    assert run("snapshot").output.startswith("cli_snap ")
    assert run("restore", "cli_snap").output.startswith("restored cli_snap")
    assert run("snapshot", "cli_snap", "--delete").output == "deleted snapshot cli_snap\n"
    missing = run("restore", "cli_snap")
    assert missing.exit_code == 1 and "404 No snapshot named 'cli_snap'" in missing.output


def test_export_and_import(run: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "world.json"
    assert run("export", str(target)).exit_code == 0
    assert json.loads(target.read_text())["format"] == "mockserver-world/1"
    assert run("import", str(target)).output.startswith(f"imported {target}")


def test_journal(run: Invoke, mockserver: MockServer) -> None:
    client = mockserver.client("user")
    client.get("/user")
    client.post("/user/tasks/request")
    listing = run("journal")
    assert "POST   /api/v5/user/tasks/request 200" in listing.output
    assert run("journal", "--count", "--method", "GET").output == "1\n"
    as_json = json.loads(run("journal", "--json", "--path", "/api/*/user").output)
    assert as_json["count"] == 1
    assert run("journal", "--clear").output == "journal cleared\n"


def test_faults_latency_and_rules(run: Invoke, mockserver: MockServer) -> None:
    added = run("fault", "status", "/api/v5/user", "--status", "503", "--body", '{"messages": []}',
                "--times", "1")
    assert added.output == "rule r1: status on * /api/v5/user\n"
    assert mockserver.client().get("/user").status_code == 503
    assert run("latency", "/api/**", "--min-ms", "1", "--max-ms", "2", "--disabled").exit_code == 0
    listing = run("rules", "--enable", "r2").output
    assert "r1    on  status" in listing and "matched 1, applied 1" in listing and "r2    on  latency" in listing
    assert "r1" not in run("rules", "--delete", "r1").output
    assert run("rules", "--clear").output == ""
    bad = run("fault", "status", "api/no-slash")
    assert bad.exit_code == 1 and "400" in bad.output


def test_scenarios(run: Invoke, mockserver: MockServer, tmp_path: Path) -> None:
    assert "no_tasks_left" in run("scenario").output
    assert run("scenario", "no_tasks_left").output == "loaded no_tasks_left\n"
    mine = tmp_path / "mine.yaml"
    mine.write_text("description: mine\nsteps:\n  - add_team: {name: cli_scenario_lab, as: team}\n")
    assert run("scenario", str(mine)).output.startswith("loaded mine: team=")
    missing = run("scenario", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 1 and f"error: scenario file {tmp_path / 'none.yaml'}: cannot read it" in missing.output


def test_scenario_file_errors_name_the_file(run: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: bad\nsteps:\n  - add_tem: {name: typo}\n")
    result = run("scenario", str(bad))
    assert result.exit_code == 1
    assert result.output.startswith(f"error: scenario file {bad}: POST /scenarios: 400 scenario bad, line 3: ")
    undecodable = tmp_path / "latin1.yaml"
    undecodable.write_bytes("description: caf\xe9\n".encode("latin-1"))
    unreadable = run("scenario", str(undecodable))
    assert unreadable.exit_code == 1
    assert unreadable.output.startswith(f"error: scenario file {undecodable}: cannot read")


def test_clear_errors(mockserver: MockServer) -> None:
    wrong_key = CliRunner().invoke(main, ["admin", "--url", mockserver.url, "--admin-key", "nope", "info"])
    assert wrong_key.exit_code == 1 and "refused the X-Admin-Key given" in wrong_key.output
    assert "by default it follows the server's seed" in wrong_key.output
    wrong_seed = CliRunner().invoke(main, ["admin", "--url", mockserver.url, "--seed", "2", "info"])
    assert wrong_seed.exit_code == 1 and "refused the X-Admin-Key of seed 2: the default key follows the seed" in (
        wrong_seed.output) and "give that seed with --seed or MOCKSERVER_SEED" in wrong_seed.output
    nobody = CliRunner().invoke(main, ["admin", "--url", "http://127.0.0.1:9", "info"])
    assert nobody.exit_code == 1 and "cannot reach mockserver at http://127.0.0.1:9" in nobody.output


def test_default_url_and_key_come_from_the_environment(mockserver: MockServer) -> None:
    host, port = mockserver.url.removeprefix("http://").split(":")
    env = {"MOCKSERVER_HOST": host, "MOCKSERVER_PORT": port, "MOCKSERVER_SEED": "1"}
    result = CliRunner().invoke(main, ["admin", "info"], env=env)
    assert result.exit_code == 0, result.output


def test_admin_commands_do_not_load_the_server_stack() -> None:
    """``mockserver admin`` only talks HTTP: neither ``--help`` nor a call imports Connexion, Starlette or uvicorn."""
    code = "\n".join([
        "import sys",
        "from mockserver.cli import main",
        "for args in (['admin', '--help'], ['admin', '--url', 'http://127.0.0.1:9', 'info']):",
        "    try:",
        "        main(args)",
        "    except SystemExit:",
        "        pass",
        "print(sorted(name for name in ('connexion', 'starlette', 'uvicorn') if name in sys.modules))",
    ])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "cannot reach mockserver" in result.stderr
    assert result.stdout.splitlines()[-1] == "[]", result.stderr
