"""The seeded world: one project from a recipe (``fixtures/labelstudio/recipes/*.yaml``) and its tasks.

One ``random.Random(seed)`` and one ``Faker`` seeded with ``seed_instance(seed)`` make everything: the same seed
and recipe give the same world. Task data, completions and predictions are made to fit the recipe's labeling
config (its object tags decide the data keys, its control tags the results).
"""

from __future__ import annotations

import dataclasses
import random
import string
from pathlib import Path
from typing import Any

import yaml
from faker import Faker

from mockserver.errors import ConfigurationError
from mockserver.packs.labelstudio import labelconfig
from mockserver.packs.labelstudio.records import Project, Task, lacks_result
from mockserver.resources import fixtures_dir, recipe_path
from mockserver.store import Store
from mockserver.world import WorldInfo

PROJECT_DIR = "/srv/label-studio/project"
"""The project directory the mock reports (the real server reports its own absolute path)."""
SESSIONS_ROOT = "/srv/label-studio/sessions"
"""Multi-session mode: the ``--root-dir`` the mock reports (a project is ``<root>/<user uuid>/<project uuid>``)."""
INSTRUCTION = ("<img src='static/images/ls_logo.png'><br> Type some <b>hypertext</b> for annotators here!<br> "
               "<a href='https://labelstud.io/guide/labeling.html'>Read more</a> about the labeling interface.")
SAMPLINGS = ("sequential", "uniform", "prediction-score-min", "prediction-score-max")
EPOCH = 1_600_000_000
"""Completions of seeded worlds were made in September 2020 (UTC seconds)."""


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    title: str
    description: str
    label_config: str
    tasks: int
    completed: int
    cancelled: int
    predicted: int
    sampling: str = "sequential"
    """How ``/api/project/next`` picks: sequential, uniform, prediction-score-min or prediction-score-max."""


def recipes_dir() -> Path:
    return fixtures_dir() / "labelstudio" / "recipes"


def load_recipe(name: str) -> Recipe:
    path = recipe_path(name, "labelstudio")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in recipes_dir().glob("*.yaml")))
        raise ConfigurationError(f"recipe {name!r} not found (looked at {path}; labelstudio has: {known})")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fields = {f.name for f in dataclasses.fields(Recipe)} - {"name"}
    required = fields - {"sampling"}
    if not required <= set(data) <= fields:
        raise ConfigurationError(f"recipe {name!r} must have the keys {', '.join(sorted(required))} "
                                 "(and may have sampling)")
    recipe = Recipe(name=name, **data)
    if not recipe.cancelled <= recipe.completed <= recipe.tasks or recipe.predicted > recipe.tasks:
        raise ConfigurationError(f"recipe {name!r}: cancelled <= completed <= tasks and predicted <= tasks")
    if recipe.sampling not in SAMPLINGS:
        raise ConfigurationError(f"recipe {name!r}: sampling must be one of {', '.join(SAMPLINGS)}")
    labelconfig.validate(recipe.label_config)
    return recipe


class Generator:
    def __init__(self, seed: int, config: labelconfig.LabelConfig) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.config = config
        self.data_types = config.data_types
        """Read once: the config's properties walk its XML tree on every call."""
        self.controls = list(config.controls.values())

    def region_id(self) -> str:
        return "".join(self.rng.choices(string.ascii_letters + string.digits + "_-", k=10))

    def value(self, tag: str, index: int) -> Any:
        if tag in ("Image", "HyperText"):
            return f"https://example.org/images/{self.fake.word()}-{index}.jpg"
        if tag in ("Text", "Header"):
            return self.fake.sentence(nb_words=10)
        return self.fake.word()

    def data(self, index: int) -> dict[str, Any]:
        return {key: self.value(tag, index) for key, tag in self.data_types.items()}

    def results(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        results = []
        for control in self.controls:
            label = self.rng.choice(control.labels) if control.labels else "x"
            value: dict[str, Any]
            if control.type in ("labels", "hypertextlabels"):
                text = str(data.get(self._key_of(control.to_name), ""))
                start = self.rng.randrange(max(1, len(text) // 2))
                end = min(len(text), start + self.rng.randint(3, 12))
                value = {"start": start, "end": end, "text": text[start:end], control.type: [label]}
            elif control.type in ("rectanglelabels", "polygonlabels", "keypointlabels"):
                x, y = round(self.rng.uniform(0, 70), 2), round(self.rng.uniform(0, 70), 2)
                w, h = round(self.rng.uniform(5, 30), 2), round(self.rng.uniform(5, 30), 2)
                if control.type == "rectanglelabels":
                    value = {"x": x, "y": y, "width": w, "height": h, "rotation": 0, control.type: [label]}
                elif control.type == "polygonlabels":
                    value = {"points": [[x, y], [x + w, y], [x + w, y + h]], control.type: [label]}
                else:
                    value = {"x": x, "y": y, "width": 1, control.type: [label]}
            else:
                value = {control.type: [label]}
            results.append({"id": self.region_id(), "from_name": control.name, "to_name": control.to_name,
                            "type": control.type, "value": value})
        return results

    def _key_of(self, object_name: str) -> str:
        for element in self.config.root.iter():
            if isinstance(element.tag, str) and element.get("name") == object_name:
                return str(element.get("value", "$"))[1:]
        return ""


def seeded_tasks(project: int, seed: int, recipe: Recipe) -> list[Task]:
    """The recipe's tasks of ``project`` (ids from 0): the same seed gives the same tasks in every project."""
    make = Generator(seed, labelconfig.parse(recipe.label_config))
    ids = list(range(recipe.tasks))
    completed = set(make.rng.sample(ids, recipe.completed))
    cancelled = set(make.rng.sample(sorted(completed), recipe.cancelled))
    predicted = set(make.rng.sample(ids, recipe.predicted))
    tasks = []
    for task_id in ids:
        data = make.data(task_id)
        predictions = None
        if task_id in predicted:
            predictions = [{"model_version": "model-v1", "score": round(make.rng.random(), 4),
                            "result": make.results(data)}]
        completions = None
        if task_id in completed:
            completion: dict[str, Any] = {"created_at": EPOCH + make.rng.randrange(86_400 * 30),
                                          "id": task_id * 1000 + 1, "lead_time": round(make.rng.uniform(1, 60), 3)}
            if task_id in cancelled:
                completion |= {"result": [], "was_cancelled": True}
            else:
                completion["result"] = make.results(data)
            completions = [completion]
            predictions = predictions or []
        tasks.append(Task(project, task_id, data, predictions, None, completions,
                          result_missing=lacks_result(completions)))
    return tasks


def build(store: Store, seed: int, recipe_name: str, base_url: str) -> WorldInfo:
    recipe = load_recipe(recipe_name)
    project = Project(1, recipe.title, recipe.description, PROJECT_DIR, recipe.label_config, recipe.sampling,
                      INSTRUCTION, False)
    with store.transaction():
        store.insert(project)
        store.insert_many(Task, seeded_tasks(1, seed, recipe))
    return resume(store, seed, recipe_name)


def session_project(store: Store, world: WorldInfo, owner: str, uuid: str, description: str | None) -> Project:
    """Multi-session mode: a new project of a session user, made as ``start-multi-session`` makes one from its
    start arguments (the recipe's config and tasks, the same seed); call inside a transaction."""
    recipe = load_recipe(world.recipe)
    number = int(store.scalars("SELECT COALESCE(MAX(id), 0) + 1 FROM projects")[0])
    project = Project(number, recipe.title, description or recipe.description, f"{SESSIONS_ROOT}/{owner}/{uuid}",
                      recipe.label_config, recipe.sampling, INSTRUCTION, False, uuid=uuid, owner=owner)
    store.insert(project)
    store.insert_many(Task, seeded_tasks(number, world.seed, recipe))
    return project


def resume(store: Store, seed: int, recipe: str) -> WorldInfo:
    """Label Studio 0.8.1 has no users (optional Basic auth comes later): nobody to print. A world given as JSON
    (``/__admin/world``) gets ``Task.result_missing`` from its completions."""
    mark_missing_results(store)
    return WorldInfo(seed, recipe, ())


def mark_missing_results(store: Store) -> None:
    """``Task.result_missing`` as the tasks' completions say, where a task says otherwise (written only then)."""
    done = store.select(Task, "completions IS NOT NULL")
    wrong = [task for task in done if task.result_missing != lacks_result(task.completions)]
    if wrong or store.count(Task, "completions IS NULL AND result_missing = 1"):
        with store.transaction():
            store.execute("UPDATE tasks SET result_missing = 0 WHERE completions IS NULL AND result_missing = 1")
            for task in wrong:
                store.update(task, result_missing=not task.result_missing)
