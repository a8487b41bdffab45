"""``mockserver contract --api cytomine`` against a live mock: a read-only run passes with every operation
covered, and each domain check catches its deviation, named by operation and check."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from mockserver.packs.cytomine.contract import CHECKS
from tests.contract.drift import assert_reported
from tests.contract.served import ContractRun, ServedMock
from tests.packs.cytomine.contract.deviations import GROUPS

pytestmark = pytest.mark.slow

Contract = Callable[..., ContractRun]


def test_every_domain_check_has_a_deviation_of_its_own() -> None:
    caught = [d.check for group in GROUPS.values() for d in group.deviations]
    assert sorted(check.__name__ for check in CHECKS) == sorted(caught)


def test_a_read_only_run_passes_and_covers_every_operation(served_mock: ServedMock, contract: Contract) -> None:
    served_mock.app.control.journal.clear()
    run = contract("core", "--max-time", "60", "--min-coverage", "100")
    assert run.exit_code == 0, run.output[-4000:]
    assert {entry.method for entry in served_mock.app.control.journal.entries()} <= {"GET", "HEAD"}
    assert re.search(r"coverage: (\d+) of \1 operations got a 2xx \(100 %", run.output), run.output[-4000:]
    assert "finding(s)" not in run.output


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_deviation_is_reported_with_operation_and_check(group: str, served_mock: ServedMock,
                                                               contract: Contract) -> None:
    assert_reported(GROUPS[group], served_mock.drift, contract)
