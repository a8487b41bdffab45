"""The byte forms of the real server's two JSON serialisers, and Flask's automatic OPTIONS answer."""

from __future__ import annotations

from starlette.testclient import TestClient

from mockserver.packs.labelstudio.wire import jsonify, ujson


def test_jsonify_sorts_escapes_non_ascii_and_ends_with_a_newline() -> None:
    assert jsonify({"b": "é/🐱", "a": [1e-05, 0.1]}) == b'{"a":[1e-05,0.1],"b":"\\u00e9/\\ud83d\\udc31"}\n'


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
