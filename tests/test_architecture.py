"""The import contracts of ARCHITECTURE.md (import-linter, configured in pyproject.toml) hold, and bite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts over the ``mockserver`` package found in ``package_parent``."""
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=package_parent, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_the_contracts_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{LAYERS} KEPT" in " ".join(result.stdout.split()) and "2 kept, 0 broken" in result.stdout


LAYERS = "Layers of ARCHITECTURE.md: the core never imports a pack, lower layers never import higher ones"
PACKS = "No pack imports another pack"


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("store.py", "import mockserver.packs.webknossos.records", LAYERS),
    ("errors.py", "import mockserver.settings", LAYERS),
    ("packs/other/__init__.py", "import mockserver.packs.webknossos.records", PACKS),
])
def test_a_forbidden_import_breaks_the_build(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "mockserver"
    shutil.copytree(ROOT / "mockserver", copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((target.read_text() if target.exists() else "") + f"\n{line}\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert f"{contract} BROKEN" in " ".join(result.stdout.split())
