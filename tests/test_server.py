"""``mockserver serve`` with the test-double options: scenario, CORS, admin key, request log (one real process)."""

from __future__ import annotations

import time

import httpx
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.settings import derived_admin_key
from tests.test_serve import Served


def test_scenario_cors_admin_key_and_request_log() -> None:
    server = Served("--recipe", "tiny", "--seed", "5", "--scenario", "dataset_not_active",
                    "--cors-origins", "http://app.example", "--request-log-limit", "2")
    try:
        output = "".join(server.lines)
        assert f"__admin   {server.url}/__admin/ui/   X-Admin-Key: {derived_admin_key(5)}" in output
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
