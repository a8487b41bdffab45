"""Where the specs and fixtures are, in a checkout and in an installed wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _data_dir(name: str) -> Path:
    packaged = Path(str(resources.files("mockserver"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def spec_dir() -> Path:
    """The ``spec/`` folder (``spec/<pack>/<version>/openapi.yaml``)."""
    return _data_dir("spec")


def fixtures_dir() -> Path:
    """The ``fixtures/`` folder (``fixtures/<pack>/``: recipes, scenarios, replays, sample files)."""
    return _data_dir("fixtures")


def recipe_path(name_or_path: str, pack: str) -> Path:
    """A recipe given by name (``fixtures/<pack>/recipes/<name>.yaml``) or by file path."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"} or candidate.exists():
        return candidate
    return fixtures_dir() / pack / "recipes" / f"{name_or_path}.yaml"
