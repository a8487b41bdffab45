"""``mockserver proxy`` in front of a served Label Studio mock: answers pass unchanged, and each way an answer can
break its spec is reported with the operation, the check and the JSON path; credentials never reach a report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mockserver import Settings
from mockserver.pack import load_pack
from mockserver.proxy.exchange import Inspector
from mockserver.proxy.forward import Proxy
from mockserver.proxy.report import REDACTED, Findings
from mockserver.proxy.spec_check import SpecCheck
from tests.contract.drift import Deviation
from tests.contract.served import ServedMock, served

SECRET = "Basic c2VjcmV0LXZhbHVlLTQy"


@pytest.fixture(scope="module")
def upstream() -> Iterator[ServedMock]:
    with served(Settings(api="labelstudio", recipe="tiny")) as mock:
        yield mock


@pytest.fixture(scope="module")
def check() -> SpecCheck:
    return SpecCheck(load_pack("labelstudio"))


def proxy_to(url: str, check: SpecCheck, max_body_bytes: int = 1 << 20) -> tuple[TestClient, Findings]:
    """A test client of a proxy to ``url``; its findings are complete once the client's ``with`` block is left."""
    findings = Findings()
    inspector = Inspector(check, findings, max_body_bytes)
    return TestClient(Proxy(url, inspector, max_body_bytes=max_body_bytes)), findings


def drifted(upstream: ServedMock, method: str, path: str, rewrite: Any) -> None:
    upstream.drift.deviations = [Deviation("test", method, path, rewrite, f"{method} {path}", "-")]


def test_answers_pass_unchanged_and_a_clean_flow_has_no_violation(upstream: ServedMock, check: SpecCheck) -> None:
    upstream.drift.deviations = []
    client, findings = proxy_to(upstream.url, check)
    with client:
        for method, path, body in (("GET", "/api/health", None), ("GET", "/api/project", None),
                                   ("GET", "/api/tasks?page=1&page_size=2", None), ("GET", "/api/tasks/0", None),
                                   ("GET", "/api/tasks/x", None), ("POST", "/api/project/import", [{"image": "a"}]),
                                   ("GET", "/api/project/export?format=JSON", None)):
            proxied = client.request(method, path, json=body)
            direct = httpx.request(method, upstream.url + path, json=body)
            assert proxied.status_code == direct.status_code, path
            assert proxied.headers["content-type"] == direct.headers["content-type"], path
            if "export" not in path and "import" not in path:  # an export's name has the time, an import the id
                assert proxied.content == direct.content, path
    assert findings.exchanges == 7 and findings.found == [] and findings.exit_code == 0


def test_a_body_that_breaks_its_schema_is_reported_with_its_json_path(upstream: ServedMock,
                                                                      check: SpecCheck) -> None:
    def wrong_type(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        return code, headers, {**body, "task_count": "many"}

    drifted(upstream, "GET", "/api/project", wrong_type)
    client, findings = proxy_to(upstream.url, check)
    try:
        with client:
            assert client.get("/api/project").json()["task_count"] == "many"  # passed on as it came
    finally:
        upstream.drift.deviations = []
    [(_, request, violation)] = findings.found
    assert request == "GET /api/project → 200"
    assert (violation.operation, violation.path) == ("GET /api/project", "/task_count")
    assert "is not of type" in violation.message and findings.exit_code == 1


def test_undocumented_statuses_media_types_and_operations_are_reported(upstream: ServedMock,
                                                                       check: SpecCheck) -> None:
    def teapot(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        return 418, headers, body

    drifted(upstream, "GET", "/api/health", teapot)
    client, findings = proxy_to(upstream.url, check)
    try:
        with client:
            assert client.get("/api/health").status_code == 418
            client.get("/api/nowhere")
    finally:
        upstream.drift.deviations = []
    checks = [(v.operation, v.check) for _, _, v in findings.found]
    assert checks == [("GET /api/health", "undocumented_status"), ("GET /api/nowhere", "undocumented_operation")]


def test_credentials_seen_in_requests_never_reach_an_output(upstream: ServedMock, check: SpecCheck,
                                                            tmp_path: Path) -> None:
    def leak(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        return code, headers, {**body, "task_count": SECRET}

    drifted(upstream, "GET", "/api/project", leak)
    client, findings = proxy_to(upstream.url, check)
    try:
        with client:
            client.get("/api/project", headers={"Authorization": SECRET})
    finally:
        upstream.drift.deviations = []
    files = findings.write(tmp_path)
    outputs = [path.read_text() for path in files] + findings.summary()
    assert findings.found and all(SECRET not in text and "c2VjcmV0LXZhbHVlLTQy" not in text for text in outputs)
    assert REDACTED in files[0].read_text()
    junit = files[1].read_text()
    assert 'name="GET /api/project"' in junit and "<failure" in junit


def test_an_upstream_that_does_not_answer_and_requests_too_large_are_one_line(check: SpecCheck,
                                                                             upstream: ServedMock) -> None:
    client, findings = proxy_to("http://127.0.0.1:9", check)
    with client:
        down = client.get("/api/health")
    assert down.status_code == 502 and down.text.startswith("mockserver proxy: http://127.0.0.1:9 failed: Connect")
    client, findings = proxy_to(upstream.url, check, max_body_bytes=100)
    with client:
        refused = client.post("/api/project/import", content=b"x" * 101)
    assert refused.status_code == 413 and "request body larger than 100 bytes" in refused.text
    assert findings.exchanges == 0


def test_the_command_stops_at_the_first_violation_with_fail_fast(upstream: ServedMock, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "mockserver", "proxy", upstream.url, "--api", "labelstudio", "--port", "0",
               "--fail-fast", "--report-dir", str(tmp_path)]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        port = re.search(r"http://127\.0\.0\.1:(\d+)", first)
        assert port, first
        base = f"http://127.0.0.1:{port.group(1)}"
        assert httpx.get(f"{base}/api/health").status_code == 200
        assert httpx.get(f"{base}/api/nowhere").status_code == 404
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 1, err
    assert "2 exchanges, 1 violation(s):" in out and "GET /api/nowhere: undocumented_operation (1×)" in out
    report = json.loads((tmp_path / "proxy-report.json").read_text())
    assert report["exchanges"] == 2 and report["violations"][0]["check"] == "undocumented_operation"


@pytest.mark.parametrize(("arguments", "expected"), [
    (["not-a-url"], "URL must be http(s)://host[:port][/path]"),
    (["http://127.0.0.1:9", "--api", "nope"], "error: "),
    (["http://127.0.0.1:9", "--api", "labelstudio", "--api-version", "7"], "error: "),
    (["http://127.0.0.1:9", "--api", "labelstudio", "--spec", "README.md"], "error: cannot load README.md: "),
    (["http://127.0.0.1:9", "--api", "labelstudio", "--spec", "nowhere.yaml"], "error: cannot load nowhere.yaml: ")])
def test_bad_arguments_are_one_line_and_exit_2(arguments: list[str], expected: str) -> None:
    done = subprocess.run([sys.executable, "-m", "mockserver", "proxy", *arguments], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2 and expected in done.stderr and len(done.stderr.strip().splitlines()) == 1
