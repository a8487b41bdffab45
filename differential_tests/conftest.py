"""Differential suites (the mock against the real system): in CI a skip needs an allowed reason."""

from __future__ import annotations

import pytest

from tests import ci_skips


def pytest_configure(config: pytest.Config) -> None:
    ci_skips.register(config)
