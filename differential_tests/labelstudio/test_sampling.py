"""The other two sampling modes of ``next`` against the real Label Studio 0.8.1 (set in its config.json):
``prediction-score-max`` compared exchange by exchange (the score flows of ``flows.py``), ``uniform`` by what it
promises (every answer an open task, every open task drawn), since its choice is random on both sides."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from differential_tests.labelstudio.conftest import Servers, server_pair
from differential_tests.labelstudio.flows import IMAGE, SCORED_FLOWS, choice
from differential_tests.labelstudio.test_differential import compare

DRAWS = 40
"""Draws of ``next`` per server: with 3 open tasks all are drawn unless chance is below 3 · (2/3)^40 ≈ 3e-7."""


@pytest.fixture(scope="module")
def highest_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with server_pair(tmp_path_factory.mktemp("labelstudio-max"), "empty-score-max",
                     sampling="prediction-score-max") as pair:
        yield pair


@pytest.fixture(scope="module")
def uniform_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with server_pair(tmp_path_factory.mktemp("labelstudio-uniform"), "empty-uniform", sampling="uniform") as pair:
        yield pair


def test_highest_score_sampling_as_the_real_server(highest_servers: Servers) -> None:
    compare(highest_servers, {"highest-score sampling": SCORED_FLOWS["score sampling"]})


def test_uniform_sampling_hands_out_every_open_task_on_both_sides(uniform_servers: Servers) -> None:
    drawn: dict[str, set[int]] = {}
    for side, base in (("real", uniform_servers.real), ("mock", uniform_servers.mock)):
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.post("/api/project/config", json={"label_config": IMAGE}).status_code == 201
            tasks = [{"image": f"{n}.jpg"} for n in range(5)]
            assert client.post("/api/project/import", json=tasks).status_code == 201
            for done in (1, 3):
                assert client.post(f"/api/tasks/{done}/completions", json={"result": choice("Cat")}).status_code == 201
            answers = [client.get("/api/project/next") for _ in range(DRAWS)]
        assert {(a.status_code, a.headers["content-type"]) for a in answers} == {(200, "application/json")}, side
        drawn[side] = {a.json()["id"] for a in answers}
        assert all("completions" not in a.json() for a in answers), side
    assert drawn["real"] == drawn["mock"] == {0, 2, 4}
