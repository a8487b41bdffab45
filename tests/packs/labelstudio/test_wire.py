"""The byte forms of the real server's two JSON serialisers, and Flask's automatic OPTIONS answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.packs.labelstudio import wire
from mockserver.packs.labelstudio.wire import jsonify, ujson


def test_jsonify_sorts_escapes_non_ascii_and_ends_with_a_newline() -> None:
    assert jsonify({"b": "é/🐱", "a": [1e-05, 0.1]}) == b'{"a":[1e-05,0.1],"b":"\\u00e9/\\ud83d\\udc31"}\n'


STDLIB_FORMS = [
    {"nan": float("nan"), "inf": [float("inf"), -float("inf")], "null": None},
    [1e-05, -2.5e-07, 1e-4, 0.00012, 1e16, 1.5e300, 5e-324, -0.0, 0.1 + 0.2],
    {"big": 2**70, "small": -(2**64)},
    {"é": 1, "z": 2, "a": {"\x7f": "\x00\x1f\u2028", "ü": ["🐱"]}, "B": "a-1e-5 :null ,0.00001"},
    {1: "int key", 2: "x"},
    [{"completions": [{"id": 1001, "created_at": 1600000000, "lead_time": 12.5, "result": []}], "data": {}}],
    "a string", 3, 1e-05, None,
]


@pytest.mark.parametrize("data", STDLIB_FORMS)
def test_jsonify_writes_the_stdlibs_bytes(data: Any) -> None:
    """orjson writes most answers; NaN, infinities, small floats, big integers, non-string keys, DEL and non-ASCII
    come out as the stdlib's ``json.dumps(sort_keys=True)`` writes them."""
    assert jsonify(data) == (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()


def test_jsonify_takes_orjson_where_its_bytes_are_the_stdlibs(monkeypatch: pytest.MonkeyPatch) -> None:
    def stdlib(data: Any) -> bytes:
        raise AssertionError("the stdlib wrote an answer orjson writes alike")

    monkeypatch.setattr(wire, "_stdlib_jsonify", stdlib)
    page = [{"id": i, "data": {"image": f"https://example.org/images/cat-{i}.jpg"}, "predictions": [
        {"model_version": "model-v1", "score": 0.0001, "result": [{"id": "a1e-Z", "value": {"choices": ["Cat"]}}]}]}
        for i in range(3)]
    assert jsonify(page).startswith(b'[{"data":{"image":"https://example.org/images/cat-0.jpg"},"id":0,')


def test_ujson_keeps_order_escapes_slashes_and_writes_short_floats() -> None:
    assert ujson({"b": "é/🐱", "a": [1e-05]}) == b'{"b":"\\u00e9\\/\\ud83d\\udc31","a":[0.00001]}'
    assert ujson({"id": 1}, newline=True) == b'{"id":1}\n'


def test_ujson_pretty_puts_an_empty_line_into_empty_containers() -> None:
    assert ujson({"id": 1, "r": [], "d": {"x": "a/b"}}, indent=1) == (
        b'{\n "id": 1,\n "r": [\n\n ],\n "d": {\n  "x": "a\\/b"\n }\n}')


def test_options_is_flasks_automatic_answer(ls: TestClient) -> None:
    response = ls.options("/api/tasks/3")
    assert (response.status_code, response.headers["content-type"], response.content) == (
        200, "text/html; charset=utf-8", b"")
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "DELETE", "OPTIONS"}
