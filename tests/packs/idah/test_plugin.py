"""The pytest plugin serving the IDAH pack: ``mockserver_api`` set to ``idah``, tokens by account label,
a clean world per test (test files run with ``pytester``, in process)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

IDAH_TESTS = '''
import pytest

@pytest.fixture
def mockserver_api():
    return "idah"

def test_a_reviewer_pulls_work(mockserver):
    assert mockserver.api_url == mockserver.url + "/api/v1/dataset"
    assert {"owner", "annotator", "reviewer"} <= set(mockserver.tokens)
    reviewer = mockserver.client("reviewer")
    waiting = reviewer.get("/entries", params={"filter[wf_step]": "review", "filter[assigned]": "false"}).json()
    entry = waiting["data"][0]["id"]
    taken = reviewer.get(f"/entries/{entry}/select").json()["data"]["attributes"]
    assert (taken["assigned_to_id"], taken["status"]) == (5, "in_progress")
    assert mockserver.client(None).get("/entries").status_code == 401

def test_the_next_test_starts_from_the_seeded_world(mockserver):
    waiting = mockserver.client("owner").get("/entries", params={"filter[status]": "in_progress",
                                                                  "filter[wf_step]": "review"}).json()
    assert all(e["attributes"]["assigned_to_id"] == 5 for e in waiting["data"])
    assert len(waiting["data"]) == 3  # the seeded three: the first test's selection is gone
'''


def test_the_plugin_serves_idah(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_idah=IDAH_TESTS)
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)
