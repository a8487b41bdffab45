"""Schema normalization and small text helpers shared by the comparisons.

``normalize`` merges ``allOf``, folds null branches of ``anyOf``/``oneOf`` (the OpenAPI 3.0 way of
writing "a reference or null") and 3.1 ``type: [..., "null"]`` into ``nullable``, so that two
spellings of the same schema compare equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

IDENTIFIER_WORDS = frozenset({"id", "name", "key", "uuid", "email", "slug", "username", "login"})
"""Words that name a kind of identifier; a description that swaps one for another changed meaning."""


def normalize(schema: Any) -> dict[str, Any]:
    """A schema without ``allOf``, null branches or 3.1 null types, recursively (``{}`` = anything)."""
    if not isinstance(schema, Mapping):
        return {}
    node = {key: value for key, value in schema.items() if key not in {"allOf", "not"}}
    if isinstance(node.get("type"), list):
        types = [t for t in node["type"] if t != "null"]
        node["nullable"] = node.get("nullable", False) or len(types) < len(node["type"])
        node["type"] = types[0] if len(types) == 1 else types
    if "const" in node:
        node["enum"] = [node.pop("const")]
    node = _normalize_children(node)
    if schema.get("allOf"):
        combined: dict[str, Any] = {}
        for part in schema["allOf"]:
            combined = merge(combined, normalize(part))
        node = merge(combined, node)
    return _fold_variants(node)


def _normalize_children(node: dict[str, Any]) -> dict[str, Any]:
    if isinstance(node.get("properties"), Mapping):
        node["properties"] = {name: normalize(sub) for name, sub in node["properties"].items()}
    if "items" in node:
        node["items"] = normalize(node["items"])
    if isinstance(node.get("additionalProperties"), Mapping):
        node["additionalProperties"] = normalize(node["additionalProperties"])
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            node[key] = [normalize(branch) for branch in node[key]]
    return node


def _fold_variants(node: dict[str, Any]) -> dict[str, Any]:
    for key in ("anyOf", "oneOf"):
        branches = node.get(key)
        if not isinstance(branches, list):
            continue
        rest = [branch for branch in branches if not _is_null(branch)]
        if len(rest) < len(branches):
            node["nullable"] = True
        if len(rest) == 1:
            outer = {k: v for k, v in node.items() if k != key}
            node = merge(rest[0], outer)
        else:
            node[key] = rest
    return node


def _is_null(schema: Mapping[str, Any]) -> bool:
    return schema.get("enum") == [None] or schema.get("type") == "null"


def merge(first: Mapping[str, Any], second: Mapping[str, Any]) -> dict[str, Any]:
    """Both schemas at once (``allOf``); ``second`` wins for annotations such as ``description``."""
    merged = dict(first)
    for key, value in second.items():
        if key == "properties" and isinstance(merged.get(key), Mapping):
            properties = dict(merged[key])
            for name, sub in value.items():
                properties[name] = merge(properties[name], sub) if name in properties else sub
            merged[key] = properties
        elif key == "required" and key in merged:
            merged[key] = list(dict.fromkeys([*merged[key], *value]))
        elif key == "enum" and key in merged:
            merged[key] = [item for item in merged[key] if item in value]
        elif key == "type" and key in merged:
            continue
        else:
            merged[key] = value
    if "type" in first and "type" in second:
        merged["nullable"] = bool(first.get("nullable")) and bool(second.get("nullable"))
    return merged


def schema_type(schema: Mapping[str, Any]) -> str | None:
    """The (inferred) type of a normalized schema, None if it accepts any type."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared
    if isinstance(declared, list):
        return "|".join(sorted(declared))
    if "properties" in schema or isinstance(schema.get("additionalProperties"), Mapping):
        return "object"
    if "items" in schema:
        return "array"
    return None


def describe(schema: Mapping[str, Any], detail: bool = False) -> str:
    """A short description: ``string: A | B``, ``array of object``, ``object {a, b, …}``."""
    variants = schema.get("anyOf") or schema.get("oneOf")
    if variants:
        text = " or ".join(describe(branch) for branch in variants)
    else:
        text = schema_type(schema) or "any"
        if text == "array":
            text = f"array of {describe(schema.get('items', {}), detail)}"
        elif text == "object" and detail and schema.get("properties"):
            names = list(schema["properties"])
            text += " {" + ", ".join(names[:4]) + (", …" if len(names) > 4 else "") + "}"
        if schema.get("format"):
            text += f" ({schema['format']})"
        if schema.get("enum"):
            text += ": " + " | ".join(str(value) for value in schema["enum"])
    return text + (", nullable" if schema.get("nullable") else "")


def article(word: str) -> str:
    """``an id``, ``a name``."""
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def identifier_swap(old: str, new: str) -> tuple[str, str] | None:
    """``("name", "id")`` if ``old`` speaks of one kind of identifier and ``new`` of another."""
    before, after = _words(old), _words(new)
    gone = sorted((before - after) & IDENTIFIER_WORDS)
    came = sorted((after - before) & IDENTIFIER_WORDS)
    return (gone[0], came[0]) if gone and came else None


def _words(text: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    words = set(re.findall(r"[a-z0-9]+", spaced.lower()))
    return {word[:-1] if word.endswith("s") and word[:-1] in IDENTIFIER_WORDS else word for word in words}
