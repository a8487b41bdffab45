"""Route patterns shared by journal filters and rules."""

from __future__ import annotations

import pytest

from mockserver.errors import ConfigurationError
from mockserver.patterns import RoutePattern


@pytest.mark.parametrize(("pattern", "path", "matches"), [
    ("/api/v5/tasks", "/api/v5/tasks", True),
    ("/api/v5/tasks", "/api/v5/tasks/1", False),
    ("/api/*/tasks", "/api/v3/tasks", True),
    ("/api/*/tasks", "/api/v3/x/tasks", False),
    ("/api/**", "/api/v3/x/tasks", True),
    ("/api/v5/tasks/{id}", "/api/v5/tasks/5f0c", True),
    ("/api/v5/tasks/{id}", "/api/v5/tasks/", False),
    ("/api/v5/tasks.json", "/api/v5/tasksXjson", False),
    ("/**", "/anything/at/all", True),
])
def test_path_patterns(pattern: str, path: str, matches: bool) -> None:
    assert RoutePattern.of(None, pattern).matches("GET", path) is matches


def test_method_is_case_insensitive_and_star_means_any() -> None:
    assert RoutePattern.of("post", "/x").matches("POST", "/x")
    assert not RoutePattern.of("POST", "/x").matches("GET", "/x")
    assert RoutePattern.of("*", None).matches("DELETE", "/x")


def test_a_pattern_must_start_with_a_slash() -> None:
    with pytest.raises(ConfigurationError, match="must start with '/'"):
        RoutePattern.of(None, "api/v5")
