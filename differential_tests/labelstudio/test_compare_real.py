"""``mockserver compare`` against a fresh real Label Studio 0.8.1 and a fresh mock: the differential flows, written
as a HAR file, sent to both; it reports exactly the accepted differences of those flows (the pack's list in
``fixtures/labelstudio/compare/accepted.yaml``), nothing stale, nothing unexpected."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner

from differential_tests.labelstudio.conftest import ROOT, Servers, server_pair
from differential_tests.labelstudio.flows import FLOWS, As, Files, Form, Raw, Step
from mockserver import har
from mockserver.cli import main

ACCEPTED = ROOT / "fixtures" / "labelstudio" / "compare" / "accepted.yaml"
RECORDED = "http://recorded.invalid"


def request(method: str, path: str, body: Any) -> har.Request:
    """A flow step as the request it sends (multipart, form, raw and JSON bodies encoded by httpx)."""
    headers: dict[str, str] = {}
    if isinstance(body, As):
        headers, body = ({"Authorization": body.authorization} if body.authorization else {}), body.body
    options: dict[str, Any] = {}
    if isinstance(body, Files):
        files = [(field, (name, content, "application/octet-stream")) for field, name, content in body.files]
        options = {"data": dict(body.fields), "files": files}
    elif isinstance(body, Form):
        options = {"data": body.fields}
    elif isinstance(body, Raw):
        options = {"content": body.content, "headers": {"Content-Type": body.content_type}}
    elif body is not None:
        options = {"json": body}
    built = httpx.Client().build_request(method, RECORDED + path, **options)
    built.read()
    return har.Request(method, RECORDED + path, (*built.headers.multi_items(), *headers.items()), built.content)


def flows_as_har(flows: dict[str, list[Step]], path: Path) -> int:
    """``flows`` written as HAR entries named ``<flow>: <step label>`` (only the requests matter)."""
    entries = [har.Entry(request(method, target, body), har.Response(0), comment=f"{flow}: {label}")
               for flow, steps in flows.items() for label, method, target, body in steps]
    har.write(path, entries)
    return len(entries)


@pytest.fixture(scope="module")
def fresh_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    with server_pair(tmp_path_factory.mktemp("labelstudio-compare"), "empty") as pair:
        yield pair


def test_compare_reports_exactly_the_accepted_differences(fresh_servers: Servers, tmp_path: Path) -> None:
    steps = flows_as_har(FLOWS, tmp_path / "flows.har")
    started = time.monotonic()
    result = CliRunner().invoke(main, [
        "compare", fresh_servers.real, fresh_servers.mock, "--api", "labelstudio", "--har", str(tmp_path / "flows.har"),
        "--accept", str(ACCEPTED), "--format", "json", "--format", "markdown", "-o", str(tmp_path / "report"),
        "--fail-on-difference"])
    seconds = time.monotonic() - started
    report = json.loads((tmp_path / "report" / "compare-report.json").read_text())
    counts = report["counts"]
    print(f"\n{counts['exchanges']} exchanges compared, {counts['differing']} differ ({counts['differences']} "
          f"differences, {counts['accepted']} accepted, {counts['unexpected']} unexpected, {counts['stale']} stale) "
          f"in {seconds:.1f} s")
    unexpected = [d for d in report["differences"] if d["verdict"] == "unexpected"]
    assert unexpected == [], json.dumps(unexpected, indent=1)[:6000]
    applying = {entry["exchange"] for entry in yaml.safe_load(ACCEPTED.read_text())
                if entry["exchange"].split(": ", 1)[0] in FLOWS}
    assert counts["exchanges"] == steps and report["stale"] == []
    assert {d["exchange"] for d in report["differences"]} == applying
    assert all(d["operation"].split(" ", 1)[0] == d["request"].split(" ", 1)[0] for d in report["differences"])
    assert result.exit_code == 0, result.output
