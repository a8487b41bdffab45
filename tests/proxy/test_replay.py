"""``replay.differences``: what of an answer is not as recorded (status, media type, body: JSON as parsed values
without the ignored keys, anything else as bytes; a body the recording cut is not compared)."""

from __future__ import annotations

import httpx

from mockserver import har
from mockserver.proxy.replay import differences, first_difference


def recorded(status: int, media_type: str, body: bytes, truncated: bool = False) -> har.Response:
    return har.Response(status, (("Content-Type", media_type),), body, truncated)


def answer(status: int, media_type: str, body: bytes) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": media_type}, content=body)


def test_the_same_answer_has_no_difference_json_as_values() -> None:
    assert differences(recorded(200, "application/json", b'{"a": 1, "b": [1, 2]}'),
                       answer(200, "application/json; charset=utf-8", b'{"b":[1,2],"a":1}')) == []


def test_status_media_type_and_body_are_named() -> None:
    assert differences(recorded(200, "application/json", b'{"a": {"b": [1, 2]}}'),
                       answer(404, "text/html", b"gone")) == [
        "status 200 → 404", "media type application/json → text/html", "body differs (20 bytes recorded, 4 answered)"]
    assert differences(recorded(200, "application/json", b'{"a": {"b": [1, 2]}}'),
                       answer(200, "application/json", b'{"a": {"b": [1, 3]}}')) == ["body differs at /a/b/1: 2 → 3"]


def test_ignored_keys_are_left_out_wherever_they_occur() -> None:
    old = recorded(200, "application/json", b'{"at": 1, "items": [{"id": 1, "at": 2}]}')
    new = answer(200, "application/json", b'{"at": 5, "items": [{"id": 1, "at": 6}]}')
    assert differences(old, new) == ["body differs at /at: 1 → 5"]
    assert differences(old, new, frozenset({"at"})) == []
    assert differences(old, answer(200, "application/json", b'{"at": 5, "items": [{"id": 2}]}'),
                       frozenset({"at"})) == ["body differs at /items/0/id: 1 → 2"]


def test_a_body_the_recording_cut_is_not_compared_but_its_status_is() -> None:
    assert differences(recorded(200, "text/plain", b"first", truncated=True), answer(200, "text/plain", b"other")) == []
    assert differences(recorded(200, "text/plain", b"first", truncated=True),
                       answer(500, "text/plain", b"")) == ["status 200 → 500"]


def test_the_first_difference_names_missing_added_and_retyped_values() -> None:
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == "/b (added)"
    assert first_difference({"a": 1, "b": 2}, {"a": 1}) == "/b (missing)"
    assert first_difference([1, 2], [1]) == "/ (2 items recorded, 1 answered)"
    assert first_difference({"a": 1}, {"a": True}) == "/a: 1 → true"
    assert first_difference({"a": "x" * 200}, {"a": "y"}) == "/a"
