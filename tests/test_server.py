"""``mockserver serve`` with the test-double options: scenario, CORS, admin key, request log (one real process)."""

from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from rich.console import Console

from mockserver.cli import main
from mockserver.pytest_plugin import MockServer
from mockserver.server import banner
from mockserver.settings import derived_admin_key
from tests.test_serve import Served

README = Path(__file__).resolve().parent.parent / "README.md"


def test_scenario_cors_admin_key_and_request_log() -> None:
    server = Served("--recipe", "tiny", "--seed", "5", "--scenario", "dataset_not_active",
                    "--cors-origins", "http://app.example", "--request-log-limit", "2")
    try:
        output = "".join(server.lines)
        assert f"__admin     {server.url}/__admin/ui/   X-Admin-Key: {derived_admin_key(5)}" in output
        headers = {"X-Auth-Token": server.token("admin"), "Origin": "http://app.example"}
        dataset = httpx.get(f"{server.url}/api/v5/datasets/sample_organization/l4_sample", headers=headers)
        assert dataset.json()["isActive"] is False
        assert dataset.headers["access-control-allow-origin"] == "http://app.example"
        assert dataset.headers["access-control-expose-headers"] == "X-Total-Count"
        other = httpx.get(f"{server.url}/api/v5/buildinfo", headers={"Origin": "http://evil.example"})
        assert other.headers.get("access-control-allow-origin") in (None, "*")  # buildinfo itself sends *
        preflight = httpx.options(f"{server.url}/api/v5/tasks", headers={
            "Origin": "http://app.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-Auth-Token, Content-Type"})
        assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]
        for _ in range(6):
            httpx.get(f"{server.url}/api/health")
        time.sleep(1.1)
        httpx.get(f"{server.url}/api/health")
        reset = CliRunner().invoke(main, ["admin", "--url", server.url, "--seed", "5", "reset"])
        assert reset.exit_code == 0 and "seed 5, recipe tiny" in reset.output
        assert httpx.get(f"{server.url}/api/v5/datasets/sample_organization/l4_sample",
                         headers=headers).json()["isActive"] is False  # the start state includes the scenario
    finally:
        assert server.stop()
    log = "".join(server.lines)
    assert "INFO:     GET /api/v5/datasets/sample_organization/l4_sample 200 " in log
    assert "… and " in log and "more requests (mean" in log


def test_banner_fixture_and_readme_name_the_urls_alike(mockserver: MockServer) -> None:
    """"server URL" is the root (the fixture's ``url``), "API URL" is ``/api`` with each version under it."""
    out = io.StringIO()
    banner(mockserver.app, Console(file=out, width=200))
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert f"server URL  {mockserver.url}   (in a browser: versions, docs, users)" in lines
    assert f"API URL     {mockserver.url_for('latest')}   (the latest, v5; each version: /api/v1 … /api/v5)" \
        in lines
    assert mockserver.api_url == mockserver.url_for("v5") == f"{mockserver.url_for('latest')}/v5"
    readme = README.read_text(encoding="utf-8")
    assert "base URL" not in readme
    assert "`url` (the server URL" in readme and "`api_url` (the API URL" in readme
