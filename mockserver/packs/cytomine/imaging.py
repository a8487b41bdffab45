"""Small valid images for the binary routes (thumbnails, windows, crops): a uniform grey picture of the asked
size, at most ``LARGEST`` pixels on its longer side, as PNG (zlib) or baseline JPEG (written by hand: every 8×8
block is the same flat grey, so each block is one DC code and an end-of-block code)."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

LARGEST = 1024
GREY = 128


def fit(width: int, height: int, max_size: int | None) -> tuple[int, int]:
    """``width``×``height`` scaled down (aspect kept) so that the longer side is at most ``max_size``/``LARGEST``."""
    width, height = max(1, width), max(1, height)
    limit = min(max_size or LARGEST, LARGEST)
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int) -> bytes:
    """An 8-bit greyscale PNG."""
    rows = (b"\x00" + bytes([GREY]) * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 9))
            + _chunk(b"IEND", b""))


def _segment(marker: int, data: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data


def jpeg(width: int, height: int) -> bytes:
    """A baseline greyscale JPEG. Grey 128 level-shifts to 0, so every block's DC difference is category 0 and
    its AC part is at once end-of-block: one Huffman table each, with a single one-bit code ``0``."""
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    scan_bits = 2 * blocks
    scan = bytearray(b"\x00" * (scan_bits // 8))
    if scan_bits % 8:
        scan.append(0xFF >> (scan_bits % 8))  # the last byte padded with 1-bits (never 0xFF: no stuffing needed)
    quantisation = _segment(0xDB, b"\x00" + bytes([1] * 64))
    frame = _segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    tables = _segment(0xC4, b"\x00" + one_code + b"\x10" + one_code)
    start = _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return b"\xff\xd8" + quantisation + frame + tables + start + bytes(scan) + b"\xff\xd9"


ENCODERS: dict[str, tuple[Callable[[int, int], bytes], str]] = {
    "png": (png, "image/png"),
    "jpg": (jpeg, "image/jpeg"),
}
"""Format (the path's extension) → encoder and media type."""
