"""Every format names each difference by exchange, operation and aspect, with its verdict and the figures."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from mockserver.compare import Aspect, Difference, Exchange, Report, Stale
from mockserver.compare.render import RENDERERS

REPORT = Report(
    "http://a (0.8)", "http://b (0.8)", "flows.har",
    (Exchange("tasks: one", "GET /api/tasks/1", "GET", "http://a/api/tasks/1", "http://b/api/tasks/1", 200, 200),
     Exchange("tasks: page", "GET /", "GET", "http://a/", "http://b/", 200, 200),
     Exchange("tasks: gone", "GET /x", "GET", "http://a/x", "http://b/x", 404, 404)),
    (Difference("tasks: one", "GET /api/tasks/1", "GET /api/tasks/{id}", Aspect.BODY, "$.data.text", '"a"', '"b"'),
     Difference("tasks: page", "GET /", "GET /", Aspect.BODY, "line 1", "<html>", "<p>", accepted="the frontend")),
    (Stale("tasks: gone", ("status",), "fixed"),), 1.25)


def test_the_figures() -> None:
    document = json.loads(RENDERERS["json"][0](REPORT))
    assert document["counts"] == {"exchanges": 3, "differing": 2, "differences": 2, "accepted": 1, "explained": 0,
                                  "unexpected": 1, "stale": 1}
    assert document["differences"][0]["operation"] == "GET /api/tasks/{id}"
    assert [d["verdict"] for d in document["differences"]] == ["unexpected", "accepted"]


@pytest.mark.parametrize("name", ["markdown", "html", "text"])
def test_human_formats_name_operation_aspect_and_verdict(name: str) -> None:
    text = RENDERERS[name][0](REPORT)
    for part in ("GET /api/tasks/{id}", "$.data.text", "unexpected", "accepted", "tasks: gone"):
        assert part in text, part


def test_junit_fails_the_unexpected_and_the_stale() -> None:
    suite = ElementTree.fromstring(RENDERERS["junit"][0](REPORT)).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("3", "2")
    failures = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}
    assert failures["tasks: page"] is None
    assert failures["tasks: one"] is not None and "$.data.text" in (failures["tasks: one"].text or "")
    assert failures["tasks: gone"] is not None and failures["tasks: gone"].get("type") == "stale"


def test_every_format_has_a_file_name() -> None:
    assert sorted(RENDERERS) == ["html", "json", "junit", "markdown", "text"]
    assert len({file_name for _, file_name in RENDERERS.values()}) == len(RENDERERS)
