"""Seeded worlds: deterministic, fitting their labeling config, as the recipes say."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from benchmarks.performance import growth
from mockserver import dump
from mockserver.app import MockApp
from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.packs.labelstudio import labelconfig, world
from mockserver.packs.labelstudio.records import SCHEMA, Project, Task
from mockserver.store import Store

RECIPES = ("default", "empty", "ner", "bbox", "tiny", "large", "scored", "empty-score-min")
SMALL_LARGE = 2_000
"""``large`` is built at this size here (its proportions kept, as the benchmarks' growth scenario derives it): the
100,000 tasks of the recipe itself are the benchmarks' to build."""


@pytest.fixture(scope="module")
def recipes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Recipe name → what to build: the name, or for ``large`` a file of it with ``SMALL_LARGE`` tasks."""
    derived = growth.write_recipe(tmp_path_factory.mktemp("recipes"), "labelstudio", SMALL_LARGE)
    return {name: str(derived) if name == "large" else name for name in RECIPES}


def built(seed: int, recipe: str) -> tuple[list[Project], list[Task]]:
    store = Store.open(SCHEMA)
    world.build(store, seed, recipe, "http://127.0.0.1:8080")
    return store.select(Project), store.select(Task, order="id")


@pytest.mark.parametrize("recipe", RECIPES)
def test_the_same_seed_gives_the_same_world(recipe: str, recipes: dict[str, str]) -> None:
    assert built(7, recipes[recipe]) == built(7, recipes[recipe])


def test_the_large_recipe_has_the_benchmarks_size_and_proportions(recipes: dict[str, str]) -> None:
    large = world.load_recipe("large")
    assert (large.tasks, large.completed, large.cancelled, large.predicted) == (100_000, 20_000, 1_000, 15_000)
    small = world.load_recipe(recipes["large"])
    assert (small.tasks, small.completed, small.cancelled, small.predicted) == (2_000, 400, 20, 300)
    assert (small.label_config, small.description) == (large.label_config, large.description)
    assert Path(recipes["large"]).is_file()


def test_another_seed_gives_another_world() -> None:
    assert built(7, "default")[1] != built(8, "default")[1]


@pytest.mark.parametrize("recipe", RECIPES)
def test_tasks_fit_the_config_and_the_recipe(recipe: str, recipes: dict[str, str]) -> None:
    (project,), tasks = built(3, recipes[recipe])
    spec = world.load_recipe(recipes[recipe])
    config = labelconfig.parse(project.label_config)
    for task in tasks:
        labelconfig.check_task(config.data_types, {"data": task.data})
        for completion in task.completions or []:
            assert completion["id"] == task.id * 1000 + 1
            for result in completion["result"]:
                control = config.controls[result["from_name"]]
                assert set(result["value"][control.type]) <= set(control.labels)
    assert len(tasks) == spec.tasks and [t.id for t in tasks] == list(range(spec.tasks))
    assert sum(t.completions is not None for t in tasks) == spec.completed
    assert sum(bool(t.completions and t.completions[0].get("was_cancelled")) for t in tasks) == spec.cancelled
    assert sum(any("score" in p for p in t.predictions or []) for t in tasks) == spec.predicted


def test_an_unknown_recipe_names_the_known_ones() -> None:
    known = "bbox, default, empty, empty-score-max, empty-score-min, empty-uniform, large, ner, scored, tiny"
    with pytest.raises(ConfigurationError, match=known):
        world.load_recipe("nope")


def test_a_world_given_as_json_says_which_tasks_lack_a_result(empty_app: MockApp, fresh: TestClient) -> None:
    pack, store = load_pack("labelstudio"), empty_app.backend.store
    document = dump.export_world(pack, store, empty_app.backend.world)
    task = {"project": 1, "data": {"image": "a.jpg"}, "predictions": None, "imported_completions": None}
    document["tables"]["tasks"] = [{**task, "id": 0, "completions": [{"id": 1}]},  # says nothing: False
                                   {**task, "id": 1, "completions": None, "result_missing": True}]
    dump.import_world(pack, store, document)
    assert [t.result_missing for t in store.select(Task, order="id")] == [True, False]
    imported = fresh.post("/api/project/import", json={"image": "b.jpg"})
    assert (imported.status_code, imported.json()["detail"]) == (500, "'result'")
