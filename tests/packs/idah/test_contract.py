"""``mockserver contract --api idah`` against a live mock: a read-only run passes with full coverage and sends
only GETs; each domain check reports a deliberate deviation of the mock (a wrong counter, a wrong state, an
entry shown to the wrong reviewer)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver import Settings
from mockserver.contract.findings import read_junit
from mockserver.contract.policy import Policy, policy_of
from mockserver.packs.idah import contract_profile, visibility
from mockserver.packs.idah import records as r
from tests.contract.served import ServedMock as Served
from tests.contract.served import served as serve
from tests.packs.idah.test_spec import operations

pytestmark = pytest.mark.slow


@dataclasses.dataclass(frozen=True)
class Run:
    exit_code: int
    output: str
    findings: set[tuple[str, str]]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serve(Settings(api="idah", seed=1, journal_size=1_000_000)) as mock:
        yield mock


@pytest.fixture
def contract(served: Served, tmp_path: Path) -> Any:
    """``contract(role, *options)``: ``mockserver contract --api idah`` as ``role`` (token in MOCKSERVER_TOKEN)."""
    served.app.backend.store.reset()

    def run(role: str, *options: str) -> Run:
        report = tmp_path / f"report-{role}-{time.monotonic_ns()}"
        args = [sys.executable, "-m", "mockserver", "contract", served.url, "--api", "idah", "--rate-limit", "off",
                "--report", "junit", "--report-dir", str(report), *options]
        env = {**os.environ, "MOCKSERVER_TOKEN": served.app.backend.world.token(role), "NO_COLOR": "1"}
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
        found, _ = read_junit(report / "junit.xml")
        return Run(done.returncode, done.stdout + done.stderr, {(f.operation, f.check) for f in found})

    yield run
    served.app.backend.store.reset()


OWN = ("/projects", "/label_config_templates")


def test_writes_are_limited_to_the_runs_own_projects_and_templates() -> None:
    profile = contract_profile()
    for method, path, _ in operations():
        own = path.startswith(OWN) and "{id}" not in path
        expected = (Policy.READ if method == "GET" else Policy.CREATE if own and method == "POST"
                    else Policy.ON_CREATED if own else Policy.NEVER)
        assert policy_of(profile.policies, method, path) == expected, (method, path)
    assert profile.operation_config("GET /entries/{id}/select") == {"enabled": False}
    assert "GET /entries/{id}/select" in profile.excused


def test_a_run_with_writes_passes_and_leaves_nothing_behind(served: Served, contract: Any) -> None:
    store = served.app.backend.store
    before = (store.count(r.Project), store.count(r.LabelConfigTemplate))
    served.app.control.journal.clear()
    run = contract("owner", "--allow-writes", "--phases", "coverage,stateful", "--max-time", "60",
                   "--max-examples", "5", "--max-requests", "0", "--seed", "1")
    assert run.exit_code == 0, run.output[-4000:]
    assert "25 of 25 operations got a 2xx" in run.output and "0 left behind" in run.output
    assert (store.count(r.Project), store.count(r.LabelConfigTemplate)) == before
    written = {entry.path.split("/")[4] for entry in served.app.control.journal.entries()
               if entry.method not in ("GET", "HEAD", "TRACE")}
    assert written == {"projects", "label_config_templates"}, written


@pytest.mark.parametrize(("role", "phases"), [("reviewer", "coverage,fuzzing"), ("owner", "coverage")])
def test_a_read_only_run_passes_with_full_coverage(role: str, phases: str, served: Served, contract: Any) -> None:
    """The coverage phase reaches every operation (about 1,800 requests); fuzzing adds what time allows."""
    served.app.control.journal.clear()
    run = contract(role, "--phases", phases, "--max-time", "45", "--max-examples", "5", "--max-requests", "0",
                   "--seed", "1")
    assert run.exit_code == 0, run.output[-4000:]
    assert not run.findings
    assert "19 of 19 operations got a 2xx" in run.output
    methods = {entry.method for entry in served.app.control.journal.entries()}
    assert methods <= {"GET", "HEAD"}, methods
    selects = [e for e in served.app.control.journal.entries() if e.path.endswith("/select")]
    assert not selects


def test_a_wrong_dataset_counter_is_reported(served: Served, contract: Any) -> None:
    store = served.app.backend.store
    dataset = store.select(r.Dataset, "entries_total_count > 0", order="id")[0]
    store.update(dataset, progress=0.99)
    run = contract("owner", "--operation", "GET /datasets", "--max-time", "30", "--max-requests", "300")
    assert ("GET /datasets", "dataset_counters_add_up") in run.findings, run.output[-3000:]
    assert run.exit_code == 1


def test_an_entry_in_an_impossible_state_is_reported(served: Served, contract: Any) -> None:
    store = served.app.backend.store
    entry = store.select(r.Entry, "wf_step = 'annotate' AND status = 'in_progress'", order="id")[0]
    store.update(entry, assigned_to_id=None)
    run = contract("owner", "--operation", "GET /entries", "--max-time", "30", "--max-requests", "300")
    assert ("GET /entries", "entry_step_and_status_agree") in run.findings, run.output[-3000:]


def test_an_entry_shown_to_the_wrong_reviewer_is_reported(served: Served, contract: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    everything = visibility.VISIBLE["entries"]
    monkeypatch.setitem(visibility.VISIBLE, "entries",
                        lambda scope: [*everything(scope), *scope.store.select(r.Entry, "assigned_to_id = 3")])
    run = contract("reviewer", "--operation", "GET /entries", "--max-time", "30", "--max-requests", "300")
    assert ("GET /entries", "entries_visible_to_the_caller_only") in run.findings, run.output[-3000:]
