"""Every operation of the chosen version answers as its spec says (status, content type, schema)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from contract_tests.conftest import Target


def test_operation_conforms_to_spec(operation: Any, contract_target: Target) -> None:
    headers = {"X-Auth-Token": contract_target.token} if contract_target.token else {}
    base_url = f"{contract_target.base_url}/api/{contract_target.version}"

    @given(case=operation.as_strategy())
    @settings(max_examples=contract_target.max_examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        case.call_and_validate(base_url=base_url, headers=headers)

    check()
