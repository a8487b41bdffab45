"""The Label Studio contract profile: its operation settings and excuses name real operations."""

from __future__ import annotations

from mockserver.packs.labelstudio import EXCUSED, contract_profile
from mockserver.packs.labelstudio.contract import SEMANTIC_4XX
from tests.packs.labelstudio.test_spec import operations


def test_semantic_4xx_and_ml_backend_operations_do_not_count_as_rejected_valid_data() -> None:
    profile = contract_profile()
    labels = {f"{method} {path}" for method, path, _ in operations()}
    for label in {*SEMANTIC_4XX, *EXCUSED}:
        assert label in labels
        assert profile.operation_config(label)["checks"]["positive_data_acceptance"] == {"enabled": False}
    assert profile.operation_config("GET /api/tasks")["checks"]["not_a_server_error"] == {"enabled": False}
    assert "positive_data_acceptance" not in profile.operation_config("GET /api/project").get("checks", {})
    assert set(profile.excused) == set(EXCUSED)
