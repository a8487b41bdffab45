"""The contract suite against a live mock: deliberate drift is reported, read-only runs send no writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.packs.webknossos.contract.checks import DOMAIN_CHECKS
from tests.contract.drift import assert_reported
from tests.packs.webknossos.contract.conftest import ServedWebknossos as ServedMock
from tests.packs.webknossos.contract.deviations import GROUPS

pytestmark = pytest.mark.slow


def _token_absent(token: str, output: str, report_dir: Path) -> None:
    assert token not in output
    for path in report_dir.rglob("*"):
        assert not path.is_file() or token.encode() not in path.read_bytes(), path


def test_every_domain_check_has_a_deviation_of_its_own() -> None:
    caught = [d.check for group in GROUPS.values() for d in group.deviations]
    assert {check.__name__ for check in DOMAIN_CHECKS} <= set(caught)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_deviation_is_reported_with_operation_and_check(group: str, served_mock: ServedMock,
                                                               contract: Any) -> None:
    run = assert_reported(GROUPS[group], served_mock.drift, contract)
    html = (run.report_dir / "html" / "index.html").read_text()
    assert "curl" in html and "[Filtered]" in html
    _token_absent(served_mock.token, run.output, run.report_dir)


def test_read_only_run_sends_no_writes_and_passes(served_mock: ServedMock, contract: Any) -> None:
    served_mock.app.control.journal.clear()
    # The budget is the whole run's: on a busy machine the first three phases alone took 19 s, and the stateful
    # phase (which reaches the annotation routes through links) got none of a 20 s budget. Phases end on their own
    # long before 60 s on an idle machine.
    run = contract("v5", "--max-time", "60")
    entries = served_mock.app.control.journal.entries()
    methods = {entry.method for entry in entries}
    assert len(entries) > 100 and methods <= {"GET", "HEAD"}, methods
    assert run.exit_code == 0, run.output[-4000:]
    _token_absent(served_mock.token, run.output, run.report_dir)
