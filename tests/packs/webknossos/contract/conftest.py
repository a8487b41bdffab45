"""The tiny WEBKNOSSOS world served in this process (drift and journal at hand), and contract runs against it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mockserver import Settings
from tests.contract.served import ContractRun, ServedMock, run_contract, served


@dataclass
class ServedWebknossos(ServedMock):
    token: str


@pytest.fixture(scope="module")
def served_mock() -> Iterator[ServedWebknossos]:
    """The tiny world behind a ``Drift`` wrapper, with an unbounded journal and the admin's token."""
    with served(Settings(recipe="tiny", journal_size=1_000_000)) as mock:
        token = next(user.token for user in mock.app.backend.world.known_users if user.role == "admin")
        yield ServedWebknossos(mock.app, mock.drift, mock.url, token)


@pytest.fixture
def contract(served_mock: ServedWebknossos, tmp_path: Path) -> Callable[..., ContractRun]:
    """``contract(version, *options)`` runs ``mockserver contract`` against the served mock (token via WK_TOKEN)."""

    def run(version: str, *options: str) -> ContractRun:
        return run_contract(served_mock.url, tmp_path / f"report-{version}", "--api-version", version, *options,
                            env={"WK_TOKEN": served_mock.token})

    return run
