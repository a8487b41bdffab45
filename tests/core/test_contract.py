"""``mockserver contract`` over a pack that is not WEBKNOSSOS: its policies, auth header and cleanup."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver import Settings, create_app
from mockserver.contract import ContractOptions, run_contract
from mockserver.contract.preflight import same_version
from mockserver.contract.runner import drop_unsendable_headers, selected_operations
from mockserver.pack import Pack
from mockserver.server import BackgroundServer
from tests.packs.echo import Note


@pytest.fixture
def served(echo: Pack) -> Iterator[BackgroundServer]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(Settings(api="echo", seed=3, port=sock.getsockname()[1], request_log_limit=0))
    server = BackgroundServer(app, sock).start()
    yield server
    server.stop()
    app.backend.store.close()


def options(server: BackgroundServer, tmp_path: Path, **changes: object) -> ContractOptions:
    base = ContractOptions(server.url, api="echo", token=server.app.backend.world.token("user"), allow_writes=True,
                           rate_limit="off", max_time=20, max_requests=400, max_examples=5,
                           phases=("examples", "coverage", "fuzzing"), report_dir=tmp_path, seed=1)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_the_packs_policy_selects_operations(echo: Pack) -> None:
    read_only = selected_operations(ContractOptions("http://h", api="echo"))
    writes = selected_operations(ContractOptions("http://h", api="echo", version="1", allow_writes=True))
    assert read_only == ["GET /me", "GET /notes", "GET /notes/{id}"]
    assert set(writes) == {*read_only, "POST /notes", "DELETE /notes/{id}"}
    assert ContractOptions("http://h:1/echo/v1", api="echo", version="1").api_url == "http://h:1/echo/v1"


def test_a_conforming_deployment_passes_and_what_the_run_created_is_removed(served: BackgroundServer,
                                                                            tmp_path: Path) -> None:
    before = served.app.backend.store.count(Note)
    assert run_contract(options(served, tmp_path)) == 0
    assert served.app.backend.store.count(Note) == before


def test_a_deviation_fails_the_run(served: BackgroundServer, tmp_path: Path) -> None:
    served.app.control.rules.add({"kind": "status", "path": "/echo/v2/notes", "method": "GET", "status": 200,
                                  "body": {"not": "a list"}})
    assert run_contract(options(served, tmp_path, allow_writes=False)) == 1


@pytest.mark.parametrize(("changes", "message"), [
    ({"token": None}, "error: no token: Echo notes needs one (X-Echo-Key); set MOCKSERVER_TOKEN"),
    ({"token": "wrong-key"}, "error: the deployment refused the token (GET http"),
    ({"version": "1", "base_url": "http://127.0.0.1:9/"}, "error: cannot reach http://127.0.0.1:9/echo/v1/me"),
    ({"token": None, "public_key": "public-key", "private_key": "private-key"},
     "error: Echo notes does not sign requests with a key pair; use --token"),
    ({"token": None, "private_key": "private-key"}, "error: half a key pair: give both --public-key and"),
])
def test_the_preflight_stops_a_run_that_could_test_nothing(served: BackgroundServer, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            changes: dict[str, object], message: str) -> None:
    assert run_contract(options(served, tmp_path, **changes)) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.strip().splitlines()) == 1, err
    assert served.app.control.journal.count("GET", "/echo/v2/notes") == 0  # nothing generated


def test_a_url_that_is_not_this_api_is_named(served: BackgroundServer, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert run_contract(options(served, tmp_path, base_url=served.url + "/elsewhere")) == 2
    assert "answered 404: is this Echo notes, version 2? (check --api" in capsys.readouterr().err



def test_an_operation_that_never_gets_a_2xx_fails_the_run_unless_min_coverage_allows(
        served: BackgroundServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    served.app.control.rules.add({"kind": "status", "path": "/echo/v2/notes/*", "method": "GET", "status": 404})
    assert run_contract(options(served, tmp_path, allow_writes=False)) == 1
    assert "not covered: GET /notes/{id}: only 404 (no data to address)" in capsys.readouterr().out
    assert run_contract(options(served, tmp_path, allow_writes=False, min_coverage=50)) == 0


@pytest.mark.parametrize(("spec", "reported", "same"), [
    ("0.8", "0.8.1", True), ("0.8", "0.8", True), ("0.8", "0.9.1", False), ("0.8", "0.81", False),
    ("v5", "v5", True),
])
def test_a_reported_version_matches_its_spec_version(spec: str, reported: str, same: bool) -> None:
    assert same_version(spec, reported) is same


def test_generated_headers_that_would_break_the_request_itself_are_not_sent() -> None:
    """A name that is no HTTP token, or a framing header with a generated value: the server's HTTP parser would
    answer (uvicorn: 400 text/plain), not the API under test."""
    case = dataclasses.make_dataclass("Case", ["headers"])({"jZ;": "", "&E+jvT;": "", "content-length": "FJG",
                                                            "Host": "x", "Infinity": "}e", "Authorization": "Bearer t"})
    drop_unsendable_headers(case)
    assert case.headers == {"Infinity": "}e", "Authorization": "Bearer t"}
    empty = dataclasses.make_dataclass("Case", ["headers"])(None)
    drop_unsendable_headers(empty)
    assert empty.headers is None
