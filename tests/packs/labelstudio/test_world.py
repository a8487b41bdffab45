"""Seeded worlds: deterministic, fitting their labeling config, as the recipes say."""

from __future__ import annotations

import pytest

from mockserver.errors import ConfigurationError
from mockserver.packs.labelstudio import labelconfig, world
from mockserver.packs.labelstudio.records import SCHEMA, Project, Task
from mockserver.store import Store

RECIPES = ("default", "empty", "ner", "bbox", "tiny", "large", "scored", "empty-score-min")


def built(seed: int, recipe: str) -> tuple[list[Project], list[Task]]:
    store = Store.open(SCHEMA)
    world.build(store, seed, recipe, "http://127.0.0.1:8080")
    return store.select(Project), store.select(Task, order="id")


@pytest.mark.parametrize("recipe", RECIPES)
def test_the_same_seed_gives_the_same_world(recipe: str) -> None:
    assert built(7, recipe) == built(7, recipe)


def test_another_seed_gives_another_world() -> None:
    assert built(7, "default")[1] != built(8, "default")[1]


@pytest.mark.parametrize("recipe", RECIPES)
def test_tasks_fit_the_config_and_the_recipe(recipe: str) -> None:
    (project,), tasks = built(3, recipe)
    spec = world.load_recipe(recipe)
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
