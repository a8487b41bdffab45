"""The byte forms of Label Studio 0.8.1's answers: Flask's ``jsonify`` and ``ujson.dumps``.

- ``jsonify`` (the stdlib ``json``): compact, keys sorted, non-ASCII escaped as ``\\uXXXX``, a trailing newline.
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


def jsonify(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n").encode()


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
