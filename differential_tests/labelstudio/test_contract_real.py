"""``mockserver contract --api labelstudio`` against the real Label Studio 0.8.1 and against the mock, both given
the same data through the API (a config, six tasks, two of them done): every operation covered, no finding but
those ``contract-findings.yaml`` lists as the real server's bugs, with their evidence."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from differential_tests.labelstudio.conftest import Servers, server_pair
from differential_tests.labelstudio.flows import IMAGE, choice
from mockserver.contract.findings import read_junit

KNOWN_BUGS = Path(__file__).with_name("contract-findings.yaml")
MAX_TIME = 40


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """A fresh project on both sides with the same data, written through the API."""
    with server_pair(tmp_path_factory.mktemp("labelstudio-contract"), "empty") as pair:
        for base in (pair.real, pair.mock):
            with httpx.Client(base_url=base, timeout=30) as client:
                assert client.post("/api/project/config", json={"label_config": IMAGE}).status_code == 201
                tasks = [{"image": f"http://example.org/{n}.jpg"} for n in range(6)]
                assert client.post("/api/project/import", json=tasks).status_code == 201
                for task in (1, 3):
                    done = client.post(f"/api/tasks/{task}/completions", json={"result": choice("Cat")})
                    assert done.status_code == 201
        yield pair


def contract(url: str, report_dir: Path, *options: str) -> tuple[int, str, set[tuple[str, str]]]:
    done = subprocess.run([sys.executable, "-m", "mockserver", "contract", url, "--api", "labelstudio",
                           "--max-time", str(MAX_TIME), "--rate-limit", "off", "--report", "junit",
                           "--report-dir", str(report_dir), *options],
                          capture_output=True, text=True, timeout=300, check=False)
    found, _ = read_junit(report_dir / "junit.xml")
    return done.returncode, done.stdout + done.stderr, {(f.operation, f.check) for f in found}


def known_bugs() -> set[tuple[str, str]]:
    entries = yaml.safe_load(KNOWN_BUGS.read_text()) or []
    assert all(entry.get("evidence") for entry in entries), "every listed real-server bug needs its evidence"
    return {(entry["operation"], entry["check"]) for entry in entries}


@pytest.mark.parametrize("side", ["real", "mock"])
def test_the_read_only_contract_run_covers_everything_and_finds_only_known_bugs(
        seeded: Servers, side: str, tmp_path: Path) -> None:
    url = seeded.real.replace("127.0.0.1", "localhost") if side == "real" else seeded.mock
    code, output, found = contract(url, tmp_path / side)
    print(f"\n{side}: exit {code}\n" + "\n".join(line for line in output.splitlines()
                                                 if line.startswith(("coverage", "  excused", "  not covered",
                                                                     "requests sent", "  GET"))))
    allowed = known_bugs() if side == "real" else set()
    assert found <= allowed, f"{side}: findings not listed in {KNOWN_BUGS.name}: {sorted(found - allowed)}\n{output}"
    if side == "real":
        assert found == allowed, f"listed real-server bugs that no longer occur: {sorted(allowed - found)}"
    assert re.search(r"coverage: (\d+) of \1 operations got a 2xx \(100 %", output), output[-3000:]
    assert code == (1 if found else 0), output[-3000:]


def everything(base: str) -> tuple[Any, Any]:
    """The task list (with completions) and the project's counters."""
    with httpx.Client(base_url=base, timeout=30) as client:
        project = client.get("/api/project").json()
        return client.get("/api/tasks", params={"page_size": "1000"}).json(), (project["task_count"],
                                                                                project["completion_count"])


@pytest.mark.parametrize("side", ["real", "mock"])
def test_a_contract_run_with_writes_covers_them_and_leaves_the_users_tasks_as_they_were(
        seeded: Servers, side: str, tmp_path: Path) -> None:
    """Imports of its own, completions and deletes of those only; the round-trip check; all of it cleaned up."""
    url = seeded.real.replace("127.0.0.1", "localhost") if side == "real" else seeded.mock
    before = everything(url)
    code, output, found = contract(url, tmp_path / side, "--allow-writes")
    print(f"\n{side} with writes: exit {code}\n" + "\n".join(
        line for line in output.splitlines() if line.startswith(("coverage", "cleanup", "requests sent"))))
    assert not found, f"{side}: {sorted(found)}\n{output[-3000:]}"
    assert re.search(r"coverage: (\d+) of \1 operations got a 2xx \(100 %", output), output[-3000:]
    assert re.search(r"cleanup: [1-9]\d* resources deleted, 0 archived .*, 0 left behind", output), output[-3000:]
    assert code == 0, output[-3000:]
    assert everything(url) == before
