"""The packs' single-exchange domain checks on live traffic: ``mockserver proxy`` in front of a mock that breaks one
rule (the deviation of that check, valid under the spec) reports exactly that check for that operation; the same
traffic without the deviation reports nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.pack import load_pack
from mockserver.packs.cytomine.records import Term
from mockserver.packs.idah import records as idah
from mockserver.packs.webknossos.records import Task
from mockserver.proxy.exchange import Inspector
from mockserver.proxy.forward import Proxy
from mockserver.proxy.report import Findings
from mockserver.proxy.spec_check import SpecCheck
from tests.contract.drift import Deviation
from tests.contract.served import ServedMock, served
from tests.packs.cytomine.contract import deviations as cytomine
from tests.packs.webknossos.contract import deviations as webknossos


def through_proxy(mock: ServedMock, pack: str, version: str | None, requests: list[tuple[str, str]],
                  headers: dict[str, str]) -> Findings:
    findings = Findings()
    inspector = Inspector(SpecCheck(load_pack(pack), version), findings, 1 << 22)
    with TestClient(Proxy(mock.url, inspector, max_body_bytes=1 << 22)) as client:  # checked when the block is left
        for method, path in requests:
            client.request(method, path, headers=headers)
    assert findings.exchanges == len(requests)
    return findings


def reported(findings: Findings) -> set[tuple[str, str]]:
    return {(violation.operation, violation.check) for _, _, violation in findings.found}


def deviation(groups: dict[str, Any], check: str) -> Deviation:
    return next(d for group in groups.values() for d in group.deviations if d.check == check)


@pytest.fixture(scope="module")
def wk() -> Iterator[ServedMock]:
    with served(Settings(api="webknossos", recipe="tiny")) as mock:
        yield mock


@pytest.fixture(scope="module")
def cy() -> Iterator[ServedMock]:
    with served(Settings(api="cytomine", recipe="contract")) as mock:
        yield mock


def test_the_packs_name_the_checks_a_single_exchange_suffices_for() -> None:
    names = {pack: [check.__name__ for check in SpecCheck(load_pack(pack)).domain_checks]
             for pack in ("webknossos", "cytomine", "idah", "labelstudio")}
    assert names == {
        "webknossos": ["error_envelope_is_wk_shape", "total_count_header_only_when_requested",
                       "annotation_shape_matches_version"],
        "cytomine": ["read_by_id_answers_that_object", "collection_envelope_adds_up"],
        "idah": ["entry_step_and_status_agree"],
        "labelstudio": [],  # each of its rules reads more than the exchange at hand (task list, export, next)
    }
    assert SpecCheck(load_pack("webknossos"), domain=False).domain_checks == ()


def clean_then_drifted(mock: ServedMock, pack: str, version: str | None, traffic: list[tuple[str, str]],
                       headers: dict[str, str], injected: Deviation) -> Findings:
    """The findings of ``traffic`` through the proxy with ``injected`` in the mock (the same traffic without it
    found nothing)."""
    mock.drift.deviations = []
    assert reported(through_proxy(mock, pack, version, traffic, headers)) == set()
    mock.drift.deviations = [injected]
    try:
        return through_proxy(mock, pack, version, traffic, headers)
    finally:
        mock.drift.deviations = []


@pytest.mark.parametrize(("check", "version", "path"), [
    ("error_envelope_is_wk_shape", "v5", "/api/v5/tasks/ffffffffffffffffffffffff"),
    ("total_count_header_only_when_requested", "v5", "/api/v5/user/annotations?includeTotalCount=true"),
    ("annotation_shape_matches_version", "v3", "/api/v3/user/annotations"),
])
def test_each_webknossos_exchange_check_catches_its_deviation_alone(wk: ServedMock, check: str, version: str,
                                                                    path: str) -> None:
    task = wk.app.backend.store.select(Task, order="id")[0]
    traffic = [("GET", path), ("GET", f"/api/{version}/tasks/{task.id}"), ("GET", f"/api/{version}/users")]
    injected = deviation(webknossos.GROUPS, check)
    findings = clean_then_drifted(wk, "webknossos", version, traffic,
                                  {"X-Auth-Token": wk.app.backend.world.token("admin")}, injected)
    if injected.alone:
        assert reported(findings) == {(injected.operation, check)}
    else:  # the v5 shape in v3 breaks the v3 schema too
        assert (injected.operation, check) in reported(findings)
        assert {name for _, name in reported(findings)} - {check} == {"Response violates schema"}
    assert findings.exit_code == 1


@pytest.mark.parametrize("check", ["read_by_id_answers_that_object", "collection_envelope_adds_up"])
def test_each_cytomine_exchange_check_catches_its_deviation_alone(cy: ServedMock, check: str) -> None:
    term = cy.app.backend.store.select(Term, order="id")[0]
    traffic = [("GET", f"/api/term/{term.id}.json"), ("GET", "/api/term.json?max=1&offset=0")]
    injected = deviation(cytomine.GROUPS, check)
    findings = clean_then_drifted(cy, "cytomine", None, traffic,
                                  {"Authorization": cy.app.backend.world.token("admin")}, injected)
    assert reported(findings) == {(injected.operation, check)}


def test_an_idah_entry_in_an_impossible_state_is_reported_on_live_traffic() -> None:
    with served(Settings(api="idah")) as mock:
        headers = {"Authorization": mock.app.backend.world.token("owner")}
        traffic = [("GET", "/api/v1/dataset/entries")]
        assert reported(through_proxy(mock, "idah", None, traffic, headers)) == set()
        store = mock.app.backend.store
        entry = store.select(idah.Entry, "wf_step = 'annotate' AND status = 'in_progress'", order="id")[0]
        store.update(entry, assigned_to_id=None)
        findings = through_proxy(mock, "idah", None, traffic, headers)
    assert reported(findings) == {("GET /entries", "entry_step_and_status_agree")}
