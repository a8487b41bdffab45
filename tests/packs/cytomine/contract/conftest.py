"""The ``contract`` Cytomine world (the default one with a tag, a property, a track … on its project) served in this
process (drift at hand), and contract runs against it with the admin's token or signed with the admin's key pair."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mockserver import Settings
from tests.contract.served import ContractRun, ServedMock, run_contract, served


@pytest.fixture(scope="module")
def served_mock() -> Iterator[ServedMock]:
    # the journal keeps every request of a run (the default keeps the last 1,000; a run on an idle machine sends more)
    with served(Settings(api="cytomine", recipe="contract", journal_size=1_000_000)) as mock:
        yield mock


def admin_token(mock: ServedMock) -> str:
    return str(mock.app.backend.world.token("admin"))


def admin_keys(mock: ServedMock) -> tuple[str, str]:
    """The admin's (publicKey, privateKey), as the banner prints them."""
    admin = next(u for u in mock.app.backend.world.known_users if u.role == "admin")
    found = dict(admin.credentials)
    return found["publicKey"], found["privateKey"]


@pytest.fixture
def contract(served_mock: ServedMock, tmp_path: Path) -> Callable[..., ContractRun]:
    """``contract(version, *options)`` runs ``mockserver contract --api cytomine`` as the admin against the mock."""

    def run(version: str, *options: str) -> ContractRun:
        return run_contract(served_mock.url, tmp_path / f"report-{version}", "--api", "cytomine",
                            "--api-version", version, *options, env={"MOCKSERVER_TOKEN": admin_token(served_mock)})

    return run


@pytest.fixture
def signed_contract(served_mock: ServedMock, tmp_path: Path) -> Callable[..., ContractRun]:
    """``signed_contract(*options, env=…)``: ``mockserver contract --api cytomine`` with no token (the key pair comes
    in ``options`` or ``env``)."""

    def run(*options: str, env: dict[str, str] | None = None) -> ContractRun:
        return run_contract(served_mock.url, tmp_path / "report-signed", "--api", "cytomine", *options,
                            env={"MOCKSERVER_TOKEN": "", "MOCKSERVER_PUBLIC_KEY": "", "MOCKSERVER_PRIVATE_KEY": "",
                                 **(env or {})})

    return run
