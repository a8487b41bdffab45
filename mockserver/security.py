"""Security handlers whose check functions' signatures are read once, not on every request.

Connexion 3's security wrapper asks ``inspect.signature`` of the check function, twice, for every request it
checks (whether the function takes ``required_scopes`` and ``request``). The answer depends on the function
alone; ``with_known_signatures`` gives each handler class of a ``security_map`` a subclass that remembers it,
per handler (a handler lives as long as its app). What is checked, and how, is the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def with_known_signatures(security_map: Mapping[str, type]) -> dict[str, type]:
    """``security_map`` with each class replaced by a subclass that reads each check function's signature once."""
    return {name: type(cls.__name__, (_KnownSignatures, cls), {"__module__": cls.__module__})
            for name, cls in security_map.items()}


class _KnownSignatures:
    _accepts: dict[tuple[Callable[..., Any], str], bool]

    def _accepts_kwarg(self, func: Callable[..., Any], keyword: str) -> bool:
        known: dict[tuple[Callable[..., Any], str], bool] = self.__dict__.setdefault("_accepts", {})
        key = (func, keyword)
        if key not in known:
            known[key] = bool(super()._accepts_kwarg(func, keyword))  # type: ignore[misc]
        return known[key]
