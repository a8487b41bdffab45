"""The byte forms of Label Studio 0.8.1's answers: Flask's ``jsonify`` and ``ujson.dumps``.

- ``jsonify`` (the stdlib ``json``): compact, keys sorted, non-ASCII escaped as ``\\uXXXX``, a trailing newline
  (written by orjson where its bytes are the stdlib's).
- ``ujson``: compact, keys in insertion order, ``/`` escaped as ``\\/``, non-ASCII escaped, floats in their
  shortest plain form (``0.00001``, where ``json`` writes ``1e-05``); ``indent=1`` puts a space after ``:`` and
  writes an empty list or object with an empty line inside.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


PLAIN = (orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_DATACLASS
         | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS)
"""orjson for the JSON types only: what else it writes itself (dataclasses, datetimes, subclasses) is the stdlib's."""


def jsonify(data: Any) -> bytes:
    """``json.dumps(data, sort_keys=True, separators=(",", ":"))`` and a newline, byte for byte: orjson with sorted
    keys, what it writes otherwise made the same (``_as_stdlib``), the stdlib where orjson cannot say it alike."""
    if not isinstance(data, dict | list):
        return _stdlib_jsonify(data)
    try:
        encoded = orjson.dumps(data, option=PLAIN)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, keys that are not strings, other types, surrogates
        return _stdlib_jsonify(data)
    return _stdlib_jsonify(data) if _unlike_stdlib(encoded) else _as_stdlib(encoded)


def _stdlib_jsonify(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()


CANDIDATES = (re.compile(rb"null"), re.compile(rb"e-"), re.compile(rb"0\.0000"))
"""Where such a value may be: one pattern each, as literals are found faster than their alternation."""
UNLIKE = re.compile(rb"null|-?0\.0000|-?\d+(?:\.\d+)?e-")
"""A value orjson writes unlike the stdlib: ``null`` for NaN and the infinities (``NaN``, ``Infinity``), and floats
below 1e-4 (``0.00001`` and ``2.5e-7`` for ``1e-05`` and ``2.5e-07``)."""
NUMBER = frozenset(b"0123456789.-")
VALUE_START = frozenset(b"[:,")


def _unlike_stdlib(encoded: bytes) -> bool:
    """Whether ``encoded`` (an array or object) may hold a value ``UNLIKE`` the stdlib's: a value starts after ``[``,
    ``:`` or ``,`` (a string's text that merely looks so only costs the stdlib's slower run)."""
    for candidates in CANDIDATES:
        for candidate in candidates.finditer(encoded):
            start = candidate.start()
            while encoded[start - 1] in NUMBER:
                start -= 1
            if encoded[start - 1] in VALUE_START and UNLIKE.match(encoded, start):
                return True
    return False


ESCAPED = re.compile(r"[^\x00-\x7e]")
"""What the stdlib's ``ensure_ascii`` escapes beyond orjson: DEL and every character beyond ASCII."""


def _as_stdlib(encoded: bytes) -> bytes:
    if encoded.isascii() and b"\x7f" not in encoded:
        return encoded
    return ESCAPED.sub(_escape, encoded.decode()).encode()


def _ujson_text(data: Any, indent: int, depth: int) -> str:
    if not indent or not isinstance(data, dict | list) or not data:
        if indent and isinstance(data, dict | list):  # empty, pretty
            return ("{" if isinstance(data, dict) else "[") + "\n\n" + " " * (indent * depth) + (
                "}" if isinstance(data, dict) else "]")
        return orjson.dumps(data).decode()
    inner, outer = " " * (indent * (depth + 1)), " " * (indent * depth)
    if isinstance(data, dict):
        items = [f"{inner}{orjson.dumps(str(key)).decode()}: {_ujson_text(value, indent, depth + 1)}"
                 for key, value in data.items()]
        return "{\n" + ",\n".join(items) + "\n" + outer + "}"
    items = [f"{inner}{_ujson_text(value, indent, depth + 1)}" for value in data]
    return "[\n" + ",\n".join(items) + "\n" + outer + "]"


def ujson(data: Any, newline: bool = False, indent: int = 0) -> bytes:
    text = NON_ASCII.sub(_escape, _ujson_text(data, indent, 0).replace("/", "\\/"))
    return (text + ("\n" if newline else "")).encode()


LITERALS = {"n": "null", "t": "true", "f": "false"}
"""The literal ujson starts decoding at a letter (``nul`` fails as ``… decoding 'null'``)."""


def ujson_loads(data: bytes) -> Any:
    """``ujson.loads`` of ujson 3.0: the value, or ``ValueError`` with ujson's text for the common failures."""
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise ValueError("Expected object or value") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(_ujson_error(data.decode("utf-8", "replace"), exc)) from exc


def _ujson_error(text: str, exc: json.JSONDecodeError) -> str:
    at = text[exc.pos:].lstrip()
    if exc.msg == "Extra data":
        return "Trailing data"
    if exc.msg == "Expecting ':' delimiter":
        return "No ':' found when decoding object value"
    if exc.msg.startswith("Unterminated string"):
        return "Unmatched ''\"' when when decoding 'string'"
    if at[:1] in LITERALS:
        return f"Unexpected character found when decoding '{LITERALS[at[0]]}'"
    return "Expected object or value"
