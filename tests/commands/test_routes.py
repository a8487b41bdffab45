"""``mockserver routes``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mockserver.cli import main


def test_every_operation_of_every_version() -> None:
    result = CliRunner().invoke(main, ["routes", "--json"])
    assert result.exit_code == 0
    operations = json.loads(result.output)
    apis = {op["api"] for op in operations}
    assert {"v1", "v2", "v3", "v4", "v5", "admin"} <= apis
    v5 = {(op["method"], op["path"]): op["operationId"] for op in operations if op["api"] == "v5"}
    assert v5[("GET", "/api/v5/tasks/{id}")] == "tasks.read_task"
    assert ("POST", "/__admin/reset") in {(op["method"], op["path"]) for op in operations}


def test_table_for_one_version() -> None:
    result = CliRunner().invoke(main, ["routes", "--api", "v1"])
    lines = result.output.splitlines()
    assert lines and all(line.startswith("v1 ") for line in lines)
    assert any(" GET    /api/v1/user " in line for line in lines)


def test_unknown_api_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["routes", "--api", "v9"])
    assert result.exit_code == 2 and "unknown API v9" in result.output
