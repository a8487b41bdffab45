"""``mockserver contract --api cytomine`` against a live mock: a read-only run passes with every operation
covered, a write run signed with a key pair passes, covers its writes and leaves the world as it found it, and each
domain check catches its deviation, named by operation and check."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from mockserver.packs.cytomine.contract import CHECKS
from mockserver.packs.cytomine.records import SCHEMA
from tests.contract.drift import assert_reported
from tests.contract.served import ContractRun, ServedMock
from tests.packs.cytomine.contract.conftest import admin_keys
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


WRITES = ("POST /api/project.json", "DELETE /api/project/{id}.json", "POST /api/ontology.json",
          "DELETE /api/ontology/{id}.json", "POST /api/imageinstance.json", "POST /api/annotation.json",
          "DELETE /api/annotation/{id}.json")
"""What a write run sends and gets a 2xx for (deletes through the write checks' follow-ups; image instances are
deleted only by the cleanup, or with their project)."""


def world_of(mock: ServedMock) -> dict[str, list[Any]]:
    """Every record of the world (but the id sequence, which a write moves on for good)."""
    store = mock.app.backend.store
    return {cls.__name__: sorted(map(repr, store.select(cls))) for cls in SCHEMA.records if cls.__name__ != "Sequence"}


def test_a_signed_write_run_passes_covers_its_writes_and_leaves_the_world_as_it_was(
        served_mock: ServedMock, signed_contract: Contract) -> None:
    before = world_of(served_mock)
    public, private = admin_keys(served_mock)
    served_mock.app.control.journal.clear()
    run = signed_contract("--allow-writes", "--max-time", "60",
                          env={"MOCKSERVER_PUBLIC_KEY": public, "MOCKSERVER_PRIVATE_KEY": private})
    assert run.exit_code == 0, run.output[-4000:]
    assert "finding(s)" not in run.output and "0 left behind" in run.output, run.output[-4000:]
    record = json.loads((run.report_dir / "coverage.json").read_text(encoding="utf-8"))
    operations = {op["operation"]: op for op in record["operations"]}
    assert record["met"] and all(operations[label]["covered"] for label in WRITES), record
    assert {entry.method for entry in served_mock.app.control.journal.entries()} >= {"GET", "POST", "DELETE"}
    assert world_of(served_mock) == before
    for path in run.report_dir.rglob("*"):
        assert not path.is_file() or private.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_deviation_is_reported_with_operation_and_check(group: str, served_mock: ServedMock,
                                                               contract: Contract) -> None:
    assert_reported(GROUPS[group], served_mock.drift, contract)
