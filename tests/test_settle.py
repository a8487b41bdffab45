"""server.settle: what start-up built is kept out of collections, and the collector runs less often while serving."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mockserver import server


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_settle_freezes_what_start_up_built_and_collects_less_often() -> None:
    built = [{"n": n} for n in range(1_000)]
    server.settle()
    assert gc.get_freeze_count() >= len(built)
    assert gc.get_threshold() == server.COLLECTOR_THRESHOLDS
    assert server.COLLECTOR_THRESHOLDS[0] >= 10 * 700  # well above Python's default youngest generation
