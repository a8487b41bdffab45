"""The contract profile: read-only, the caller checked with ``/api/user/current.json``."""

from __future__ import annotations

from mockserver.contract.policy import Policy, policy_of
from mockserver.packs.cytomine import contract_profile
from tests.packs.cytomine.test_spec import operations


def test_every_write_is_refused_and_reads_are_allowed() -> None:
    profile = contract_profile()
    for method, path, _ in operations():
        assert policy_of(profile.policies, method, path) == (Policy.READ if method == "GET" else Policy.NEVER)
    assert profile.whoami == "/api/user/current.json"
