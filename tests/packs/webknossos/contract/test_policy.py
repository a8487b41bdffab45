from __future__ import annotations

import pytest

from mockserver.contract.policy import Created, Policy, Sandbox, is_allowed, policy_of, targets_owned
from mockserver.packs.webknossos.contract.policies import POLICIES, TARGET_PARAMETERS, created_by


@pytest.mark.parametrize(("method", "path", "policy"), [
    ("GET", "/users/{id}", Policy.READ),
    ("HEAD", "/buildinfo", Policy.READ),
    ("POST", "/tasks/list", Policy.READ),
    ("POST", "/projects", Policy.CREATE),
    ("PUT", "/tasks/{id}", Policy.ON_CREATED),
    ("DELETE", "/projects/{name}", Policy.ON_CREATED),
    ("PATCH", "/users/{id}", Policy.NEVER),
    ("DELETE", "/auth/token", Policy.NEVER),
    ("POST", "/user/tasks/request", Policy.NEVER),
    ("POST", "/some/new/route", Policy.NEVER),
])
def test_every_write_has_a_policy_and_unknown_writes_are_never_sent(method: str, path: str, policy: Policy) -> None:
    assert policy_of(POLICIES, method, path) is policy


def test_read_only_selects_get_and_head_only() -> None:
    assert is_allowed(POLICIES, "GET", "/tasks/{id}", allow_writes=False)
    assert not is_allowed(POLICIES, "POST", "/tasks/list", allow_writes=False)
    assert is_allowed(POLICIES, "POST", "/tasks/list", allow_writes=True)
    assert not is_allowed(POLICIES, "PATCH", "/datasets/{organizationName}/{dataSetName}", allow_writes=True)


def test_created_resources_are_read_from_create_responses() -> None:
    tasks = {"tasks": [{"status": 200, "success": {"id": "a" * 24}}, {"status": 400, "error": "x", "success": None}]}
    assert created_by("/tasks", tasks) == [Created("tasks", "a" * 24)]
    assert created_by("/projects", {"id": "b" * 24, "name": "p1"}) == [Created("projects", "b" * 24, name="p1")]
    assert created_by("/users", {"id": "c" * 24}) == []
    uploaded = {"annotation": {"typ": "Explorational", "id": "d" * 24}, "messages": [{"success": "uploaded"}]}
    assert created_by("/annotations/upload", uploaded) == [Created("annotations", "d" * 24, typ="Explorational")]


def test_sandbox_owns_what_the_run_created_by_id_or_project_name() -> None:
    sandbox = Sandbox()
    sandbox.add(Created("projects", "b" * 24, name="p1"))
    assert targets_owned({"id": "b" * 24}, sandbox, TARGET_PARAMETERS)
    assert targets_owned({"name": "p1"}, sandbox, TARGET_PARAMETERS)
    assert not targets_owned({"id": "c" * 24}, sandbox, TARGET_PARAMETERS)
    assert not targets_owned({"typ": "Task"}, sandbox, TARGET_PARAMETERS)  # no resource named: not owned
    sandbox.discard("projects", "p1")
    assert len(sandbox) == 0 and sandbox.owns("p1")  # still the run's own (use-after-free probes may follow)
