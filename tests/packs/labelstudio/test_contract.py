"""The contract profile: read-only for now, documented 500s are not the mock's server errors."""

from __future__ import annotations

from mockserver.contract.policy import Policy, policy_of
from mockserver.packs.labelstudio import DOCUMENTED_500, EXCUSED, contract_profile, operation_config
from mockserver.packs.labelstudio.contract import LabelStudioFacts
from tests.packs.labelstudio.test_spec import operations


def test_writes_are_imports_and_changes_of_their_tasks_only() -> None:
    profile = contract_profile()
    for method, path, _ in operations():
        policy = policy_of(profile.policies, method, path)
        if method == "GET":
            assert policy == Policy.READ
        elif (method, path) == ("POST", "/api/project/import"):
            assert policy == Policy.CREATE
        elif path.startswith("/api/tasks/{task_id}"):
            assert policy == Policy.ON_CREATED, (method, path)
        else:
            assert policy == Policy.NEVER, (method, path)
    assert profile.target_parameters == ("task_id",)


def test_an_import_creates_its_new_tasks_and_nothing_else_does() -> None:
    created = contract_profile().created_by("/api/project/import", {"new_task_ids": [7, 8], "task_count": 2})
    assert [(c.kind, c.id) for c in created] == [("api/tasks", "7"), ("api/tasks", "8")]
    assert contract_profile().created_by("/api/tasks/{task_id}/completions", {"id": 7001}) == []


class Case:
    def __init__(self, method: str, path: str, body: object, media_type: str = "application/json") -> None:
        self.method, self.path, self.body, self.media_type = method, path, body, media_type


def test_fixups_import_tasks_that_fit_the_config_and_save_completions_with_an_empty_result() -> None:
    facts = LabelStudioFacts(["image", "text"])
    imported = Case("POST", "/api/project/import", {"anything": 1}, "multipart/form-data")
    facts.fixup(imported)
    assert imported.body == [{"image": "https://example.org/contract-run/image.jpg",
                              "text": "https://example.org/contract-run/text.jpg"}]
    assert imported.media_type == "application/json"
    for method, path in (("POST", "/api/tasks/{task_id}/completions"),
                         ("PATCH", "/api/tasks/{task_id}/completions/{completion_id}")):
        completion = Case(method, path, {"big": 2**70, "result": [{"x": 1}]})
        facts.fixup(completion)
        assert completion.body == {"lead_time": 1.0, "result": []}
        assert contract_profile().operation_config(f"{method} {path}")["generation"] == {"mode": "positive"}
    untouched = Case("DELETE", "/api/tasks/{task_id}", None)
    facts.fixup(untouched)
    assert untouched.body is None


def test_ids_that_come_back_are_no_use_after_free() -> None:
    settings = contract_profile().operation_config
    assert settings("GET /api/tasks/{task_id}")["checks"]["use_after_free"] == {"enabled": False}
    assert "use_after_free" not in settings("GET /api/tasks").get("checks", {})


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
        assert label in documented and (label.startswith("GET ") or label == "POST /api/tasks/{task_id}/cancel")
        assert operation_config(label)["checks"]["positive_data_acceptance"] == {"enabled": False}  # type: ignore[index]
