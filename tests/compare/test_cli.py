"""``mockserver compare`` between served Label Studio mocks: the same seed answers alike, another seed or an injected
change is reported by exchange, operation and aspect; exit codes; one line for bad input."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from mockserver import Settings, har
from mockserver.cli import main
from tests.contract.drift import Deviation, status
from tests.contract.served import ServedMock, served

STEPS = [
    ("health", "GET", "/api/health", None),
    ("project", "GET", "/api/project", None),
    ("tasks", "GET", "/api/tasks?page_size=10", None),
    ("task 0", "GET", "/api/tasks/0", None),
    ("import", "POST", "/api/project/import", [{"image": "a.jpg"}, {"image": "b.jpg"}]),
    ("complete", "POST", "/api/tasks/3/completions", {"result": []}),
    ("task 3", "GET", "/api/tasks/3", None),
    ("export", "GET", "/api/project/export?format=JSON", None),
]


def recorded(path: Path, steps: list[tuple[str, str, str, Any]] = STEPS) -> Path:
    entries = []
    for name, method, target, body in steps:
        content = json.dumps(body).encode() if body is not None else b""
        headers = (("Content-Type", "application/json"),) if body is not None else ()
        entries.append(har.Entry(har.Request(method, "http://recorded:1" + target, headers, content),
                                 har.Response(200), comment=f"flow: {name}"))
    har.write(path, entries)
    return path


@pytest.fixture(scope="module")
def mocks() -> Iterator[tuple[ServedMock, ServedMock, ServedMock]]:
    with (served(Settings(api="labelstudio", recipe="tiny", seed=1)) as a,
          served(Settings(api="labelstudio", recipe="tiny", seed=1)) as b,
          served(Settings(api="labelstudio", recipe="tiny", seed=2)) as c):
        yield a, b, c


@pytest.fixture
def fresh(mocks: tuple[ServedMock, ServedMock, ServedMock]) -> tuple[ServedMock, ServedMock, ServedMock]:
    for mock in mocks:
        mock.app.backend.store.reset()
        mock.drift.deviations = []
    return mocks


def compare(a: str, b: str, *options: str) -> Result:
    return CliRunner().invoke(main, ["compare", a, b, "--api", "labelstudio", *options], catch_exceptions=False)


def differences(result_dir: Path) -> list[tuple[str, str, str, str]]:
    report = json.loads((result_dir / "compare-report.json").read_text())
    return [(d["exchange"], d["operation"], d["aspect"], d["location"]) for d in report["differences"]]


def test_the_same_seed_answers_alike(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    result = compare(fresh[0].url, fresh[1].url, "--har", str(recorded(tmp_path / "f.har")), "--fail-on-difference",
                     "--format", "json", "--format", "junit", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "8 exchanges compared" in result.output and differences(tmp_path / "out") == []
    assert (tmp_path / "out" / "junit.xml").read_text().count("<failure") == 0


def test_another_seed_differs_by_operation_and_aspect(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    result = compare(fresh[0].url, fresh[2].url, "--har", str(recorded(tmp_path / "f.har")), "--fail-on-difference",
                     "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    found = differences(tmp_path / "out")
    assert ("flow: task 0", "GET /api/tasks/{task_id}", "body", "$.data.image") in found
    assert {exchange for exchange, *_ in found} >= {"flow: tasks", "flow: task 0", "flow: export"}
    assert not any(exchange in ("flow: health", "flow: import") for exchange, *_ in found)


def test_an_injected_change_is_reported_and_can_be_accepted(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    fresh[1].drift.deviations = [Deviation("gone", "GET", "/api/tasks/0", status(404), "-", "-")]
    har_file = str(recorded(tmp_path / "f.har"))
    result = compare(fresh[0].url, fresh[1].url, "--har", har_file, "--fail-on-difference", "--format", "json",
                     "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert differences(tmp_path / "out") == [("flow: task 0", "GET /api/tasks/{task_id}", "status", "status")]
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text("- exchange: 'flow: task 0'\n  differs: [status]\n  reason: the task is gone on B\n")
    for mock in fresh:
        mock.app.backend.store.reset()
    result = compare(fresh[0].url, fresh[1].url, "--har", har_file, "--fail-on-difference", "--accept",
                     str(accepted))
    assert result.exit_code == 0 and "accepted   flow: task 0 [GET /api/tasks/{task_id}] status" in result.output
    fresh[1].drift.deviations = []
    for mock in fresh:
        mock.app.backend.store.reset()
    result = compare(fresh[0].url, fresh[1].url, "--har", har_file, "--fail-on-difference", "--accept",
                     str(accepted))
    assert result.exit_code == 1 and "stale      flow: task 0" in result.output


def test_without_fail_on_difference_a_difference_exits_0(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    result = compare(fresh[0].url, fresh[2].url, "--har", str(recorded(tmp_path / "f.har")), "--format", "markdown")
    assert result.exit_code == 0 and result.output.startswith("# Compare:") and "| unexpected |" in result.output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("arguments", "message"), [
    (["--api", "nope"], "unknown API pack 'nope'"),
    (["--har", "missing.har"], "cannot read missing.har"),
    (["--accept", "missing.yaml"], "cannot read missing.yaml"),
    (["--header", "no colon"], "a header is 'Name: value'"),
    (["--api-version-a", "9.9"], "has no version '9.9'"),
    (["--replay", "nope"], "cannot read replay"),
    ([], "has no default replay"),
])
def test_bad_input_exits_2_with_one_line(fresh: tuple[ServedMock, ...], tmp_path: Path, arguments: list[str],
                                         message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    recorded(tmp_path / "f.har")
    result = CliRunner().invoke(main, ["compare", fresh[0].url, fresh[1].url, "--api", "labelstudio",
                                       *(["--har", "f.har"] if "--har" not in arguments and "--replay" not in arguments
                                         and arguments else []), *arguments])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ") and message in result.output


@pytest.mark.parametrize(("a", "message"), [
    ("ftp://x", "is not a base URL"),
    ("http://127.0.0.1:{port}", "cannot reach A at http://127.0.0.1:"),
    ("http://127.0.0.1:{port}/api/v9", "cannot tell which version of labelstudio is served at '/api/v9'"),
])
def test_bad_urls_and_unreachable_servers_exit_2(fresh: tuple[ServedMock, ...], tmp_path: Path, a: str,
                                                 message: str) -> None:
    result = compare(a.format(port=closed_port()), fresh[1].url, "--har", str(recorded(tmp_path / "f.har")))
    assert result.exit_code == 2 and result.output.count("\n") == 1 and message in result.output


def test_recorded_targets_keep_their_query(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    result = compare(fresh[0].url, fresh[1].url, "--har", str(recorded(tmp_path / "f.har", [
        ("one task", "GET", "/api/tasks?page_size=1", None)])), "--format", "json")
    document = json.loads(result.output)
    assert document["exchanges"][0]["aUrl"] == fresh[0].url + "/api/tasks?page_size=1"
    one = httpx.get(fresh[0].url + "/api/tasks?page_size=1").json()
    assert len(one) == 1 and one == httpx.get(fresh[1].url + "/api/tasks").json()[:1]


def test_shapes_only_leaves_values_alone(fresh: tuple[ServedMock, ...], tmp_path: Path) -> None:
    result = compare(fresh[0].url, fresh[2].url, "--har", str(recorded(tmp_path / "f.har")), "--shapes-only",
                     "--format", "json", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    found = differences(tmp_path / "out")
    assert found and all("[0]" not in location and aspect == "body" for _, _, aspect, location in found)
