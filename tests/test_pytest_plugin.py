"""The pytest plugin as its users meet it: test files run with ``pytester`` (in process).

Each test asks for ``mockserver`` first, so the inner runs reuse this session's server instead of
starting their own (one app per process, see ``mockserver.pytest_plugin``).
"""

from __future__ import annotations

import socket

import pytest

from mockserver import Settings, pytest_plugin
from mockserver.errors import ConfigurationError
from mockserver.pytest_plugin import LOCAL_URL, MockServer

pytest_plugins = ["pytester"]

BASICS = '''
import httpx
import pytest

def test_urls_tokens_and_client(mockserver):
    assert mockserver.url.startswith("http://127.0.0.1:")
    assert mockserver.url_for("v3") == mockserver.url + "/api/v3"
    assert mockserver.api_url == mockserver.url + "/api/v5" and mockserver.url_for("latest").endswith("/api")
    assert set(mockserver.tokens) == {"admin", "manager", "user"}
    me = httpx.get(mockserver.api_url + "/user", headers=mockserver.headers("admin")).json()
    assert me["isAdmin"] is True and mockserver.client(None).get("/user").status_code == 401

def test_a_writes(mockserver):
    assert mockserver.client("admin").post("/teams", json={"name": "leaked_lab"}).status_code == 200
    mockserver.fault("status", "/api/v5/teams", status=500)

def test_b_starts_clean(mockserver):
    teams = mockserver.client("admin").get("/teams").json()
    assert "leaked_lab" not in {t["name"] for t in teams}
    assert [c.path for c in mockserver.calls()] == ["/api/v5/teams"]

def test_assert_called(mockserver):
    client = mockserver.client("manager")
    client.get("/projects")
    client.get("/projects")
    assert len(mockserver.assert_called("GET", "/api/v5/projects", times=2)) == 2
    mockserver.assert_called("GET", "/api/*/projects")
    mockserver.assert_not_called("POST", "/api/v5/projects")
    with pytest.raises(AssertionError, match=r"expected POST /api/v5/tasks 1 time\\(s\\), got 0; requests so far:"):
        mockserver.assert_called("POST", "/api/v5/tasks", times=1)

def test_arrange_then_read(mockserver):
    task = mockserver.world.add_task(instances=2)
    assert mockserver.client("admin").get(f"/tasks/{task.id}").json()["status"]["pending"] == 2

@pytest.mark.mockserver_scenario("paused_project")
def test_scenario_marker(mockserver):
    assert mockserver.client("manager").get(f"/projects/{mockserver.refs['project']}").json()["paused"] is True

def test_admin_client(mockserver):
    assert mockserver.admin().get("/").json()["recipe"] == "default"

def test_latency_helper(mockserver):
    rule = mockserver.latency("/api/v5/user", delay_ms=1)
    mockserver.client().get("/user")
    assert rule.applied == 1
'''

OVERRIDES = '''
import pytest

@pytest.fixture
def mockserver_seed():
    return 7

@pytest.fixture
def mockserver_recipe():
    return "tiny"

@pytest.fixture
def mockserver_version():
    return "v3"

def test_overrides(mockserver):
    assert mockserver.api_url.endswith("/api/v3")
    state = mockserver.admin().get("/").json()
    assert (state["seed"], state["recipe"]) == (7, "tiny")
    assert mockserver.client("user").get("/user").status_code == 200

class TestPerClass:
    @pytest.fixture
    def mockserver_seed(self):
        return 8

    def test_class_override(self, mockserver):
        assert mockserver.control.world.seed == 8
'''

ERRORS = '''
import pytest

def break_the_plain_user(mockserver):
    user = mockserver.world.user("user")
    mockserver.store.execute("UPDATE users SET email = NULL WHERE id = ?", (user.id,))

def test_error_inside_the_mock_fails_this_test(mockserver):
    break_the_plain_user(mockserver)
    assert mockserver.client("user").get("/user").status_code == 500

@pytest.mark.mockserver_allow_errors
def test_errors_allowed(mockserver):
    break_the_plain_user(mockserver)
    assert mockserver.client("user").get("/user").status_code == 500

def test_next_test_is_clean(mockserver):
    assert mockserver.client("user").get("/user").status_code == 200
'''

IN_PROCESS = '''
import asyncio
import httpx
import pytest

def test_in_process_client(mockserver_inprocess):
    server = mockserver_inprocess
    assert server.url == "{local}"
    assert server.client("user").get("/user").status_code == 200
    server.fault("reset", "/api/v5/user")
    with pytest.raises(ConnectionResetError):
        server.client("user").get("/user")
    server.assert_called("GET", "/api/v5/user", times=2)

def test_async_httpx(mockserver_inprocess):
    async def read():
        transport = httpx.ASGITransport(app=mockserver_inprocess.asgi)
        async with httpx.AsyncClient(transport=transport, base_url=mockserver_inprocess.api_url) as client:
            return await client.get("/user", headers=mockserver_inprocess.headers("manager"))
    assert asyncio.run(read()).status_code == 200
'''


@pytest.fixture
def inner(pytester: pytest.Pytester, mockserver: MockServer) -> pytest.Pytester:
    """A pytester whose runs reuse this session's server (created by asking for ``mockserver``)."""
    return pytester


def test_fixtures_reset_and_helpers(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_basics=BASICS)
    inner.runpytest("--strict-markers", "-p", "no:cacheprovider").assert_outcomes(passed=8)


def test_override_fixtures(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_overrides=OVERRIDES)
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_server_errors_fail_the_test_that_caused_them(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_errors=ERRORS)
    result = inner.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*test_error_inside_the_mock_fails_this_test*",
        "E*mockserver.errors.ServerError: the mock failed while serving this test:",
        "*GET /api/v5/user: response of GET /api/v5/user does not conform to the spec*email*",
    ])
    assert "FAILED test_errors.py::test_error_inside_the_mock_fails_this_test" in result.stdout.str()


def test_in_process_variant(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_in_process=IN_PROCESS.replace("{local}", LOCAL_URL))
    inner.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_markers_are_registered(inner: pytest.Pytester) -> None:
    result = inner.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mockserver_scenario(*names)*", "@pytest.mark.mockserver_allow_errors*"])


def test_the_factory_shares_one_server_per_settings(mockserver: MockServer, mockserver_factory: object,
                                                    mockserver_settings: object) -> None:
    assert mockserver_factory(mockserver_settings) is mockserver.running  # type: ignore[operator]


def test_a_server_that_fails_to_start_closes_its_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Else the socket's ResourceWarning lands in the user's run (an error there under ``-W error``)."""
    opened: list[socket.socket] = []

    class Recorded(socket.socket):
        def __init__(self) -> None:
            super().__init__()
            opened.append(self)

    monkeypatch.setattr(pytest_plugin.socket, "socket", Recorded)
    with pytest.raises(ConfigurationError, match="not found"):
        pytest_plugin.Running(Settings(recipe="no_such_recipe"))
    assert len(opened) == 1 and opened[0].fileno() == -1
