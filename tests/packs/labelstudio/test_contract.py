"""The contract profile: read-only for now, documented 500s are not the mock's server errors."""

from __future__ import annotations

from mockserver.contract.policy import Policy, policy_of
from mockserver.packs.labelstudio import DOCUMENTED_500, EXCUSED, contract_profile, operation_config
from tests.packs.labelstudio.test_spec import operations


def test_every_write_is_refused_and_reads_are_allowed() -> None:
    profile = contract_profile()
    for method, path, _ in operations():
        assert policy_of(profile.policies, method, path) == (Policy.READ if method == "GET" else Policy.NEVER)


def test_documented_500s_name_real_operations_with_a_500_response() -> None:
    documented = {f"{method} {path}": operation for method, path, operation in operations()}
    for label in DOCUMENTED_500 - set(EXCUSED):
        assert "500" in documented[label]["responses"], label
        assert operation_config(label) == {"checks": {"not_a_server_error": {"enabled": False}}}
    assert operation_config("GET /api/health") == {}


def test_excused_operations_answer_no_2xx_to_a_read_only_run() -> None:
    """Their 4xx answers to valid requests are the real behaviour: not counted against coverage, and the check that
    valid data is accepted is off for them."""
    documented = {f"{method} {path}": operation for method, path, operation in operations()}
    assert contract_profile().excused == EXCUSED
    for label in EXCUSED:
        assert label.startswith("GET ") and label in documented, label
        assert operation_config(label)["checks"]["positive_data_acceptance"] == {"enabled": False}  # type: ignore[index]
