"""``mockserver contract --api cytomine`` signing every request with a key pair (``--public-key``,
``--private-key``) instead of sending a token: the run passes, a wrong or half key pair stops it before anything
is generated (one ``error:`` line, exit 2), and the private key shows nowhere."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.contract.served import ContractRun, ServedMock
from tests.packs.cytomine.contract.conftest import admin_keys, admin_token

pytestmark = pytest.mark.slow

Contract = Callable[..., ContractRun]


def error_lines(run: ContractRun) -> list[str]:
    return [line for line in run.output.splitlines() if line.strip()]


def test_a_run_signed_with_a_key_pair_passes_and_never_shows_the_private_key(served_mock: ServedMock,
                                                                             signed_contract: Contract) -> None:
    public, private = admin_keys(served_mock)
    run = signed_contract("--public-key", public, "--private-key", private, "--max-time", "30")
    assert run.exit_code == 0, run.output[-4000:]
    assert re.search(r"coverage: (\d+) of \1 operations got a 2xx \(100 %", run.output), run.output[-4000:]
    assert private not in run.output
    for path in run.report_dir.rglob("*"):
        assert not path.is_file() or private.encode() not in path.read_bytes(), path


def test_a_wrong_private_key_stops_the_run_in_the_preflight(served_mock: ServedMock,
                                                            signed_contract: Contract) -> None:
    public, private = admin_keys(served_mock)
    wrong = private[::-1]
    run = signed_contract(env={"MOCKSERVER_PUBLIC_KEY": public, "MOCKSERVER_PRIVATE_KEY": wrong})
    assert run.exit_code == 2
    [line] = error_lines(run)
    assert line.startswith("error: the deployment refused the key pair (GET ") and ": 401)" in line
    assert wrong not in run.output and not run.report_dir.exists()


@pytest.mark.parametrize("half", ["MOCKSERVER_PUBLIC_KEY", "MOCKSERVER_PRIVATE_KEY"])
def test_half_a_key_pair_is_one_error_line(served_mock: ServedMock, signed_contract: Contract, half: str) -> None:
    run = signed_contract(env={half: "0123456789abcdef"})
    assert run.exit_code == 2
    assert error_lines(run) == ["error: half a key pair: give both --public-key and --private-key "
                                "(MOCKSERVER_PUBLIC_KEY, MOCKSERVER_PRIVATE_KEY)"]


def test_a_token_and_a_key_pair_are_one_too_many(served_mock: ServedMock, signed_contract: Contract) -> None:
    public, private = admin_keys(served_mock)
    run = signed_contract(env={"MOCKSERVER_TOKEN": admin_token(served_mock), "MOCKSERVER_PUBLIC_KEY": public,
                               "MOCKSERVER_PRIVATE_KEY": private})
    assert run.exit_code == 2 and error_lines(run)[0].startswith("error: a token and a key pair")
