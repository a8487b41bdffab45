"""``mockserver seed``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mockserver.cli import main


def test_counts() -> None:
    result = CliRunner().invoke(main, ["seed", "--recipe", "tiny", "--seed", "4"])
    assert result.exit_code == 0 and result.output.startswith("seed 4, recipe tiny\n")
    assert "  users                  6" in result.output


def test_dump_is_deterministic_and_includes_scenarios(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for target in (first, second):
        result = CliRunner().invoke(main, ["seed", "--recipe", "tiny", "--scenario", "dataset_not_active",
                                           "--dump", str(target)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    datasets = json.loads(first.read_text())["tables"]["datasets"]
    assert {d["name"]: d["is_active"] for d in datasets}["l4_sample"] is False


def test_dump_to_stdout_and_environment() -> None:
    result = CliRunner().invoke(main, ["seed", "--dump", "-"], env={"MOCKSERVER_RECIPE": "tiny"})
    assert json.loads(result.stdout)["recipe"] == "tiny"


def test_bad_scenario_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["seed", "--recipe", "tiny", "--scenario", "nope"])
    assert result.exit_code == 2 and "scenario 'nope' not found" in result.output
