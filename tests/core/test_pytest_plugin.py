"""The pytest plugin serves any pack: ``mockserver_api`` picks it, URLs, headers and world follow the pack."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

ECHO_SUITE = '''
import pytest

@pytest.fixture
def mockserver_api():
    return "echo"

def test_urls_headers_and_world_follow_the_pack(mockserver):
    assert mockserver.api_url == mockserver.url + "/echo/v2" and mockserver.url_for("1") == mockserver.url + "/echo/v1"
    assert set(mockserver.tokens) == {"owner", "user"}
    assert set(mockserver.headers("user")) == {"X-Echo-Key"}
    note = mockserver.world.add_note(owner="user", text="arranged")
    texts = [n["text"] for n in mockserver.client("user").get("/notes").json()]
    assert "ARRANGED" in texts
    assert mockserver.client("user", version="1").get(f"/notes/{note.id}").json()["text"] == "arranged"
    mockserver.assert_called("GET", "/echo/v2/notes", times=1)

def test_each_test_starts_from_the_seeded_world(mockserver):
    texts = [n["text"] for n in mockserver.client("user").get("/notes").json()]
    assert "ARRANGED" not in texts

@pytest.mark.mockserver_scenario("busy")
def test_scenarios_of_the_pack(mockserver):
    assert mockserver.refs == {"first": mockserver.refs["first"]}
    assert len(mockserver.client("user").get("/notes").json()) >= 3
'''


def test_a_suite_against_another_pack(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_echo=ECHO_SUITE)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=3)
