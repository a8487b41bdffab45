"""No silent skips in CI: with ``CI`` set, a skipped test fails the run unless its reason is allowed here.

The suites' conftests (``tests/``, ``contract_tests/``, ``differential_tests/``) import these hooks.
Outside CI a skip stays a skip (a developer's machine may lack Chromium or curl); in CI the machine is
set up by ``.ci/run``, so a skip there means something is missing or broken, and says so.
"""

from __future__ import annotations

import os
import re

import pytest

ALLOWED_IN_CI: dict[str, str] = {
    # reason (a regular expression the skip's reason must match) -> why CI may skip it
    r"^Disabled for this operation: writes to existing resources run only in the stateful phase":
        "a write to an existing resource (PUT/PATCH/DELETE of what the run created) is sent only by the stateful "
        "phase, and not every run's sequences reach every one of them; the run's --min-coverage verdict (the "
        "'the run as a whole' test) fails when too few operations got a 2xx",
}
"""The skips CI accepts, each with its reason. Keep it short: every entry is a test CI does not run."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def allowed(reason: str) -> bool:
    return any(re.search(pattern, reason) for pattern in ALLOWED_IN_CI)


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


class SkipPolicy:
    """The plugin: collects the skips CI does not allow, lists them, and fails the session on them."""

    def __init__(self) -> None:
        self.unexplained: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            reason = skip_reason(report)
            if not allowed(reason):
                self.unexplained.append(f"{report.nodeid}: {reason}")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.unexplained:
            terminalreporter.section("skipped in CI without an allowed reason (tests/ci_skips.py)", red=True)
            for line in self.unexplained:
                terminalreporter.line(line)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.unexplained and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def register(config: pytest.Config) -> None:
    """Called from a suite's ``pytest_configure``: in CI, unexplained skips fail the run."""
    if in_ci() and not config.pluginmanager.has_plugin("ci-skips"):
        config.pluginmanager.register(SkipPolicy(), "ci-skips")
