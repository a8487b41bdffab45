from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mockserver.cli import main
from mockserver.pytest_plugin import MockServer


def test_help_names_the_safety_options() -> None:
    result = CliRunner().invoke(main, ["contract", "--help"])
    assert result.exit_code == 0
    for option in ("--api-version", "--token", "--allow-writes", "--rate-limit", "--max-requests", "--max-time",
                   "--report", "--report-dir", "WK_TOKEN"):
        assert option in result.output


def test_bad_options_are_usage_errors() -> None:
    result = CliRunner().invoke(main, ["contract", "http://127.0.0.1:1", "--rate-limit", "fast"])
    assert result.exit_code == 2 and "rate limit" in result.output
    result = CliRunner().invoke(main, ["contract", "ftp://host", "--api-version", "v2"])
    assert result.exit_code == 2 and "http://" in result.output


def test_an_unreachable_deployment_exits_2_with_one_line() -> None:
    result = CliRunner().invoke(main, ["contract", "http://127.0.0.1:9", "--api-version", "v3"],
                                                env={"MOCKSERVER_TOKEN": "t", "WK_TOKEN": ""})
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: cannot reach http://127.0.0.1:9/api/v3/user (")


def test_a_run_without_a_token_exits_2() -> None:
    result = CliRunner().invoke(main, ["contract", "http://127.0.0.1:9"],
                                                env={"MOCKSERVER_TOKEN": "", "WK_TOKEN": ""})
    assert result.exit_code == 2 and "no token: WEBKNOSSOS REST API needs one (X-Auth-Token)" in result.stderr


def test_a_run_leaves_nothing_in_the_working_folder_and_names_no_scratch_path(
        mockserver: MockServer, tmp_path: Path) -> None:
    """Hypothesis' files go under the report folder (or the run's scratch folder), never the user's cwd."""
    env = {**os.environ, "MOCKSERVER_TOKEN": mockserver.token("admin"), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "mockserver", "contract", mockserver.url, "--max-time", "5",
                             "--phases", "examples,coverage", "--rate-limit", "off", "--min-coverage", "0"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == [], "the run left files in the working folder"
    assert "/contract-" not in result.stdout and "--auth" not in result.stdout and "config file" not in result.stdout
