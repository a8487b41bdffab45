"""What a comparison sends: HAR entries as recorded, replay steps per side."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import har
from mockserver.compare import Plan, Recorded, Side
from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack

DOCUMENT = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "servers": [{"url": "/api/v5"}],
            "paths": {"/tasks/{id}": {"post": {"responses": {"200": {"description": "ok"}}}}}}


def entry(comment: str = "", **headers: str) -> har.Entry:
    request = har.Request("POST", "http://recorded:1/api/v5/tasks/7?x=1",
                          (("Host", "recorded:1"), ("Content-Length", "2"), ("X-Auth-Token", har.REDACTED),
                           ("Content-Type", "application/json"), *headers.items()), b"{}")
    return har.Entry(request, har.Response(200), comment=comment)


def test_har_entries_are_named_by_comment_else_by_request(tmp_path: Path) -> None:
    har.write(tmp_path / "a.har", [entry("flow: step"), entry()])
    plan = Plan.from_har(tmp_path / "a.har")
    assert (plan.name, [step.name for step in plan.steps]) == ("a.har", ["flow: step", "POST /api/v5/tasks/7?x=1"])


def test_a_recorded_request_goes_to_each_origin_with_the_side_credentials() -> None:
    step = Recorded("s", entry(**{"X-Trace": "1", "authorization": "old"}).request)
    side = Side("B", "http://b:2", "/api/v5", DOCUMENT, {"Authorization": "Basic new"})
    prepared = step.prepare(side, {}, {})
    assert (prepared.url, prepared.target) == ("http://b:2/api/v5/tasks/7?x=1", "/api/v5/tasks/7?x=1")
    assert prepared.operation is not None and prepared.operation.label == "POST /tasks/{id}"
    assert prepared.send == {"headers": {"Content-Type": "application/json", "X-Trace": "1",
                                         "Authorization": "Basic new"}, "content": b"{}"}


@pytest.mark.parametrize(("text", "message"), [("", "no log.entries"), ("{", "not JSON"),
                                               ('{"log": []}', "no log.entries"),
                                               ('{"log": {"entries": []}}', "holds no entries")])
def test_bad_har_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.har").write_text(text or "{}")
    with pytest.raises(ConfigurationError, match=message):
        Plan.from_har(tmp_path / "bad.har")


def test_replays_load_by_name_or_path(tmp_path: Path) -> None:
    assert Plan.load(load_pack("webknossos"), "version-tour").steps[0].name == "read build info"
    with pytest.raises(ConfigurationError, match="cannot read replay"):
        Plan.load(load_pack("webknossos"), "nope")
