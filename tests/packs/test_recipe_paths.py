"""Every pack takes ``--recipe`` as a name or as a path to a YAML file (``mockserver.resources.recipe_path``), and
a path that does not exist is a clear ``ConfigurationError``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.errors import ConfigurationError
from mockserver.packs.cytomine import world as cytomine
from mockserver.packs.idah import world as idah
from mockserver.packs.labelstudio import world as labelstudio
from mockserver.resources import fixtures_dir


def _tiny_copy(tmp_path: Path, pack: str, change: dict[str, Any]) -> Path:
    data = yaml.safe_load((fixtures_dir() / pack / "recipes" / "tiny.yaml").read_text(encoding="utf-8"))
    data.update(change)
    path = tmp_path / f"{pack}-custom.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_labelstudio_reads_a_recipe_path(tmp_path: Path) -> None:
    path = _tiny_copy(tmp_path, "labelstudio", {"tasks": 7})
    assert labelstudio.load_recipe(str(path)).tasks == 7


def test_cytomine_reads_a_recipe_path(tmp_path: Path) -> None:
    path = _tiny_copy(tmp_path, "cytomine", {"annotations": 9})
    assert cytomine.load_recipe(str(path)).annotations == 9


def test_idah_reads_a_recipe_path(tmp_path: Path) -> None:
    data = yaml.safe_load((fixtures_dir() / "idah" / "recipes" / "tiny.yaml").read_text(encoding="utf-8"))
    data["projects"][0]["datasets"][0]["entries"] = 11
    path = tmp_path / "idah-custom.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert idah.load_recipe(str(path))["projects"][0]["datasets"][0]["entries"] == 11


@pytest.mark.parametrize("load", [labelstudio.load_recipe, cytomine.load_recipe, idah.load_recipe],
                         ids=["labelstudio", "cytomine", "idah"])
def test_a_missing_recipe_path_is_a_clear_error(tmp_path: Path, load: Any) -> None:
    missing = tmp_path / "nowhere" / "big.yaml"
    with pytest.raises(ConfigurationError, match=r"recipe '.*big\.yaml' not found \(looked at .*nowhere/big\.yaml"):
        load(str(missing))
