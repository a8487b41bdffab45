"""Contract checks of a deployment against the specs of an API pack (default WEBKNOSSOS), from pytest.

    pytest contract_tests --base-url http://host:9000 --api webknossos --api-version v5 --token $MOCKSERVER_TOKEN
    pytest contract_tests --base-url http://host:8080 --api cytomine --public-key $PUB --private-key $PRIV

Each selected API version is checked by one ``mockserver contract`` run (the same engine as the
command: schemathesis with every applicable check, the stateful phase, the domain checks); every
operation becomes a test that fails with that run's findings for it, plus one test per version for
the run as a whole (stateful sequences, cleanup, errors). Without ``--base-url`` each version is
checked against its own ``mockserver serve --api <pack>`` on 127.0.0.1 (the pack's diff recipe,
``tiny`` for WEBKNOSSOS, or ``--recipe``), all versions at once, as its first known user: with that user's token,
or (``--sign``) signing each request with that user's key pair.
Read-only (GET/HEAD) unless ``--allow-writes``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.contract import ContractOptions
from mockserver.contract.findings import read_junit
from mockserver.contract.runner import selected_operations
from mockserver.pack import DEFAULT_PACK, load_pack
from mockserver.settings import derived_admin_key
from tests import ci_skips

RUN = "the run as a whole"


def pytest_configure(config: pytest.Config) -> None:
    ci_skips.register(config)  # in CI a skip needs an allowed reason


@dataclasses.dataclass(frozen=True)
class Target:
    """What to check, from the command line."""

    base_url: str | None
    api: str
    versions: tuple[str, ...]
    token: str | None
    key_pair: tuple[str, str] | None
    """(public, private) key to sign with instead of a token (``--public-key``, ``--private-key``)."""
    sign: bool
    """Own mocks: sign with the first known user's key pair instead of sending its token."""
    recipe: str | None
    allow_writes: bool
    rate_limit: str
    max_time: int
    max_requests: int
    max_examples: int
    min_coverage: float
    report_dir: Path | None

    @classmethod
    def from_config(cls, config: pytest.Config) -> Target:
        report_dir = config.getoption("contract_report_dir")
        own_mock = config.getoption("base_url") is None
        rate = config.getoption("rate_limit") or ("off" if own_mock else "10/s")
        pack = load_pack(config.getoption("contract_api"))
        versions = tuple(config.getoption("api_version") or [pack.latest.name])
        if unknown := [v for v in versions if v not in pack.version_names]:
            raise pytest.UsageError(f"unknown --api-version {', '.join(unknown)} of {pack.name} "
                                    f"(choose from {', '.join(pack.version_names)})")
        public, private = config.getoption("public_key"), config.getoption("private_key")
        return cls(config.getoption("base_url"), pack.name, versions,
                   config.getoption("token"), (public, private) if public or private else None,
                   config.getoption("sign"), config.getoption("recipe"), config.getoption("allow_writes"), rate,
                   config.getoption("contract_max_time"), config.getoption("max_requests"),
                   config.getoption("max_examples"), config.getoption("min_coverage"),
                   Path(report_dir) if report_dir else None)


@dataclasses.dataclass
class VersionResult:
    """One version's run: its exit code, the findings per operation (from its JUnit report), its output."""

    exit_code: int
    labels: frozenset[str]
    """The operations the run tested; findings under other names (stateful, TRACE …) belong to the run."""
    failures: dict[str, list[str]]
    skipped: dict[str, str]
    output: str
    coverage: dict[str, dict[str, Any]]
    """Per operation (``coverage.json`` of the run): requests sent, answers by status class, covered or why not."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mockserver contract")
    group.addoption("--base-url", default=None, help="Deployment to check, e.g. http://host:9000 (default: mocks)")
    group.addoption("--api", dest="contract_api", default=DEFAULT_PACK, help="API pack (default webknossos)")
    group.addoption("--api-version", action="append",
                    help="Version to check; repeat for several (default: the pack's latest)")
    group.addoption("--token", default=os.environ.get("MOCKSERVER_TOKEN") or os.environ.get("WK_TOKEN"),
                    help="Token sent in the pack's auth header (default: $MOCKSERVER_TOKEN or $WK_TOKEN)")
    group.addoption("--public-key", default=os.environ.get("MOCKSERVER_PUBLIC_KEY"),
                    help="Sign each request with this key pair instead of a token (Cytomine; default: "
                         "$MOCKSERVER_PUBLIC_KEY)")
    group.addoption("--private-key", default=os.environ.get("MOCKSERVER_PRIVATE_KEY"),
                    help="The pair's private key (default: $MOCKSERVER_PRIVATE_KEY)")
    group.addoption("--sign", action="store_true",
                    help="Against the mocks: sign with the first known user's key pair instead of its token")
    group.addoption("--recipe", default=None, help="Against the mocks: their world's recipe (default: the pack's "
                                                    "diff recipe)")
    group.addoption("--allow-writes", action="store_true", help="Also send writes (to resources the run creates)")
    group.addoption("--rate-limit", default=None, help="e.g. 10/s (default 10/s; off against the mocks)")
    group.addoption("--contract-max-time", type=int, default=120, help="Seconds per version (default 120)")
    group.addoption("--max-requests", type=int, default=5000, help="Requests per version (0: no limit)")
    group.addoption("--max-examples", type=int, default=10, help="Generated cases per operation")
    group.addoption("--min-coverage", type=float, default=100.0,
                    help="Percent of the selected operations that must get a 2xx (default 100)")
    group.addoption("--contract-report-dir", default=None,
                    help="Keep each version's JUnit and HTML report and its output.txt here")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per operation of each selected version, and one for each version's run."""
    if "contract_case" not in metafunc.fixturenames:
        return
    target = Target.from_config(metafunc.config)
    cases = [(version, label) for version in target.versions for label in [
        *selected_operations(ContractOptions("http://unused", api=target.api, version=version,
                                             allow_writes=target.allow_writes)),
        RUN]]
    metafunc.parametrize("contract_case", cases, ids=[f"{version} {label}" for version, label in cases])


@pytest.fixture(scope="session")
def contract_results(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[dict[str, VersionResult]]:
    """Every selected version's run (started on first use)."""
    target = Target.from_config(request.config)
    report_dir = target.report_dir or tmp_path_factory.mktemp("contract")
    mocks: list[subprocess.Popen[bytes]] = []
    try:
        if target.base_url is None:
            urls = {version: _start_mock(mocks, target.api, target.recipe) for version in target.versions}
            credentials = {version: _first_user(url, target.sign) for version, url in urls.items()}
        else:
            urls = dict.fromkeys(target.versions, target.base_url)
            credentials = dict.fromkeys(target.versions, _given(target))
        runs = {}
        for version in target.versions:  # at once against own mocks; one after the other against a deployment
            runs[version] = _start_run(target, version, urls[version], credentials[version], report_dir / version)
            if target.base_url is not None:
                runs[version].wait()
        yield {version: _result(process, report_dir / version, target, version) for version, process in runs.items()}
    finally:
        for mock in mocks:
            mock.send_signal(signal.SIGTERM)
            mock.wait(timeout=30)


def _start_run(target: Target, version: str, url: str, credentials: dict[str, str],
               report_dir: Path) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "mockserver", "contract", url, "--api", target.api, "--api-version", version,
            "--report", "junit,html",
            "--report-dir", str(report_dir), "--rate-limit", target.rate_limit, "--max-time", str(target.max_time),
            "--max-requests", str(target.max_requests), "--max-examples", str(target.max_examples),
            "--min-coverage", str(target.min_coverage)]
    if target.allow_writes:
        args.append("--allow-writes")
    env = {**os.environ, "MOCKSERVER_TOKEN": "", "MOCKSERVER_PUBLIC_KEY": "", "MOCKSERVER_PRIVATE_KEY": "",
           **credentials, "NO_COLOR": "1"}
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _result(process: subprocess.Popen[str], report_dir: Path, target: Target, version: str) -> VersionResult:
    output, _ = process.communicate()
    (report_dir / "output.txt").write_text(output, encoding="utf-8")  # the run's summary: cases, requests, findings
    labels = frozenset(selected_operations(ContractOptions("http://unused", api=target.api, version=version,
                                                           allow_writes=target.allow_writes)))
    found, skipped = read_junit(report_dir / "junit.xml")
    failures: dict[str, list[str]] = {}
    for finding in found:
        failures.setdefault(finding.operation, []).append(f"{finding.check}: {finding.title}\n{finding.details}")
    for name, reason in skipped.items():
        if reason == "Disabled for this operation":
            skipped[name] = f"{reason}: writes to existing resources run only in the stateful phase (not reached)"
    try:
        record = json.loads((report_dir / "coverage.json").read_text(encoding="utf-8"))
        coverage = {op["operation"]: op for op in record["operations"]}
    except (OSError, ValueError, KeyError):
        coverage = {}
    return VersionResult(process.returncode, labels, failures, skipped, output, coverage)


def _start_mock(mocks: list[subprocess.Popen[bytes]], api: str, recipe: str | None) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    args = [sys.executable, "-m", "mockserver", "serve", "--api", api, "--port", str(port),
            "--recipe", recipe or load_pack(api).diff.recipe,
            "--log-level", "warning"]
    mocks.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL))
    return f"http://127.0.0.1:{port}"


def _given(target: Target) -> dict[str, str]:
    """The run's environment for the credentials given on the command line."""
    if target.key_pair is not None:
        return {"MOCKSERVER_PUBLIC_KEY": target.key_pair[0] or "", "MOCKSERVER_PRIVATE_KEY": target.key_pair[1] or ""}
    return {"MOCKSERVER_TOKEN": target.token or ""}


def _first_user(url: str, sign: bool) -> dict[str, str]:
    """The run's environment for the first known user (WEBKNOSSOS: the admin) of the mock's ``/__admin`` API (seed
    1): its token, or (``sign``) its key pair."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            info = httpx.get(f"{url}/__admin/", headers={"X-Admin-Key": derived_admin_key(1)}, timeout=2)
            if info.status_code == 200:
                user = info.json()["users"][0]
                if not sign:
                    return {"MOCKSERVER_TOKEN": str(user["token"])}
                keys = user.get("credentials", {})
                return {"MOCKSERVER_PUBLIC_KEY": keys.get("publicKey", ""),
                        "MOCKSERVER_PRIVATE_KEY": keys.get("privateKey", "")}
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the mock at {url} did not start")
