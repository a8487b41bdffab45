from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.specdiff import reports
from tests.specdiff.conftest import PAIRS


def diff(*args: str) -> Any:
    return CliRunner().invoke(main, ["diff", *args], catch_exceptions=False)


def test_terminal_summary_of_two_versions() -> None:
    result = diff("v4", "v5")
    assert result.exit_code == 0
    assert "v4 → v5" in result.output and "annotationLayers" in result.output


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["v1", "v5", "--fail-on", "breaking"], 1),
        (["v5", "v5", "--fail-on", "info"], 0),
        (["v3", "v4", "--fail-on", "breaking"], 1),
        ([str(PAIRS / "identifier" / "old.yaml"), str(PAIRS / "identifier" / "new.yaml"), "--fail-on", "breaking"], 1),
        (["v4", "v5"], 0),
    ],
)
def test_fail_on_sets_the_exit_code(args: list[str], code: int) -> None:
    assert diff(*args, "--format", "json").exit_code == code


@pytest.mark.parametrize(("threshold", "code"), [("breaking", 0), ("potentially-breaking", 0), ("non-breaking", 1)])
def test_an_added_operation_fails_only_from_non_breaking(threshold: str, code: int, tmp_path: Path) -> None:
    ok = "responses: {'200': {description: ok}}"
    old = tmp_path / "old.yaml"
    old.write_text(f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a: {{get: {{{ok}}}}}\n")
    new = tmp_path / "new.yaml"
    new.write_text(old.read_text() + f"  /b: {{get: {{{ok}}}}}\n")
    assert diff(str(old), str(new), "--fail-on", threshold).exit_code == code


@pytest.mark.parametrize(("fmt", "start"), [("markdown", "# API changes"), ("html", "<!DOCTYPE html>"),
                                            ("json", "{"), ("junit", "<?xml"), ("text", "─"), ("terminal", "─")])
def test_every_format_writes_to_a_file(fmt: str, start: str, tmp_path: Path) -> None:
    out = tmp_path / "sub" / f"report.{fmt}"
    old, new = PAIRS / "renames" / "old.yaml", PAIRS / "renames" / "new.yaml"
    result = diff(str(old), str(new), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text(encoding="utf-8").lstrip().startswith(start)
    assert "visibility" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["v9", "v5"], "v9 is neither a version of webknossos"),
        (["missing.yaml", "v5"], "neither a version"),
        ([str(PAIRS / "renames" / "old.yaml"), "v5", "--stepwise"], "--stepwise needs two versions"),
        (["v5", "v1", "--stepwise"], "--stepwise needs two versions"),
        (["v4", "v5", "--fail-on", "sometimes"], "Invalid value for '--fail-on'"),
    ],
)
def test_bad_arguments_exit_with_2(args: list[str], message: str) -> None:
    result = diff(*args)
    assert result.exit_code == 2 and message in result.output


def test_behaviour_against_the_in_process_mock(live_mock: httpx.Client) -> None:
    result = diff("v3", "v5", "--stepwise", "--behaviour", "--format", "json", "--fail-on-unexplained")
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)["pairs"]
    assert [(p["old"], p["behaviour"]["oldBase"]) for p in pairs] == [("v3", "/api/v3"), ("v4", "/api/v4")]
    assert all(d["explained"] for p in pairs for d in p["behaviour"]["differences"])


def test_behaviour_against_a_base_url_with_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str | None]] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append((str(request.url), request.headers.get("X-Auth-Token")))
        return httpx.Response(404 if request.url.path.startswith("/api/v3") else 200, json={"id": "x"})

    real = httpx.Client
    monkeypatch.setattr(reports.httpx, "Client", lambda **kw: real(transport=httpx.MockTransport(server), **kw))
    result = diff("v3", "v4", "--behaviour", "--base-url", "http://wk.test", "--token", "secret",
                  "--format", "json", "--fail-on-unexplained")
    assert seen[0] == ("http://wk.test/api/v3/buildinfo", "secret")
    behaviour = json.loads(result.output)["pairs"][0]["behaviour"]
    unexplained = {d["step"] for d in behaviour["differences"] if not d["explained"]}
    assert "read build info" in unexplained and result.exit_code == 1
