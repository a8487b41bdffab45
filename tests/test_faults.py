"""Latency and fault rules: parsing and selection here; their effect on real connections in test_admin.py."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.errors import ConfigurationError
from mockserver.faults import Latency, RuleSet


def test_rules_apply_in_order_and_only_when_enabled() -> None:
    rules = RuleSet()
    first = rules.add({"kind": "latency", "delayMs": 5})
    second = rules.add({"kind": "status", "path": "/api/v5/tasks", "status": 503})
    assert rules.active == (first, second)
    rules.set_enabled(first.id, False)
    assert rules.active == (second,)
    assert rules.remove(second.id) and rules.active == ()
    assert not rules.remove("r99")


@pytest.mark.parametrize(("selection", "chosen"), [
    ({}, [1, 2, 3, 4, 5, 6]),
    ({"nth": 3}, [3]),
    ({"every": 2}, [2, 4, 6]),
    ({"times": 2}, [1, 2]),
    ({"every": 2, "times": 2}, [2, 4]),
])
def test_selection(selection: dict[str, Any], chosen: list[int]) -> None:
    rule = RuleSet().add({"kind": "drop", **selection})
    assert [n for n in range(1, 7) if rule.select()] == chosen
    assert rule.to_json()["matched"] == 6 and rule.to_json()["applied"] == len(chosen)


@pytest.mark.parametrize(("params", "message"), [
    ({"kind": "slow"}, "unknown rule kind 'slow'"),
    ({"kind": "latency"}, "minMs is required"),
    ({"kind": "latency", "minMs": 9, "maxMs": 3}, "maxMs must be >= minMs"),
    ({"kind": "status", "status": 700}, "status must be a HTTP status code"),
    ({"kind": "drop", "status": 500}, "unknown key\\(s\\) for a drop rule: status"),
    ({"kind": "drop", "nth": 0}, "nth must be a positive integer"),
    ({"kind": "drop", "path": "api"}, "must start with '/'"),
])
def test_bad_rules_are_refused_with_a_reason(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RuleSet().add(params)


def test_random_latency_is_seeded_per_server_and_route() -> None:
    def delays(seed: int, path: str) -> list[float]:
        effect = RuleSet(seed).add({"kind": "latency", "path": path, "minMs": 10, "maxMs": 500}).effect
        assert isinstance(effect, Latency)
        return [effect.rng.uniform(10, 500) for _ in range(5)]

    assert delays(1, "/api/**") == delays(1, "/api/**")
    assert delays(1, "/api/**") != delays(2, "/api/**") != delays(1, "/api/v5/**")
