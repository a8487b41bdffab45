"""The pack registry: entry points, registration, clear errors; ``mockserver packs``."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from mockserver import Settings, create_app
from mockserver.cli import main
from mockserver.errors import ConfigurationError
from mockserver.pack import Pack, Version, load_pack, pack_names, register, unregister


def test_installed_packs_come_from_the_entry_points_and_registration(echo: Pack) -> None:
    assert {"webknossos", "echo"} <= set(pack_names())
    loaded = load_pack("echo")  # once per registry change (another test's register() makes a new one)
    assert loaded is load_pack("echo") and loaded.handlers == echo.handlers
    assert loaded.version_names == ("1", "2") and loaded.latest.name == "2"


def test_an_unknown_pack_or_version_names_the_choices(echo: Pack) -> None:
    with pytest.raises(ConfigurationError, match=r"unknown API pack 'nope'; installed: .*echo.*webknossos"):
        load_pack("nope")
    with pytest.raises(ConfigurationError, match="the echo pack has no version '3'; choose one of 1, 2"):
        echo.version("3")


def test_urls_of_a_version(echo: Pack) -> None:
    assert echo.api_url("http://h:1/") == "http://h:1/echo/v2"
    assert echo.api_url("http://h:1", "1") == "http://h:1/echo/v1" == echo.api_url("http://h:1", "1")
    assert echo.docs_url("http://h:1", "1") == "http://h:1/echo/v1/ui/"


def test_packs_command_lists_versions_and_specs(echo: Pack) -> None:
    result = CliRunner().invoke(main, ["packs"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("echo") and "Echo notes" in line for line in lines)
    assert any(line.split()[:2] == ["2", "/echo/v2"] for line in lines)
    assert any(line.split()[:3] == ["v5", "/api/v5", "spec/webknossos/v5/openapi.yaml"] for line in lines)


def test_serve_with_an_unknown_pack_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["serve", "--api", "nope", "--port", "0"])
    assert result.exit_code == 2 and "unknown API pack 'nope'" in result.output


def test_routes_and_seed_of_another_pack(echo: Pack) -> None:
    routes = CliRunner().invoke(main, ["routes", "--api", "echo", "--version", "1"])
    assert routes.exit_code == 0, routes.output
    assert "GET    /echo/v1/notes" in routes.output and "/api/" not in routes.output
    seed = CliRunner().invoke(main, ["seed", "--api", "echo", "--seed", "3"])
    assert seed.exit_code == 0 and "notes" in seed.output and "accounts" in seed.output


@pytest.fixture
def echo_with_a_draft(echo: Pack) -> Iterator[Pack]:
    """The echo pack with a version ``3`` that only ``diff`` knows (its document is version 2's)."""
    draft = dataclasses.replace(echo, name="echo-draft", diff_only=(Version("3", echo.versions[1].spec, "/echo/v3"),))
    register("echo-draft", lambda: draft)
    yield load_pack("echo-draft")
    unregister("echo-draft")


def test_a_diff_only_version_is_compared_but_not_served(echo_with_a_draft: Pack) -> None:
    pack = echo_with_a_draft
    assert pack.version_names == ("1", "2") and pack.latest.name == "2"
    assert [v.name for v in pack.documented_versions] == ["1", "2", "3"]
    assert pack.documented_version("3").spec_path == pack.version("2").spec_path
    with pytest.raises(ConfigurationError, match=r"has no version '3'; choose one of 1, 2$"):
        pack.version("3")
    with pytest.raises(ConfigurationError, match=r"has no version '4'; choose one of 1, 2, 3$"):
        pack.documented_version("4")
    app = create_app(Settings(api="echo-draft", seed=3))
    with app.test_client() as client:
        assert client.get("/echo/v3/notes").status_code == 404


def test_diff_and_packs_take_a_diff_only_version(echo_with_a_draft: Pack) -> None:
    same = CliRunner().invoke(main, ["diff", "--api", "echo-draft", "2", "3", "--format", "json"])
    assert same.exit_code == 0, same.output
    assert json.loads(same.output)["pairs"][0]["changes"] == []
    changed = CliRunner().invoke(main, ["diff", "--api", "echo-draft", "1", "3", "--format", "text"])
    assert changed.exit_code == 0 and "1 → 3" in changed.output
    stepwise = CliRunner().invoke(main, ["diff", "--api", "echo-draft", "1", "3", "--stepwise", "--format", "json"])
    assert [(r["old"], r["new"]) for r in json.loads(stepwise.output)["pairs"]] == [("1", "2"), ("2", "3")]
    listed = CliRunner().invoke(main, ["packs"])
    assert any(line.split()[:3] == ["3", "(diff", "only)"] for line in listed.output.splitlines())
