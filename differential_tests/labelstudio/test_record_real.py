"""``mockserver record`` in front of the real Label Studio 0.8.1 while the differential flows run, then ``mockserver
replay`` of that recording against a second fresh real server: the recording holds every exchange and no credential,
and the second server answers every request as the first did, but for the values that name the moment (listed below
with their reasons)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from differential_tests.labelstudio.conftest import server_pair
from differential_tests.labelstudio.flows import FLOWS
from differential_tests.labelstudio.test_differential import send
from mockserver import har

TOKEN = "Token recorded-secret-5b7c9e0a"
"""Sent with every request (the server ignores it): it must not reach the recording."""
IGNORED_KEYS = {
    "created_at": "epoch seconds of the server's clock when a completion was saved",
    "completed_at": "the same moment as local time (the task's view of its newest completion)",
    "duration": "seconds an import took",
    "port": "each server listens on a free port of its own (the project's config shows it)",
}
"""JSON keys whose values differ between two runs of the same flows on two fresh servers."""
DIFFERING = {
    "file uploads: a ZIP with a TXT": "the error names the upload's temporary directory (/tmp/htx_…)",
    "file uploads: every task": "an uploaded file's URL holds the server's port and a random name",
}
"""Steps (flow: label) whose answers differ in more than the ignored keys at every run, with the reason."""
SET_ORDER = "the error lists a Python set, whose order follows the process's string hashing"
SAME_SECOND = ("tasks sort by their newest completion's completed_at, which has whole seconds: completions the flow "
               "saves within one second tie and keep no set order, and which of them tie depends on how fast the "
               "flow ran (seen on a loaded machine)")
MAY_DIFFER = {"data types: a config dropping a shared key": SET_ORDER,
              "data types: a config dropping both labels": SET_ORDER,
              "completions: by completed_at": SAME_SECOND,
              "completions: by completed_at, newest first": SAME_SECOND}
"""Steps whose answers differ at some runs only."""


def archive_only(entry: har.Entry, found: list[str]) -> bool:
    """An export (a ZIP archive) whose bytes differ, nothing else: its members carry the moment they were written,
    and the completions' times inside them are compressed with the rest (the same length or not)."""
    return (entry.response.header("content-type") == "application/zip" and len(found) == 1
            and found[0].startswith("body differs ("))


def record(upstream: str, work: Path) -> tuple[list[str], str]:
    """The flows sent through ``mockserver record`` to ``upstream``: the steps' names, the recorder's output."""
    process = subprocess.Popen([sys.executable, "-m", "mockserver", "record", upstream, "--api", "labelstudio",
                                "--port", "0", "-o", str(work / "traffic.har"), "--report-dir",
                                str(work / "record-report")], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    steps = []
    try:
        assert process.stderr is not None
        port = re.search(r"http://127\.0\.0\.1:(\d+)", process.stderr.readline())
        assert port
        proxy = f"http://127.0.0.1:{port.group(1)}"
        with httpx.Client(timeout=60, headers={"Authorization": TOKEN}) as client:
            for flow, flow_steps in FLOWS.items():
                for label, method, path, body in flow_steps:
                    answer = send(client, proxy, method, path, body)
                    assert not answer.text.startswith("mockserver proxy:"), f"{flow}: {label}: {answer.text}"
                    steps.append(f"{flow}: {label}")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    return steps, out + err


def test_a_recording_of_the_real_server_replays_the_same_against_a_fresh_one(tmp_path: Path) -> None:
    started = time.monotonic()
    work = tmp_path / "labelstudio"  # both servers' project directory: its path is in many answers
    work.mkdir()
    with server_pair(work, "empty") as first:
        steps, output = record(first.real, tmp_path)
    recorded = time.monotonic()
    entries = har.read(tmp_path / "traffic.har")
    assert len(entries) == len(steps), output
    assert all(entry.request.header("authorization") == har.REDACTED for entry in entries)
    secret = TOKEN.split()[1]
    for path in [tmp_path / "traffic.har", *(tmp_path / "record-report").iterdir()]:
        assert secret not in path.read_text(), path.name

    shutil.rmtree(work / "project")
    with server_pair(work, "empty") as second:
        replay_started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "mockserver", "replay", str(tmp_path / "traffic.har"),
                               "--against", second.real, "--header", f"Authorization: {TOKEN}",
                               "--report-dir", str(tmp_path / "replay-report"),
                               *(option for key in IGNORED_KEYS for option in ("--ignore-json-key", key))],
                              capture_output=True, text=True, timeout=300, check=False)
        replayed = time.monotonic() - replay_started
    report = json.loads((tmp_path / "replay-report" / "replay-report.json").read_text())
    differing = {steps[item["exchange"] - 1]: item["differences"] for item in report["differ"]
                 if not archive_only(entries[item["exchange"] - 1], item["differences"])}
    archives = len(report["differ"]) - len(differing)
    print(f"\n{len(entries)} exchanges recorded in {recorded - started:.1f} s (with the first servers' start), "
          f"replayed in {replayed:.1f} s: {report['same']} same, {len(report['differ'])} differ ({archives} export "
          f"archives, {len(differing)} listed steps); "
          f"{time.monotonic() - started:.1f} s in all")
    for step, found in differing.items():
        print(f"  {step}: {'; '.join(found)}")
    assert report["exchanges"] == len(steps)
    assert set(DIFFERING) <= set(differing) <= set(DIFFERING) | set(MAY_DIFFER), done.stdout + done.stderr
    assert done.returncode == (1 if report["differ"] else 0), done.stdout + done.stderr
