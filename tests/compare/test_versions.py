"""Two versions of one served WEBKNOSSOS mock: ``mockserver compare`` of ``/api/vA`` and ``/api/vB`` with the pack's
default replay finds the differences ``mockserver diff --behaviour vA vB`` finds, with the same explanations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from mockserver import Settings
from mockserver.cli import main
from tests.contract.served import ServedMock, served

Seen = tuple[str, str, str, str, str, str, tuple[str, ...]]


@pytest.fixture(scope="module")
def mock() -> Iterator[ServedMock]:
    with served(Settings(recipe="tiny", seed=1)) as served_mock:
        yield served_mock


def run(*arguments: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, [*arguments, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.output)
    return document


def by_diff(mock: ServedMock, old: str, new: str, token: str) -> list[Seen]:
    mock.app.backend.store.reset()
    behaviour = run("diff", old, new, "--behaviour", "--base-url", mock.url, "--token", token)["pairs"][0]["behaviour"]
    return sorted((d["step"], d["operation"], d["aspect"], d["location"], d["old"], d["new"],
                   tuple(sorted(d["explainedBy"]))) for d in behaviour["differences"])


def by_compare(mock: ServedMock, old: str, new: str, token: str) -> tuple[list[Seen], dict[str, Any]]:
    mock.app.backend.store.reset()
    report = run("compare", f"{mock.url}/api/{old}", f"{mock.url}/api/{new}", "--api", "webknossos",
                 "--header", f"X-Auth-Token: {token}")
    aspects = {"media-type": "header"}
    return sorted((d["exchange"], d["operation"], aspects.get(d["aspect"], d["aspect"]), d["location"], d["a"], d["b"],
                   tuple(sorted(d["explainedBy"]))) for d in report["differences"]), report


@pytest.mark.parametrize(("old", "new"), [("v1", "v2"), ("v2", "v3"), ("v3", "v4"), ("v4", "v5"), ("v1", "v5")])
def test_compare_of_two_versions_is_diff_behaviour(mock: ServedMock, old: str, new: str) -> None:
    token = mock.app.backend.world.token("admin")
    expected = by_diff(mock, old, new, token)
    found, report = by_compare(mock, old, new, token)
    assert expected and found == expected
    assert report["counts"]["unexpected"] == 0 and report["counts"]["exchanges"] == 19
    if (old, new) == ("v4", "v5"):
        create = [(d["aspect"], d["location"], d["explanation"]) for d in report["differences"]
                  if d["exchange"] == "create explorational"]
        assert create == [("request", "request", "explained by type-changed"),
                          ("body", "$.annotationLayers", "explained by property-renamed"),
                          ("body", "$.tracing", "explained by property-renamed")]


def test_the_same_version_twice_answers_alike_values_included(mock: ServedMock) -> None:
    token = mock.app.backend.world.token("admin")
    found, report = by_compare(mock, "v5", "v5", token)
    assert found == [] and report["counts"]["exchanges"] == 19
