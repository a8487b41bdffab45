"""``mockserver proxy`` in front of the real Label Studio 0.8.1: every step of the differential flows goes through
it; the only violations are the steps that call routes or methods the spec does not have (on purpose), and what the
proxy passes on is what the real server answered."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from differential_tests.labelstudio.conftest import Servers
from differential_tests.labelstudio.flows import FLOWS
from differential_tests.labelstudio.test_differential import send
from mockserver.pack import load_pack
from mockserver.proxy.spec_check import SpecCheck


def test_the_proxy_finds_nothing_but_the_undocumented_calls_of_the_flows(servers: Servers, tmp_path: Path) -> None:
    check = SpecCheck(load_pack("labelstudio"))
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "proxy", servers.real, "--api", "labelstudio",
                                "--port", "0", "--report-dir", str(tmp_path)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    expected, sent = set(), 0
    try:
        assert process.stderr is not None
        port = re.search(r"http://127\.0\.0\.1:(\d+)", process.stderr.readline())
        assert port
        proxy = f"http://127.0.0.1:{port.group(1)}"
        with httpx.Client(timeout=60) as client:
            for flow, steps in FLOWS.items():
                for label, method, path, body in steps:
                    answer = send(client, proxy, method, path, body)
                    assert not answer.text.startswith("mockserver proxy:"), f"{flow}: {label}: {answer.text}"
                    sent += 1
                    if method != "OPTIONS" and check.operation(method, path.split("?")[0]) is None:
                        expected.add(f"{method} {path.split('?')[0]}")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert (tmp_path / "proxy-report.json").exists(), f"exit {process.returncode}\n{out}\n{err[-3000:]}"
    report = json.loads((tmp_path / "proxy-report.json").read_text())
    found = {(v["operation"], v["check"]) for v in report["violations"]}
    print(f"\n{sent} exchanges through the proxy, {len(report['violations'])} violations, all of them calls of "
          f"{len(expected)} undocumented routes or methods")
    assert report["exchanges"] == sent
    assert found == {(operation, "undocumented_operation") for operation in expected}, out + err
    assert process.returncode == 1 and f"{sent} exchanges" in out
