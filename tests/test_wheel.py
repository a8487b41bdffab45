"""The built wheel carries the specs and fixtures and serves from outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import mockserver, mockserver.resources as res
from mockserver import Settings, create_app
print(mockserver.__file__)
print(res.spec_dir())
app = create_app(Settings(recipe="tiny"))
with app.test_client() as client:
    token = app.backend.world.token("user")
    print(client.get("/api/v3/user", headers={"X-Auth-Token": token}).status_code)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("mockserver-*.whl"))


def test_wheel_contains_specs_and_recipes_but_no_top_level_fixtures_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "mockserver/_data/spec/webknossos/v5/openapi.yaml" in names
    assert "mockserver/_data/fixtures/webknossos/recipes/default.yaml" in names
    assert not any(name.startswith("fixtures/") for name in names)


def test_installed_wheel_serves_from_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", PROBE], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    module_file, spec_dir, status = result.stdout.split()
    assert module_file.startswith(str(target))
    assert spec_dir.startswith(str(target)) and spec_dir.endswith("_data/spec")
    assert status == "200"
