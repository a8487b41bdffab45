"""The default Label Studio world served in this process (drift at hand), and contract runs against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mockserver import Settings
from tests.contract.served import ContractRun, ServedMock, run_contract, served


@pytest.fixture(scope="module")
def served_mock() -> Iterator[ServedMock]:
    # the journal keeps every request of a run (the default keeps the last 1,000; a run on an idle machine sends more)
    with served(Settings(api="labelstudio", recipe="default", journal_size=1_000_000)) as mock:
        yield mock


@pytest.fixture
def contract(served_mock: ServedMock, tmp_path: Path) -> Callable[..., ContractRun]:
    """``contract(version, *options)`` runs ``mockserver contract --api labelstudio`` against the served mock."""

    def run(version: str, *options: str) -> ContractRun:
        return run_contract(served_mock.url, tmp_path / f"report-{version}", "--api", "labelstudio",
                            "--api-version", version, *options)

    return run
