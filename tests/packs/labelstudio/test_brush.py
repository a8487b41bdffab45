"""BRUSH_TO_NUMPY and BRUSH_TO_PNG: the frontend's run-length code decoded, one file per brush region."""

from __future__ import annotations

import ast
import io
import struct
import zipfile
import zlib

import pytest
from starlette.testclient import TestClient

from differential_tests.labelstudio.flows import BRUSH, brush, rle
from mockserver.packs.labelstudio.brush import decode, npy, png


def test_decode_reads_repeat_and_copy_runs() -> None:
    pixels = bytes([0, 0, 0, 7, 1, 2, 3, 9])
    assert decode(rle(pixels)) == pixels
    # 4 values of 8 bits, sizes [1, 1, 1, 1]: one copy run of 2 (bit 0, size code 00, length-1 = 1), then a repeat
    # run of 2 (bit 1, size code 00, length-1 = 1, value 5)
    bits = f"{4:032b}{7:05b}" + "0000" * 4 + "0" + "00" + "1" + f"{3:08b}{4:08b}" + "1" + "00" + "1" + f"{5:08b}"
    bits += "0" * (-len(bits) % 8)
    assert decode([int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]) == bytes([3, 4, 5, 5])


def test_a_code_that_ends_early_or_runs_past_its_length_fails_as_the_real_reader() -> None:
    with pytest.raises(ValueError, match="invalid literal for int"):
        decode(rle(bytes(8))[:5])
    bits = f"{1:032b}{7:05b}" + "0000" * 4 + "0" + "00" + "1" + f"{3:08b}{4:08b}"
    bits += "0" * (-len(bits) % 8)
    with pytest.raises(IndexError, match="index 1 is out of bounds for axis 0 with size 1"):
        decode([int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)])


def test_npy_is_numpys_format_1_0() -> None:
    content = npy(2, 3, bytes(range(6)))
    assert content[:8] == b"\x93NUMPY\x01\x00"
    length = struct.unpack("<H", content[8:10])[0]
    assert (10 + length) % 64 == 0 and content[10 + length - 1:10 + length] == b"\n"
    assert ast.literal_eval(content[10:10 + length].decode()) == {"descr": "|u1", "fortran_order": False,
                                                                   "shape": (2, 3)}
    assert content[10 + length:] == bytes(range(6))


def test_png_is_an_8_bit_grayscale_image_of_the_pixels() -> None:
    content = png(2, 3, bytes(range(6)))
    assert content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR"
    assert struct.unpack(">IIBB", content[16:26]) == (3, 2, 8, 0)
    data = zlib.decompress(content[content.index(b"IDAT") + 4:content.index(b"IEND") - 8])
    assert data == b"\x00\x00\x01\x02\x00\x03\x04\x05"


def test_brush_exports_hold_a_file_per_region(fresh: TestClient) -> None:
    assert fresh.post("/api/project/config", json={"label_config": BRUSH}).status_code == 201
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}])
    alpha = [0, 255, 255, 0, 128, 0]
    fresh.post("/api/tasks/0/completions", json={"result": [brush("Car", 3, 2, alpha), brush("Car", 1, 1, [9])]})
    fresh.post("/api/tasks/1/completions?was_cancelled=1", json={"result": []})
    for export_format, suffix in (("BRUSH_TO_NUMPY", ".npy"), ("BRUSH_TO_PNG", ".png")):
        response = fresh.get(f"/api/project/export?format={export_format}")
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
        assert sorted(files) == [f"task-0-completion-1-tag-Car-0{suffix}", f"task-0-completion-1-tag-Car-1{suffix}"]
    assert files["task-0-completion-1-tag-Car-0.png"] == png(2, 3, bytes(alpha))


def test_a_region_whose_code_does_not_fit_its_size_is_the_500_envelope(fresh: TestClient) -> None:
    assert fresh.post("/api/project/config", json={"label_config": BRUSH}).status_code == 201
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"result": [brush("Road", 5, 5, [1, 2, 3])]})
    response = fresh.get("/api/project/export?format=BRUSH_TO_NUMPY")
    assert (response.status_code, response.json()["detail"]) == (
        500, "cannot reshape array of size 12 into shape (5,5,4)")
    assert fresh.delete("/api/tasks/0/completions").status_code == 204
    fresh.post("/api/tasks/0/completions", json={"result": [{"type": "brushlabels", "value": {}}]})
    assert fresh.get("/api/project/export?format=BRUSH_TO_PNG").json()["detail"] == "'rle'"
