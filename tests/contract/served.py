"""A mock served by uvicorn in this process behind a ``Drift`` wrapper (so tests can drift its answers and read
its journal), and ``mockserver contract`` runs against it in a subprocess. Any pack."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from mockserver import Settings, create_app
from mockserver.app import MockApp
from tests.contract.drift import Drift
from tests.serving import serving


@dataclasses.dataclass
class ServedMock:
    app: MockApp
    drift: Drift
    url: str


@dataclasses.dataclass(frozen=True)
class ContractRun:
    exit_code: int
    output: str
    report_dir: Path


@contextlib.contextmanager
def served(settings: Settings) -> Iterator[ServedMock]:
    """The world of ``settings`` behind a ``Drift`` wrapper (no deviation enabled)."""
    app = create_app(settings)
    drift = Drift(app)
    with serving(drift) as url:
        yield ServedMock(app, drift, url)


def run_contract(url: str, report_dir: Path, *options: str, env: dict[str, str] | None = None) -> ContractRun:
    """``mockserver contract URL *options`` (no rate limit, JUnit and HTML reports into ``report_dir``)."""
    args = [sys.executable, "-m", "mockserver", "contract", url, "--rate-limit", "off", "--report", "junit,html",
            "--report-dir", str(report_dir), *options]
    done = subprocess.run(args, env={**os.environ, "NO_COLOR": "1", **(env or {})}, capture_output=True, text=True,
                          timeout=300, check=False)
    return ContractRun(done.returncode, done.stdout + done.stderr, report_dir)
