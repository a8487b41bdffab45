"""In CI a skip fails the run unless its reason is on the allow-list (``tests/ci_skips.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ci_skips

ROOT = Path(__file__).parents[1]
SUITE = '''
import pytest

def test_runs():
    pass

def test_skipped():
    pytest.skip({reason!r})
'''


def run_suite(tmp_path: Path, reason: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text("from tests import ci_skips\n\n\ndef pytest_configure(config):\n"
                                          "    ci_skips.register(config)\n")
    (tmp_path / "test_suite.py").write_text(SUITE.format(reason=reason))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_an_unexplained_skip_fails_in_ci_and_is_named(tmp_path: Path) -> None:
    result = run_suite(tmp_path, "chromium is not installed", "true")
    assert result.returncode == 1, result.stdout
    assert "skipped in CI without an allowed reason" in result.stdout
    assert "test_suite.py::test_skipped: chromium is not installed" in result.stdout


def test_an_allowed_skip_passes_in_ci(tmp_path: Path) -> None:
    reason = "Disabled for this operation: writes to existing resources run only in the stateful phase (not reached)"
    result = run_suite(tmp_path, reason, "true")
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout


def test_outside_ci_a_skip_stays_a_skip(tmp_path: Path) -> None:
    result = run_suite(tmp_path, "chromium is not installed", None)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("pattern", sorted(ci_skips.ALLOWED_IN_CI))
def test_every_allowed_skip_says_why(pattern: str) -> None:
    assert len(ci_skips.ALLOWED_IN_CI[pattern]) > 20
