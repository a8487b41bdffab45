"""Fixtures of the version-diff tests: spec pairs, resolved version documents, one tiny live mock."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.app import MockApp, create_app
from mockserver.pack import Pack
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.settings import Settings
from mockserver.specdiff import reports
from mockserver.specdiff.model import Change
from mockserver.specs import SpecLoader, spec_path

PAIRS = Path(__file__).parent / "pairs"


@pytest.fixture(scope="session")
def documents() -> dict[str, dict[str, Any]]:
    """The resolved v1 … v5 documents."""
    loader = SpecLoader()
    return {version: loader.load(spec_path("webknossos", version)) for version in ADAPTERS}


@pytest.fixture(scope="session")
def tiny_app() -> MockApp:
    """The in-process mock `mockserver diff --behaviour` uses by default (tiny recipe, seed 1)."""
    return create_app(Settings(recipe="tiny", seed=1))


@pytest.fixture
def live_mock(tiny_app: MockApp, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    """A client on a freshly reset tiny world; also what ``reports.in_process`` yields during the test."""
    tiny_app.backend.store.reset()
    with tiny_app.test_client() as client:

        @contextlib.contextmanager
        def in_process(pack: Pack, recipe: str, seed: int) -> Iterator[tuple[httpx.Client, str]]:
            assert (pack.name, recipe, seed) == ("webknossos", "tiny", 1)
            tiny_app.backend.store.reset()
            yield client, tiny_app.backend.world.token("admin")

        monkeypatch.setattr(reports, "in_process", in_process)
        yield client


def where(change: Change) -> str:
    """The short location used in ``pairs/*/expected.yaml``."""
    location = change.location
    if change.kind.value.startswith("response-status"):
        return str(location.status)
    if location.parameter:
        return location.parameter
    return location.json_path or location.section.value


@pytest.fixture
def summarize() -> Callable[[list[Change]], list[tuple[str, str, str, str]]]:
    return lambda changes: sorted((c.operation, c.kind.value, c.severity.value, where(c)) for c in changes)
