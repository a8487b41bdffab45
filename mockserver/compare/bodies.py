"""Bodies as comparable values, by media type (``READERS``): JSON parsed, text as text, a ZIP archive as its
members (each read by its name: JSON parsed, text as lines, PNG as pixels, anything else as a digest), any other
body as its size and digest."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

Body = tuple[str, Any]
"""(kind, value): ``json`` (parsed), ``text`` (str), ``archive`` (member name → value), ``binary`` (a digest),
``empty``."""


def media_type(content_type: str) -> str:
    """``application/json`` of ``application/json; charset=utf-8``."""
    return content_type.split(";")[0].strip().lower()


def read(content: bytes, content_type: str) -> Body:
    """The body as a comparable value, read by its media type."""
    if not content:
        return "empty", None
    kind = media_type(content_type)
    for accepts, reader in READERS:
        if accepts(kind):
            return reader(content)
    return binary(content)


def as_json(content: bytes) -> Body:
    try:
        return "json", json.loads(content)
    except ValueError:
        return as_text(content)


def as_text(content: bytes) -> Body:
    try:
        return "text", content.decode("utf-8")
    except UnicodeDecodeError:
        return binary(content)


def binary(content: bytes) -> Body:
    return "binary", f"{len(content)} bytes, sha256 {hashlib.sha256(content).hexdigest()[:16]}"


def as_archive(content: bytes) -> Body:
    """Members by name; the order of records inside a member is not compared (JSON lists and text lines below a
    header are sorted: servers write them in file-system order)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {name: member(name, archive.read(name)) for name in sorted(archive.namelist())}
    except (zipfile.BadZipFile, OSError, ValueError):
        return binary(content)
    return "archive", members


def member(name: str, raw: bytes) -> Any:
    if name.lower().endswith(".png"):
        try:
            return png_pixels(raw)
        except (ValueError, KeyError, struct.error, zlib.error, IndexError):
            return binary(raw)[1]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return binary(raw)[1]
    if name.lower().endswith(".json"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        return sorted(parsed, key=lambda item: json.dumps(item, sort_keys=True)) if isinstance(parsed, list) else parsed
    lines = text.splitlines()
    return lines[:1] + sorted(lines[1:])


def png_pixels(content: bytes) -> str:
    """An 8-bit PNG as ``<width>x<height>:<colour type>:<pixels in hex>``, whatever its row filters and compression
    (two encoders of the same image compare equal)."""
    width, height, depth, colour = struct.unpack(">IIBB", content[16:26])
    if depth != 8:
        raise ValueError(f"a {depth}-bit PNG")
    data, at = b"", 8
    while at < len(content):
        length, kind = struct.unpack(">I4s", content[at:at + 8])
        data += content[at + 8:at + 8 + length] if kind == b"IDAT" else b""
        at += 12 + length
    step = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw, stride, rows = zlib.decompress(data), width * step, []
    previous = bytearray(stride)
    for row in range(height):
        kind, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], previous[i - step] if i >= step else 0
            line[i] = (line[i] + (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]) & 0xFF
        rows.append(bytes(line))
        previous = line
    return f"{width}x{height}:{colour}:" + b"".join(rows).hex()


def _paeth(left: int, up: int, corner: int) -> int:
    guess = left + up - corner
    return min((abs(guess - left), left), (abs(guess - up), up), (abs(guess - corner), corner),
               key=lambda pair: pair[0])[1]


def _textual(kind: str) -> bool:
    return kind.startswith("text/") or kind in {"application/xml", "application/javascript", "application/x-ndjson"}


READERS: list[tuple[Callable[[str], bool], Callable[[bytes], Body]]] = [
    (lambda kind: kind == "application/json" or kind.endswith("+json"), as_json),
    (lambda kind: kind in {"application/zip", "application/x-zip-compressed"}, as_archive),
    (_textual, as_text),
]
"""(does it read this media type, reader), first match wins; others: ``binary``."""
