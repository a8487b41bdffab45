"""World recipes: how many of each thing a seeded world has (``fixtures/webknossos/recipes/*.yaml``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from mockserver.errors import ConfigurationError
from mockserver.resources import recipe_path


@dataclasses.dataclass(frozen=True)
class Recipe:
    """Counts of a world. See ``fixtures/webknossos/recipes/default.yaml`` for the meaning of each key."""

    organizations: int = 1
    teams: int = 4
    users: int = 50
    folders: int = 3
    datasets: int = 6
    task_types: int = 4
    scripts: int = 2
    projects: int = 6
    tasks_per_project: int = 8
    instances_per_task: tuple[int, int] = (1, 4)
    assigned_fraction: float = 0.6
    explorationals_per_user: tuple[int, int] = (0, 3)
    large_project_tasks: int = 0
    short_links: int = 3
    name: str = "default"

    def __post_init__(self) -> None:
        minimums = {"organizations": 1, "teams": 1, "users": 3, "folders": 0, "datasets": 1, "task_types": 1}
        for key, minimum in minimums.items():
            if getattr(self, key) < minimum:
                raise ConfigurationError(f"recipe {self.name!r}: {key} must be at least {minimum}")
        for key in ("instances_per_task", "explorationals_per_user"):
            low, high = getattr(self, key)
            if not 0 <= low <= high:
                raise ConfigurationError(f"recipe {self.name!r}: {key} must be [low, high] with 0 <= low <= high")
        if not 0.0 <= self.assigned_fraction <= 1.0:
            raise ConfigurationError(f"recipe {self.name!r}: assigned_fraction must be between 0 and 1")

    @classmethod
    def load(cls, name_or_path: str) -> Recipe:
        """Read a recipe by name (``default``, ``large``, ``tiny``) or path, with clear errors."""
        path = recipe_path(name_or_path, "webknossos")
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise ConfigurationError(f"recipe {name_or_path!r} not found (looked at {path})") from None
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"recipe {path}: invalid YAML: {exc}") from None
        return cls.from_dict(data, name=Path(path).stem)

    @classmethod
    def from_dict(cls, data: Any, *, name: str = "custom") -> Recipe:
        if not isinstance(data, dict):
            raise ConfigurationError(f"recipe {name!r}: expected a mapping of counts")
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {"name": name}
        for key, value in data.items():
            if key not in known or key == "name":
                raise ConfigurationError(f"recipe {name!r}: unknown key {key!r} (known: {', '.join(sorted(known))})")
            values[key] = _coerce(name, key, value, known[key].default)
        return cls(**values)


def _coerce(recipe: str, key: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
            raise ConfigurationError(f"recipe {recipe!r}: {key} must be a list of two integers, got {value!r}")
        return (value[0], value[1])
    if isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ConfigurationError(f"recipe {recipe!r}: {key} must be a number, got {value!r}")
        return float(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ConfigurationError(f"recipe {recipe!r}: {key} must be an integer, got {value!r}")
    return value
