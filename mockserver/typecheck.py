"""Does a plain value (from YAML or JSON) fit a type annotation? For scenario steps and world imports."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin


def conforms(value: Any, hint: Any) -> bool:
    """True when ``value`` fits ``hint`` (str, int, float, bool, None, unions, shallow list/dict/tuple)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(conforms(value, arg) for arg in get_args(hint))
    if hint is type(None) or hint is None:
        return value is None
    if hint is Any:
        return True
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple):
        return isinstance(value, list | tuple) and all(conforms(item, get_args(hint)[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict)
    return isinstance(value, hint)


def describe(hint: Any) -> str:
    """``str | None`` → ``a string or null`` (for error messages)."""
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false", type(None): "null"}
    args = get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,)
    return " or ".join(names.get(arg, "a list" if get_origin(arg) in (list, tuple) else "an object")
                       for arg in args)
