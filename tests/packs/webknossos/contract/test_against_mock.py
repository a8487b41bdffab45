"""The contract suite against a live mock: deliberate drift is reported, read-only runs send no writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.contract.findings import read_junit
from tests.packs.webknossos.contract.conftest import ServedMock
from tests.packs.webknossos.contract.drift import DEVIATIONS

pytestmark = pytest.mark.slow


def _token_absent(token: str, output: str, report_dir: Path) -> None:
    assert token not in output
    for path in report_dir.rglob("*"):
        assert not path.is_file() or token.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("version", sorted(DEVIATIONS))
def test_every_deviation_is_reported_with_operation_and_check(version: str, served_mock: ServedMock,
                                                               contract: Any) -> None:
    deviations = DEVIATIONS[version]
    served_mock.drift.deviations = deviations
    try:
        operations = [arg for d in deviations for arg in ("--operation", d.operation)]
        run = contract(version, "--phases", "examples,coverage,fuzzing", "--max-time", "15", *operations)
    finally:
        served_mock.drift.deviations = []
    found, _ = read_junit(run.report_dir / "junit.xml")
    reported = {(finding.operation, finding.check) for finding in found}
    missed = [d.name for d in deviations if (d.operation, d.check) not in reported]
    assert not missed, f"not reported: {missed}; reported: {sorted(reported)}\n{run.output[-4000:]}"
    for deviation in deviations:
        assert f"{deviation.operation}: {deviation.check}" in run.output  # the terminal summary names both
    assert run.exit_code == 1
    html = (run.report_dir / "html" / "index.html").read_text()
    assert "curl" in html and "[Filtered]" in html
    _token_absent(served_mock.token, run.output, run.report_dir)


def test_read_only_run_sends_no_writes_and_passes(served_mock: ServedMock, contract: Any) -> None:
    served_mock.app.control.journal.clear()
    run = contract("v5", "--max-time", "20")
    entries = served_mock.app.control.journal.entries()
    methods = {entry.method for entry in entries}
    assert len(entries) > 100 and methods <= {"GET", "HEAD"}, methods
    assert run.exit_code == 0, run.output[-4000:]
    _token_absent(served_mock.token, run.output, run.report_dir)
