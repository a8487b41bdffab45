"""``mockserver proxy`` in front of the real Label Studio 0.8.1: every step of the differential flows goes through
it; the only violations are the steps that call routes or methods the spec does not have (on purpose), a clean flow
(the documented steps alone) has none, a draft spec that breaks one field is caught at that field, and what the
proxy passes on is what the real server answered."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from differential_tests.labelstudio.conftest import Servers
from differential_tests.labelstudio.flows import FLOWS
from differential_tests.labelstudio.test_differential import send
from mockserver.pack import load_pack
from mockserver.proxy.spec_check import SpecCheck
from tests.proxy.drafts import drafted, task_count_as_text

Step = tuple[str, str, str, Any]


@dataclasses.dataclass(frozen=True)
class Run:
    sent: int
    report: dict[str, Any]
    exit_code: int
    output: str


def through_proxy(servers: Servers, report_dir: Path, steps: list[Step], *options: str) -> Run:
    """``steps`` sent through ``mockserver proxy`` in front of the real server, stopped with SIGINT."""
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "proxy", servers.real, "--api", "labelstudio",
                                "--port", "0", "--report-dir", str(report_dir), *options], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stderr is not None
        port = re.search(r"http://127\.0\.0\.1:(\d+)", process.stderr.readline())
        assert port
        proxy = f"http://127.0.0.1:{port.group(1)}"
        with httpx.Client(timeout=60) as client:
            for label, method, path, body in steps:
                answer = send(client, proxy, method, path, body)
                assert not answer.text.startswith("mockserver proxy:"), f"{label}: {answer.text}"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (report_dir / "proxy-report.json").exists(), f"exit {process.returncode}\n{out}\n{err[-3000:]}"
    report = json.loads((report_dir / "proxy-report.json").read_text())
    assert report["exchanges"] == len(steps), out + err[-3000:]
    return Run(len(steps), report, process.returncode, out + err)


def every_step() -> list[Step]:
    return [(f"{flow}: {label}", method, path, body) for flow, steps in FLOWS.items()
            for label, method, path, body in steps]


def undocumented(check: SpecCheck, method: str, path: str) -> bool:
    return method != "OPTIONS" and check.operation(method, path.split("?")[0]) is None


def test_the_proxy_finds_nothing_but_the_undocumented_calls_of_the_flows(servers: Servers, tmp_path: Path) -> None:
    check, steps = SpecCheck(load_pack("labelstudio")), every_step()
    expected = {f"{method} {path.split('?')[0]}" for _, method, path, _ in steps if undocumented(check, method, path)}
    run = through_proxy(servers, tmp_path, steps)
    found = {(v["operation"], v["check"]) for v in run.report["violations"]}
    print(f"\n{run.sent} exchanges through the proxy, {len(run.report['violations'])} violations, all of them calls "
          f"of {len(expected)} undocumented routes or methods")
    assert found == {(operation, "undocumented_operation") for operation in expected}, run.output
    assert run.exit_code == 1 and f"{run.sent} exchanges" in run.output


def test_a_clean_flow_has_no_violation_and_a_drafted_field_is_caught(servers: Servers, tmp_path: Path) -> None:
    check = SpecCheck(load_pack("labelstudio"))
    clean = [step for step in every_step() if not undocumented(check, step[1], step[2])]
    run = through_proxy(servers, tmp_path / "clean", clean)
    print(f"\nclean flow: {run.sent} exchanges, {len(run.report['violations'])} violations")
    assert run.report["violations"] == [] and run.exit_code == 0, run.output
    draft = drafted(tmp_path, "labelstudio", "components.yaml", task_count_as_text)
    reads = [step for step in clean if step[1] == "GET" and step[2].split("?")[0] == "/api/project"]
    drafted_run = through_proxy(servers, tmp_path / "draft", reads, "--spec", str(draft))
    found = {(v["operation"], v["path"]) for v in drafted_run.report["violations"]}
    print(f"draft spec (task_count a string): {drafted_run.sent} reads of the project, "
          f"{len(drafted_run.report['violations'])} violations")
    assert reads and found == {("GET /api/project", "/task_count")}, drafted_run.output
    assert len(drafted_run.report["violations"]) == len(reads) and drafted_run.exit_code == 1
