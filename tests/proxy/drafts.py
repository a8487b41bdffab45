"""A draft of a pack's spec for ``--spec``: a copy of the pack's spec folder (relative ``$ref``s keep working) with
one schema changed, so that answers that conform to the real spec break the draft."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from mockserver.pack import load_pack

Edit = Callable[[dict[str, Any]], None]


def drafted(tmp_path: Path, pack: str, file: str, edit: Edit, version: str | None = None) -> Path:
    """The version's document in a copy of ``spec/<pack>/`` whose ``file`` (relative to that folder) ``edit``
    changed."""
    chosen = load_pack(pack).version(version) if version else load_pack(pack).latest
    source = chosen.spec_path.parents[1]
    copy = tmp_path / "draft" / source.name
    shutil.copytree(source, copy, dirs_exist_ok=True)
    document = yaml.safe_load((copy / file).read_text(encoding="utf-8"))
    edit(document)
    (copy / file).write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return copy / chosen.spec_path.relative_to(source)


def task_count_as_text(components: dict[str, Any]) -> None:
    """Label Studio's project: ``task_count`` a string in the draft (the server sends an integer)."""
    components["Project"]["properties"]["task_count"] = {"type": "string"}
