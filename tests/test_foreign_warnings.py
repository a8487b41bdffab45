"""foreign_warnings.py: neither the command line nor a user's test suite sees our dependencies' warnings.

The warnings come from imports, so each check runs in a fresh process (the console script, or
``runpytest_subprocess``): in this process Connexion was imported long ago.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from mockserver.foreign_warnings import FOREIGN_WARNINGS, silenced

pytest_plugins = ["pytester"]

SCRIPT = Path(sys.executable).with_name("mockserver")

USER_TESTS = '''
def test_real_server(mockserver):
    assert mockserver.client("admin").get("/user").status_code == 200

def test_in_process(mockserver_inprocess):
    assert mockserver_inprocess.client("admin").get("/user").status_code == 200
'''


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "always"}  # DeprecationWarnings too, which Python hides by default
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("command", [[], ["serve"], ["diff"], ["contract"], ["routes"], ["seed"], ["admin"]],
                         ids=lambda c: " ".join(c) or "mockserver")
def test_help_prints_no_warnings(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("command", [["routes", "--api", "v5"], ["seed", "--recipe", "tiny"]],
                         ids=lambda c: c[0])
def test_commands_that_load_connexion_print_no_warnings(command: list[str]) -> None:
    result = run_cli(*command)
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr


def test_a_users_warnings_as_errors_suite_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "warnings summary" not in result.stdout.str()
    assert "Warning" not in result.stderr.str(), result.stderr.str()  # e.g. a leaked socket's ResourceWarning


def test_a_users_default_run_reports_no_foreign_warnings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    assert "warnings summary" not in result.stdout.str(), result.stdout.str()


def test_silenced_keeps_every_other_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with silenced():
            warnings.warn("jsonschema.RefResolver is deprecated (but raised by us)", DeprecationWarning, stacklevel=1)
            warnings.warn("something else", DeprecationWarning, stacklevel=1)
        assert [str(w.message) for w in caught] == ["jsonschema.RefResolver is deprecated (but raised by us)",
                                                    "something else"]
    assert all(foreign.module for foreign in FOREIGN_WARNINGS)  # never by message alone
