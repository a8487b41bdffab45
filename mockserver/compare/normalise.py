"""``Normaliser``: a pack's ``CompareProfile`` applied to one answer's values (both sides alike), and ``Renaming``:
ids compared by consistent renaming."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from mockserver.compare.source import json_type
from mockserver.pack import CompareProfile


class Normaliser:
    """Makes the values of one answer comparable: typed keys become their type, every text gets the profile's
    substitutions and its set-printed lists sorted, unordered lists are sorted."""

    def __init__(self, profile: CompareProfile) -> None:
        self.profile = profile
        self.substitutions = [(re.compile(pattern), replacement) for pattern, replacement in profile.substitutions]
        self.sorted_lists = [re.compile(pattern) for pattern in profile.sorted_lists]

    def text(self, text: str) -> str:
        for pattern, replacement in self.substitutions:
            text = pattern.sub(replacement, text)
        for pattern in self.sorted_lists:
            text = pattern.sub(_sorted_list, text)
        return text

    def value(self, value: Any, key: str = "") -> Any:
        """A JSON value (or an archive's members) normalised; id keys are left for ``Renaming``."""
        if key in self.profile.typed_keys and value is not None:
            return f"<{json_type(value)}>"
        if isinstance(value, Mapping):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            items = [self.value(v, key) for v in value]
            return sorted(items, key=repr) if key in self.profile.unordered_keys else items
        if isinstance(value, str):
            return self.text(value)
        return value


def _sorted_list(match: re.Match[str]) -> str:
    try:
        items = ast.literal_eval(match.group("list"))
        ordered = repr(sorted(items))
    except (ValueError, SyntaxError, TypeError, IndexError):
        return match.group(0)
    start, end = match.span("list")
    whole = match.group(0)
    return whole[:start - match.start()] + ordered + whole[end - match.start():]


class Renaming:
    """Ids each side allocated itself, paired by first sight: once A's ``x`` met B's ``y``, ``x`` must always meet
    ``y`` (and ``y`` nothing else). Equal ids always agree: both sides may be one server (two versions of it), where
    what one side made the other sees too."""

    def __init__(self) -> None:
        self.a_to_b: dict[str, str] = {}
        self.b_to_a: dict[str, str] = {}

    def pair(self, a: Any, b: Any) -> bool:
        """True if ``a`` and ``b`` may name the same thing; the first meeting pairs them."""
        if a is None or b is None or isinstance(a, dict | list) or isinstance(b, dict | list):
            return bool(a == b)
        if json_type(a) != json_type(b):
            return False
        if a == b:
            return True
        key_a, key_b = repr(a), repr(b)
        if key_a in self.a_to_b or key_b in self.b_to_a:
            return self.a_to_b.get(key_a) == key_b
        self.a_to_b[key_a], self.b_to_a[key_b] = key_b, key_a
        return True
