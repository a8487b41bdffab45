"""``mockserver contract --api labelstudio`` (read-only) against the real Label Studio 0.8.1 and against the mock, each
arranged alike (the image config, two tasks, one completion): both pass, with every finding-free operation covered
or excused with its reason (``EXCUSED`` in the pack)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from differential_tests.labelstudio.conftest import Servers
from differential_tests.labelstudio.flows import IMAGE, choice

BUDGET = ["--max-requests", "1200", "--max-time", "120", "--rate-limit", "off"]


def arrange(base: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.post("/api/project/config", json={"label_config": IMAGE}).status_code == 201
        assert client.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}]).status_code == 201
        assert client.post("/api/tasks/0/completions", json={"result": choice("Cat")}).status_code == 201


@pytest.mark.parametrize("side", ["real", "mock"])
def test_the_read_only_contract_passes(contract_servers: Servers, side: str, tmp_path: Path) -> None:
    base = contract_servers.real if side == "real" else contract_servers.mock
    run = subprocess.run([sys.executable, "-m", "mockserver", "contract", "--api", "labelstudio", *BUDGET,
                          "--report-dir", str(tmp_path), base], capture_output=True, text=True, check=False)
    summary = "\n".join(run.stdout.splitlines()[-12:])
    print(f"\n{side}:\n{summary}")
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
