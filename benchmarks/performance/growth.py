"""The ``growth`` scenario's pure parts: each pack's ``large`` recipe with its main record count changed
(``derive_recipe``), written to the run's scratch folder and passed to ``serve --recipe PATH``; the p50s of a run's
rows by pack, operation and size (``p50_table``) and the flatness verdict (``flat``).

The main record of each pack (the one its ``large`` recipe scales): WEBKNOSSOS tasks, Label Studio tasks,
Cytomine annotations, IDAH entries.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

SIZES = (1_000, 10_000, 100_000)
FLAT_FACTOR = 2.0
"""Growth is flat when the p50 at the largest size is at most this many times the p50 at the smallest."""
MAIN_RECORD = {"webknossos": "tasks", "labelstudio": "tasks", "cytomine": "annotations", "idah": "entries"}
OPS = ("list", "write")
JSON = dict[str, Any]


def large_recipe(pack: str) -> JSON:
    """The pack's ``fixtures/<pack>/recipes/large.yaml`` as a mapping."""
    from mockserver.resources import recipe_path

    data = yaml.safe_load(recipe_path("large", pack).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{pack}: large.yaml is not a mapping")
    return data


def main_count(pack: str, recipe: Mapping[str, Any]) -> int:
    """How many main records ``recipe`` builds."""
    if pack == "webknossos":
        per_organization = recipe.get("projects", 0) * recipe.get("tasks_per_project", 0) + recipe.get(
            "large_project_tasks", 0)
        return int(recipe.get("organizations", 1) * per_organization)
    if pack == "labelstudio":
        return int(recipe["tasks"])
    if pack == "cytomine":
        return int(recipe["annotations"])
    if pack == "idah":
        return sum(int(dataset.get("entries", 0)) for dataset in _idah_datasets(recipe))
    raise KeyError(f"no main record known for pack {pack!r}")


def derive_recipe(pack: str, recipe: Mapping[str, Any], count: int) -> JSON:
    """``recipe`` (a pack's ``large``) with ``count`` main records, its other settings kept; what depends on the
    count keeps its proportion (Label Studio's done, cancelled and predicted tasks; Cytomine's annotations per
    image, so a page of 100 of one image stays full)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    derived: JSON = copy.deepcopy(dict(recipe))
    if pack == "webknossos":
        _webknossos(derived, count)
    elif pack == "labelstudio":
        tasks = int(recipe["tasks"])
        derived["tasks"] = count
        for key in ("completed", "cancelled", "predicted"):
            if key in recipe:
                derived[key] = int(recipe[key]) * count // tasks
    elif pack == "cytomine":
        per_image = int(recipe["annotations"]) / max(1, int(recipe["images"]))
        derived["annotations"] = count
        derived["images"] = max(1, round(count / per_image))
    elif pack == "idah":
        datasets = _idah_datasets(derived)
        if not datasets:
            raise ValueError("idah: the recipe has no dataset")
        total = sum(int(dataset.get("entries", 0)) for dataset in datasets) or len(datasets)
        for dataset in datasets:
            dataset["entries"] = int(dataset.get("entries", 0)) * count // total
        datasets[0]["entries"] += count - sum(dataset["entries"] for dataset in datasets)
    else:
        raise KeyError(f"no main record known for pack {pack!r}")
    assert main_count(pack, derived) == count, (pack, count, derived)
    return derived


def _webknossos(recipe: JSON, count: int) -> None:
    """Tasks are per organization: ``projects`` of ``tasks_per_project`` plus one project of ``large_project_tasks``
    (kept while the organization has room for it and a regular project besides)."""
    organizations = int(recipe.get("organizations", 1))
    if count % organizations:
        raise ValueError(f"webknossos: {count} tasks do not split over {organizations} organizations")
    per_organization = count // organizations
    size = int(recipe.get("tasks_per_project", 1))
    large = int(recipe.get("large_project_tasks", 0))
    if per_organization < large + size:
        large = 0
    projects = max(1, (per_organization - large) // size)
    if projects * size > per_organization:
        projects, size = 1, per_organization
    recipe.update(projects=projects, tasks_per_project=size, large_project_tasks=per_organization - projects * size)


def _idah_datasets(recipe: Mapping[str, Any]) -> list[JSON]:
    return [dataset for project in recipe.get("projects", []) for dataset in project.get("datasets", [])]


def write_recipe(directory: Path, pack: str, count: int, recipe: Mapping[str, Any] | None = None) -> Path:
    """``derive_recipe`` of the pack's ``large`` (or ``recipe``) as ``<directory>/<pack>-<count>.yaml``."""
    derived = derive_recipe(pack, large_recipe(pack) if recipe is None else recipe, count)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{pack}-{count}.yaml"
    header = f"# {pack}'s large recipe with {count:,} {MAIN_RECORD[pack]} (python -m benchmarks, growth)\n"
    path.write_text(header + yaml.safe_dump(derived, sort_keys=False), encoding="utf-8")
    return path


def p50_table(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, dict[int, float | None]]]:
    """pack → operation → records → p50 ms, from the growth rows (``pack``, ``op``, ``records``, ``p50_ms``)."""
    table: dict[str, dict[str, dict[int, float | None]]] = {}
    for row in rows:
        table.setdefault(row["pack"], {}).setdefault(row["op"], {})[int(row["records"])] = row["p50_ms"]
    return table


def growth_factor(p50s: Mapping[int, float | None]) -> float | None:
    """p50 at the largest size / p50 at the smallest; None unless both were measured (a p50 of 0 is wrk's "no answer
    in the run", not a measurement)."""
    if len(p50s) < 2:
        return None
    smallest, largest = p50s[min(p50s)], p50s[max(p50s)]
    if smallest is None or largest is None or smallest <= 0 or largest <= 0:
        return None
    return round(largest / smallest, 3)


def flat(p50s: Mapping[int, float | None], factor: float = FLAT_FACTOR) -> bool | None:
    """Is the p50 at the largest size at most ``factor`` times the p50 at the smallest? None: not measured."""
    ratio = growth_factor(p50s)
    return None if ratio is None else ratio <= factor
