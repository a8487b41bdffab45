"""``mockserver record`` in front of a served Label Studio mock writes every exchange into a HAR file, no credential
anywhere; ``mockserver replay`` of that recording against a fresh mock of the same seed finds every answer the same,
against a mock that answers differently it names the exchange and exits 1; bad input is one line and exit 2."""

from __future__ import annotations

import dataclasses
import datetime
import gzip
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver import Settings, har
from mockserver.proxy.exchange import Exchange
from mockserver.proxy.recording import Recorder
from mockserver.proxy.report import Findings
from tests.contract.drift import Deviation
from tests.contract.served import served

STARTED = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
TOKEN = "recorded-token-6f1e2d"
AUTHORIZATION = f"Token {TOKEN}"
STEPS: list[tuple[str, str, Any]] = [
    ("GET", "/api/health", None),
    ("GET", "/api/project", None),
    ("POST", "/api/project/import", [{"image": f"https://example.org/{TOKEN}.png"}]),  # the secret in a body
    ("GET", "/api/tasks?page=1&page_size=5", None),  # … and, from now on, in answers
    ("GET", "/api/tasks/0", None),
    ("GET", "/api/nowhere", None),
]
VOLATILE = ("--ignore-json-key", "duration")
"""Seconds an import took (``duration``), the only value of these steps that differs between two runs."""


@dataclasses.dataclass(frozen=True)
class Recording:
    har: Path
    reports: Path
    answers: list[httpx.Response]
    out: str
    exit_code: int


def mockserver(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mockserver", *arguments], capture_output=True, text=True,
                          timeout=timeout, check=False)


def start_recorder(upstream: str, work: Path) -> tuple[subprocess.Popen[str], str]:
    """``mockserver record`` in front of ``upstream`` (into ``work``) and its base URL."""
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "record", upstream, "--api", "labelstudio",
                                "--port", "0", "-o", str(work / "traffic.har"), "--report-dir", str(work / "reports")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stderr is not None
    first = process.stderr.readline()
    port = re.search(r"http://127\.0\.0\.1:(\d+)", first)
    if not port or "recording to" not in first:
        process.kill()
        raise AssertionError(first)
    return process, f"http://127.0.0.1:{port.group(1)}"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recording]:
    """The steps sent through ``mockserver record`` to a fresh mock (seed 1, tiny), stopped with SIGINT."""
    work = tmp_path_factory.mktemp("record")
    with served(Settings(api="labelstudio", recipe="tiny")) as upstream:
        process, base = start_recorder(upstream.url, work)
        try:
            with httpx.Client(base_url=base, headers={"Authorization": AUTHORIZATION}) as client:
                answers = [client.request(method, path, json=body) for method, path, body in STEPS]
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
        finally:
            process.kill()
    yield Recording(work / "traffic.har", work / "reports", answers, out + err, process.returncode)


def test_every_exchange_is_recorded_as_it_passed(recording: Recording) -> None:
    entries = har.read(recording.har)
    assert [(entry.request.method, entry.request.target) for entry in entries] == [
        (method, path) for method, path, _ in STEPS]
    for entry, answer in zip(entries, recording.answers, strict=True):
        assert entry.response.status == answer.status_code
        assert entry.response.header("content-type") == answer.headers["content-type"]
        assert entry.response.body.replace(har.REDACTED.encode(), TOKEN.encode()) == answer.content
        assert entry.request.header("authorization") == har.REDACTED
    assert json.loads(entries[2].request.body.decode()) == [{"image": f"https://example.org/{har.REDACTED}.png"}]
    assert f"recorded: {len(STEPS)} exchanges" in recording.out
    assert recording.exit_code == 1  # GET /api/nowhere is no operation of the spec


def test_no_credential_reaches_the_recording_or_a_report(recording: Recording) -> None:
    outputs = {path.name: path.read_text() for path in [recording.har, *recording.reports.iterdir()]}
    assert sorted(outputs) == ["junit.xml", "proxy-report.html", "proxy-report.json", "traffic.har"]
    for name, text in outputs.items():
        assert TOKEN not in text, name
    assert TOKEN not in recording.out


def test_sigterm_stops_the_recorder_with_the_recording_written(tmp_path: Path) -> None:
    with served(Settings(api="labelstudio", recipe="tiny")) as upstream:
        process, base = start_recorder(upstream.url, tmp_path)
        try:
            assert httpx.get(f"{base}/api/health").status_code == 200
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
        finally:
            process.kill()
    assert process.returncode == 0, out + err
    assert "recorded: 1 exchanges" in out and len(har.read(tmp_path / "traffic.har")) == 1
    assert (tmp_path / "reports" / "proxy-report.html").exists()


def test_the_recording_is_written_while_traffic_flows(tmp_path: Path) -> None:
    findings = Findings()
    recorder = Recorder(tmp_path / "traffic.har", findings, every_seconds=0)
    recorder.start()
    assert har.read(tmp_path / "traffic.har") == []
    findings.remember_secret(AUTHORIZATION)
    exchange = Exchange("GET", "/api/health", f"http://deployment/api/health?key={TOKEN}",
                        (("Authorization", AUTHORIZATION), ("X-Note", TOKEN)), b"", 200,
                        (("Content-Type", "text/plain"),), b"0123456789", False, 20, STARTED, 0.25)
    recorder(exchange, None)  # no write() called: a recorder killed now has this exchange on disk
    [entry] = har.read(tmp_path / "traffic.har")
    assert entry.request.url == f"http://deployment/api/health?key={har.REDACTED}"
    assert entry.request.headers == (("Authorization", har.REDACTED), ("X-Note", har.REDACTED))
    assert (entry.response.body, entry.response.truncated, entry.time_ms) == (b"0123456789", True, 250.0)


def test_a_compressed_answer_is_recorded_decoded_as_har_has_it(tmp_path: Path) -> None:
    body = json.dumps({"tasks": list(range(100))}).encode()
    exchange = Exchange("GET", "/api/tasks", "http://deployment/api/tasks", (), b"", 200,
                        (("Content-Type", "application/json"), ("Content-Encoding", "gzip")), gzip.compress(body),
                        True, 0, STARTED, 0.0)
    recorder = Recorder(tmp_path / "traffic.har", Findings())
    recorder(exchange, exchange.response())
    recorder.write()
    [entry] = har.read(tmp_path / "traffic.har")
    assert entry.response.body == body and entry.response.header("content-encoding") == "gzip"


def test_replay_against_a_fresh_mock_of_the_same_seed_finds_every_answer_the_same(recording: Recording,
                                                                                tmp_path: Path) -> None:
    with served(Settings(api="labelstudio", recipe="tiny")) as fresh:
        done = mockserver("replay", str(recording.har), "--against", fresh.url, "--header",
                          f"Authorization: {AUTHORIZATION}", *VOLATILE, "--report-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(STEPS)} exchanges, {len(STEPS)} same, 0 differ" in done.stdout
    report = json.loads((tmp_path / "replay-report.json").read_text())
    assert (report["exchanges"], report["same"], report["differ"]) == (len(STEPS), len(STEPS), [])
    assert "note: redacted" not in done.stderr  # --header gave the credential


def test_without_the_ignored_key_the_import_differs(recording: Recording) -> None:
    with served(Settings(api="labelstudio", recipe="tiny")) as fresh:
        done = mockserver("replay", str(recording.har), "--against", fresh.url)
    assert done.returncode == 1
    assert "#3 POST /api/project/import: body differs at /duration" in done.stdout
    assert "note: redacted in the recording and left out" in done.stderr and "authorization" in done.stderr


def test_replay_against_a_changed_mock_names_the_exchange_and_exits_1(recording: Recording) -> None:
    def renamed(code: int, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        return code, headers, {**body, "task_count": body["task_count"] + 1}

    with served(Settings(api="labelstudio", recipe="tiny")) as changed:
        changed.drift.deviations = [Deviation("test", "GET", "/api/project", renamed, "GET /api/project", "-")]
        done = mockserver("replay", str(recording.har), "--against", changed.url, *VOLATILE, "--api", "labelstudio")
    assert done.returncode == 1
    assert "#2 GET /api/project: body differs at /task_count" in done.stdout
    assert f"{len(STEPS)} exchanges, {len(STEPS) - 1} same, 1 differ" in done.stdout
    assert "GET /api/nowhere: undocumented_operation (1×)" in done.stdout  # --api: held against the spec too


def test_replay_against_another_seed_differs(recording: Recording) -> None:
    with served(Settings(api="labelstudio", recipe="tiny", seed=2)) as other:
        done = mockserver("replay", str(recording.har), "--against", other.url, *VOLATILE)
    assert done.returncode == 1 and re.search(r"#\d+ GET /api/tasks/0: body differs at /", done.stdout), done.stdout


@pytest.mark.parametrize(("arguments", "expected"), [
    (["replay", "{missing}", "--against", "http://127.0.0.1:9"], "error: cannot read"),
    (["replay", "{not_har}", "--against", "http://127.0.0.1:9"], "is not a HAR file"),
    (["replay", "{har}", "--against", "ftp://example.org"], "error: --against must be http(s)://"),
    (["replay", "{har}", "--against", "http://127.0.0.1:99999"], "error: "),
    (["replay", "{har}", "--against", "http://127.0.0.1:9"], "error: cannot reach http://127.0.0.1:9"),
    (["replay", "{har}", "--against", "http://127.0.0.1:9", "--header", "no colon"], "error: --header must be"),
    (["replay", "{har}", "--against", "http://127.0.0.1:9", "--api", "nope"], "error: "),
    (["replay", "{har}", "--against", "http://127.0.0.1:9", "--api-version", "0.8"], "error: --api-version needs"),
    (["record", "not-a-url", "--api", "labelstudio"], "error: URL must be http(s)://"),
    (["record", "http://127.0.0.1:9", "--api", "nope"], "error: "),
    (["record", "http://127.0.0.1:9", "--api", "labelstudio", "-o", "{not_har}/x.har"], "error: cannot write"),
])
def test_bad_input_is_one_line_and_exit_2(recording: Recording, tmp_path: Path, arguments: list[str],
                                          expected: str) -> None:
    (tmp_path / "not.har").write_text("not json")
    places = {"missing": str(tmp_path / "missing.har"), "not_har": str(tmp_path / "not.har"),
              "har": str(recording.har)}
    done = mockserver(*(argument.format(**places) for argument in arguments))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(expected) or expected in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
