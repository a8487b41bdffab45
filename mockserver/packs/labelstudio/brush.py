"""The BRUSH_TO_NUMPY and BRUSH_TO_PNG exports (label-studio-converter 0.0.22's ``brush`` module).

Every ``brushlabels`` region of every completion of a done task (cancelled ones included) becomes one file,
``task-<task id>-completion-<completion id>-<from_name>-<labels joined by ->-<n>``, holding the region's alpha
channel (height × width, one byte per pixel): a NumPy 1.0 ``.npy`` file as ``numpy.save`` writes it, or an 8-bit
grayscale PNG. The region's ``value.rle`` is the frontend's run-length code of the RGBA pixels (``decode``).
"""

from __future__ import annotations

import collections
import struct
import zlib
from collections.abc import Iterator
from typing import Any

NPY_ALIGN = 64
"""numpy 1.17 pads the ``.npy`` header to 64 bytes."""


class Bits:
    """The code read most significant bit first."""

    def __init__(self, data: bytes) -> None:
        self.value, self.left = int.from_bytes(data, "big"), len(data) * 8

    def read(self, size: int) -> int:
        """The next ``size`` bits (fewer at the end, as the real reader's slice of its bit string)."""
        if self.left <= 0 or size <= 0:
            raise ValueError("invalid literal for int() with base 2: ''")  # the real reader's int('', 2)
        size = min(size, self.left)
        self.left -= size
        return (self.value >> self.left) & ((1 << size) - 1)


def decode(rle: list[int]) -> bytes:
    """``brush.decode_rle``: 32 bits of length, 5 of word size - 1, four 4-bit run-size codes, then runs (a bit:
    repeat one word, or copy words; two bits choose the run size)."""
    code = Bits(bytes(value & 0xFF for value in rle))
    length, word = code.read(32), code.read(5) + 1
    sizes = [code.read(4) + 1 for _ in range(4)]
    out = bytearray(length)
    i = 0
    while i < length:
        repeat = code.read(1)
        end = i + 1 + code.read(sizes[code.read(2)])
        if repeat:
            out[i:end] = bytes([code.read(word) & 0xFF]) * (min(end, length) - i)
            i = end
        else:
            while i < end:
                value = code.read(word) & 0xFF
                if i >= length:
                    raise IndexError(f"index {i} is out of bounds for axis 0 with size {length}")
                out[i] = value
                i += 1
    return bytes(out)


def layers(task_id: int, completion: dict[str, Any]) -> Iterator[tuple[str, int, int, bytes]]:
    """(file name without extension, height, width, alpha bytes) of each brush region of a completion."""
    counters: collections.Counter[str] = collections.Counter()
    for result in completion["result"]:
        if result["type"] != "brushlabels":
            continue
        rle, width, height = result["value"]["rle"], result["original_width"], result["original_height"]
        name = result["from_name"] + "-" + "-".join(result["value"]["brushlabels"])
        number = counters[name]
        counters[name] += 1
        pixels = decode(rle)
        if len(pixels) != height * width * 4:
            raise ValueError(f"cannot reshape array of size {len(pixels)} into shape ({height},{width},4)")
        alpha = pixels[3::4]
        yield f"task-{task_id}-completion-{completion['id']}-{name}-{number}", height, width, alpha


def npy(height: int, width: int, data: bytes) -> bytes:
    """``numpy.save`` of a C-ordered ``uint8`` array (format 1.0)."""
    header = f"{{'descr': '|u1', 'fortran_order': False, 'shape': ({height}, {width}), }}".encode("latin-1")
    length = len(header) + 1
    padding = NPY_ALIGN - ((6 + 2 + 2 + length) % NPY_ALIGN)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", length + padding) + header + b" " * padding + b"\n" + data


def png(height: int, width: int, data: bytes) -> bytes:
    """An 8-bit grayscale PNG of the pixels (rows unfiltered); Pillow's bytes differ, its pixels do not."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + data[row * width:(row + 1) * width] for row in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))


WRITERS = {"BRUSH_TO_NUMPY": (npy, ".npy"), "BRUSH_TO_PNG": (png, ".png")}


def files(done: list[tuple[int, list[dict[str, Any]]]], export_format: str) -> dict[str, bytes]:
    """The export's files: ``done`` is (task id, completions) of every done task."""
    write, suffix = WRITERS[export_format]
    return {name + suffix: write(height, width, alpha)
            for task_id, completions in done for completion in completions
            for name, height, width, alpha in layers(task_id, completion)}
