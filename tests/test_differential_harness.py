"""The Label Studio differential suite's comparison (it runs from .ci/run against the real server): what it
normalises, what it reports, and its list of accepted differences."""

from __future__ import annotations

import httpx
import yaml

from differential_tests.labelstudio.flows import FLOWS
from differential_tests.labelstudio.session_flows import SESSION_FLOWS, Remember
from differential_tests.labelstudio.test_differential import KNOWN, differences, normalised, shape
from differential_tests.labelstudio.test_record_real import DIFFERING, MAY_DIFFER


def test_times_paths_ports_durations_and_tracebacks_are_normalised() -> None:
    real = {"created_at": 1796289833, "completed_at": "2026-12-03 09:23:53", "duration": 0.004, "port": 8311,
            "config_path": "/tmp/x/project/config.json", "result": {"traceback": "Traceback ..."}, "id": 1001}
    mock = {"created_at": 1600000000, "completed_at": "2020-09-13 12:26:40", "duration": 0.1, "port": 9000,
            "config_path": "/srv/label-studio/project/config.json", "result": {"traceback": "other"}, "id": 1001}
    assert normalised(real, "/tmp/x/project") == normalised(mock, "/srv/label-studio/project")
    assert normalised({"id": 1001}, "/d") != normalised({"id": 1002}, "/d")
    assert normalised({"completed_at": "undefined"}, "/d") == {"completed_at": "undefined"}


def test_status_media_type_and_body_are_compared() -> None:
    def response(status: int, media_type: str, body: bytes) -> dict[str, object]:
        return shape(httpx.Response(status, headers={"content-type": media_type}, content=body), "/d")

    json_one, json_two = response(200, "application/json", b'{"a":1}'), response(200, "application/json", b'{"a": 1}')
    assert differences(json_one, json_two) == ["bytes"]  # the same JSON, serialised otherwise
    assert differences(json_one, response(201, "text/html; charset=utf-8", b'{"a":1}')) == [
        "status", "content-type", "body"]
    assert differences(response(404, "text/html", b""), response(404, "text/html", b" ")) == ["body", "bytes"]
    timed = [response(200, "application/json", b'{"created_at":%d,"duration":%s}' % (t, d)) for t, d in
             ((1, b"0.5"), (2, b"1e-05"))]
    assert differences(*timed) == []


def test_every_known_difference_names_a_step_and_a_reason() -> None:
    steps = {f"{flow}: {label}" for flow, flow_steps in FLOWS.items() for label, *_ in flow_steps}
    assert len(steps) == sum(len(s) for s in FLOWS.values()), "step labels must be unique within a flow"
    session_steps = [f"{flow}: {step[0]}" for flow, flow_steps in SESSION_FLOWS.items() for step in flow_steps
                     if not isinstance(step, Remember)]
    assert len(set(session_steps)) == len(session_steps), "step labels must be unique within a flow"
    steps |= set(session_steps)
    for entry in yaml.safe_load(KNOWN.read_text()) or []:
        assert entry["exchange"] in steps and entry["reason"].strip()
        assert set(entry["differs"]) <= {"status", "content-type", "body", "bytes"}


def test_upload_urls_and_archive_paths_are_normalised() -> None:
    real = {"image": "http://localhost:8311/data/upload/abc-x.jpg",
            "detail": "Failed to parse input file /tmp/htx_k2j/x.zip/a.txt: 'str' object has no attribute 'decode'"}
    mock = {"image": "http://127.0.0.1:9000/data/upload/abc-x.jpg",
            "detail": "Failed to parse input file /tmp/htx_labelstudio/x.zip/a.txt: 'str' object has no attribute "
                      "'decode'"}
    assert normalised(real, "/srv/p") == normalised(mock, "/srv/p")
    assert normalised({"image": "http://h:1/data/upload/abc-x.jpg"}, "/srv/p") != normalised(mock, "/srv/p")
    escaped = [shape(httpx.Response(200, headers={"content-type": "application/json"},
                                    content=b'{"image":"http:\\/\\/%s\\/data\\/upload\\/a"}' % host), "/srv/p")
               for host in (b"localhost:1", b"127.0.0.1:2")]
    assert differences(*escaped) == []


def test_the_09_check_names_undocumented_answers() -> None:
    from differential_tests.labelstudio.test_spec_09 import CORS, problems

    operation = {"responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}}}}
    good = httpx.Response(200, headers={"content-type": "application/json", **CORS}, content=b'{"id": 1}')
    assert problems(operation, good) == []
    assert problems(operation, httpx.Response(404, headers=CORS)) == ["status 404 not documented"]
    assert problems(operation, httpx.Response(200, headers={"content-type": "application/json"}, content=b'{"id": 1}')
                    ) == ["header access-control-allow-origin", "header access-control-allow-methods"]
    assert problems(operation, httpx.Response(200, headers={"content-type": "text/html", **CORS}, content=b"x")) == [
        "media type text/html not documented (application/json)"]
    assert problems(operation, httpx.Response(200, headers={"content-type": "application/json", **CORS},
                                              content=b'{"id": "1"}'))[0].startswith("body: '1' is not of type")


def test_the_record_and_replay_proof_names_steps_of_the_flows() -> None:
    steps = {f"{flow}: {label}" for flow, flow_steps in FLOWS.items() for label, *_ in flow_steps}
    assert set(DIFFERING) | set(MAY_DIFFER) <= steps
    assert all(reason for reason in [*DIFFERING.values(), *MAY_DIFFER.values()])
