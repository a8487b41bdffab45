"""Route patterns of the admin API: ``/api/*/tasks/{id}``, ``/api/v5/**``, optionally with a method.

``*`` matches within one path segment, ``**`` across segments, ``{name}`` one whole segment; all else
is literal. Journal filters and latency/fault rules use the same syntax.
"""

from __future__ import annotations

import dataclasses
import re

from mockserver.errors import ConfigurationError

_TOKENS = re.compile(r"\*\*|\*|\{[^/{}]+\}")
_REGEX = {"**": ".*", "*": "[^/]*"}


def compile_path(pattern: str) -> re.Pattern[str]:
    """The regular expression of a path pattern (whole-path match)."""
    if not pattern.startswith("/"):
        raise ConfigurationError(f"path pattern {pattern!r} must start with '/'")
    parts, last = [], 0
    for match in _TOKENS.finditer(pattern):
        parts.append(re.escape(pattern[last:match.start()]))
        parts.append(_REGEX.get(match.group(), "[^/]+"))
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    return re.compile("".join(parts) + r"\Z")


@dataclasses.dataclass(frozen=True)
class RoutePattern:
    """A method (None or ``*``: any) and a path pattern."""

    method: str | None
    path: str
    regex: re.Pattern[str] = dataclasses.field(compare=False, repr=False)

    @classmethod
    def of(cls, method: str | None, path: str | None) -> RoutePattern:
        method = None if method in (None, "", "*") else method.upper()
        path = path or "/**"
        return cls(method, path, compile_path(path))

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and self.regex.match(path) is not None
