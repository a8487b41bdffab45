"""Two answers compared: status, media type, headers, body shape and values."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from typing import Any

import httpx

from mockserver.compare import Answer, Aspect, Comparer, Normaliser
from mockserver.compare.answers import MAX_VALUE_DIFFERENCES
from mockserver.compare.bodies import png_pixels
from mockserver.pack import CompareProfile


def answer(status: int = 200, body: Any = None, content_type: str = "application/json", **headers: str) -> Answer:
    content = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    return Answer.of(httpx.Response(status, headers={"content-type": content_type, **headers}, content=content))


def compared(a: Answer, b: Answer, values: bool = True, **profile: Any) -> list[tuple[Aspect, str, str, str]]:
    return Comparer(Normaliser(CompareProfile(**profile)), values=values).compare(a, b)


def test_a_different_status_ends_the_comparison() -> None:
    assert compared(answer(200, {"a": 1}), answer(404, "x", "text/html")) == [(Aspect.STATUS, "status", "200", "404")]


def test_media_types_and_then_their_parameters_are_compared() -> None:
    assert compared(answer(body={}), answer(body={}, content_type="text/plain")) == [
        (Aspect.MEDIA_TYPE, "content-type", "application/json", "text/plain"),
        (Aspect.BODY, "$", "json body", "text body")]
    assert compared(answer(body={}), answer(body={}, content_type="application/json; charset=utf-8")) == [
        (Aspect.MEDIA_TYPE, "content-type", "application/json", "application/json; charset=utf-8")]
    assert compared(answer(body={}), answer(body={}, content_type="application/json;charset=utf-8"),
                    values=False) == []


def test_headers_by_presence_or_by_the_profile() -> None:
    a, b = answer(body={}, **{"x-shard": "1", "date": "now"}), answer(body={}, **{"x-other": "2"})
    assert compared(a, b) == [(Aspect.HEADER, "x-other", "absent", "present"),
                              (Aspect.HEADER, "x-shard", "present", "absent")]
    assert compared(a, b, headers=()) == []
    assert compared(a, answer(body={}, **{"x-shard": "2"}), headers=("x-shard",)) == [
        (Aspect.HEADER, "x-shard", "1", "2")]


def test_shapes_report_missing_keys_and_other_types_once() -> None:
    a, b = answer(body=[{"id": 1, "name": "Rex", "tag": None}]), answer(body=[{"id": "1", "name": "Max", "legs": 4}])
    assert compared(a, b, values=False) == [(Aspect.BODY, "$[].id", "number", "string"),
                                            (Aspect.BODY, "$[].legs", "absent", "present"),
                                            (Aspect.BODY, "$[].tag", "present", "absent")]
    assert (Aspect.BODY, "$[0].name", '"Rex"', '"Max"') in compared(a, b)
    assert not any(location.startswith("$[0].id") for _, location, *_ in compared(a, b))


def test_values_are_named_by_their_path() -> None:
    found = compared(answer(body={"a": [1, 2], "b": {"c": "x"}, "d": [1]}),
                     answer(body={"a": [1, 3], "b": {"c": "y"}, "d": [1, 1]}))
    assert found == [(Aspect.BODY, "$.a[1]", "2", "3"), (Aspect.BODY, "$.b.c", '"x"', '"y"'),
                     (Aspect.BODY, "$.d", "1 items", "2 items")]


def test_ids_compare_by_consistent_renaming_across_exchanges() -> None:
    comparer = Comparer(Normaliser(CompareProfile(id_keys=frozenset({"id"}))))
    assert comparer.compare(answer(body={"id": 10}), answer(body={"id": 20})) == []
    assert comparer.compare(answer(body=[{"id": 10}]), answer(body=[{"id": 20}])) == []
    assert comparer.compare(answer(body={"id": 10}), answer(body={"id": 21})) == [(Aspect.BODY, "$.id", "10", "21")]


def test_text_bodies_show_their_first_different_line() -> None:
    a, b = answer(body=b"same\nold line\n", content_type="text/plain"), answer(body=b"same\nnew line\n",
                                                                               content_type="text/plain")
    assert compared(a, b) == [(Aspect.BODY, "line 2", "old line", "new line")]
    assert compared(a, b, substitutions=((r"(old|new) ", ""),)) == []


def test_many_value_differences_are_summed_up() -> None:
    found = compared(answer(body=list(range(40))), answer(body=list(range(1, 41))))
    assert len(found) == MAX_VALUE_DIFFERENCES
    assert found[-1][2] == f"{40 - MAX_VALUE_DIFFERENCES + 1} more values differ"


def png(rows: list[bytes], level: int, kind: int) -> bytes:
    """A 1-channel 8-bit PNG whose rows all use filter ``kind`` (0 none, 1 sub)."""
    def filtered(row: bytes) -> bytes:
        return bytes([kind]) + (row if kind == 0 else bytes((row[i] - (row[i - 1] if i else 0)) & 0xFF
                                                              for i in range(len(row))))

    def chunk(name: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

    header = struct.pack(">IIBBBBB", len(rows[0]), len(rows), 8, 0, 0, 0, 0)
    data = zlib.compress(b"".join(filtered(row) for row in rows), level)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def archive(**members: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, content in members.items():
            zipped.writestr(name.replace("_", "."), content)
    return out.getvalue()


def test_archives_compare_members_whatever_their_order_and_encoding() -> None:
    rows = [b"\x00\x10\x20", b"\x30\x40\x50"]
    assert png_pixels(png(rows, 9, 0)) == png_pixels(png(rows, 1, 1)) == "3x2:0:" + b"".join(rows).hex()
    a = archive(a_json=b'[{"id": 1}, {"id": 2}]', b_csv=b"h\nx\ny\n", c_png=png(rows, 9, 0))
    b = archive(a_json=b'[{"id": 2}, {"id": 1}]', b_csv=b"h\ny\nx\n", c_png=png(rows, 1, 1))
    zipped = "application/zip"
    assert compared(answer(body=a, content_type=zipped), answer(body=b, content_type=zipped)) == []
    changed = png([b"\x00\x10\x20", b"\x30\x40\x51"], 9, 0)
    other = archive(a_json=b'[{"id": 2}, {"id": 3}]', b_csv=b"h\nx\ny\n", c_png=changed)
    found = compared(answer(body=a, content_type=zipped), answer(body=other, content_type=zipped))
    assert [location for _, location, *_ in found] == ['$["a.json"][0].id', '$["a.json"][1].id', '$["c.png"]']
