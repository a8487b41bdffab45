"""Two answers to one request compared: status, media type, the headers that matter, the body's shape (keys,
value types) and, unless only shapes are compared, its values after normalising (``Normaliser``, ``Renaming``).

A different status ends the comparison of that exchange (two different answers, not two versions of one). Shape
differences are reported with ``[]`` for every array item (``$.items[].id``) and cover everything below them; value
differences name the item (``$.items[0].name``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from mockserver.compare.bodies import Body, media_type, read
from mockserver.compare.model import Aspect
from mockserver.compare.normalise import Normaliser, Renaming
from mockserver.compare.source import json_type

VOLATILE_HEADERS = frozenset(
    {"date", "server", "content-length", "etag", "last-modified", "set-cookie", "connection", "transfer-encoding",
     "x-request-id", "age", "expires", "keep-alive", "vary"}
)
"""Headers whose presence says nothing about the API (with ``CompareProfile.headers`` None)."""
MAX_VALUE_DIFFERENCES = 12
"""Value differences reported per exchange; the rest are summed up in one."""
SHOWN = 120
"""Characters of a value shown in a difference."""

Found = tuple[Aspect, str, str, str]
"""(aspect, location, A's side, B's side)"""


@dataclasses.dataclass(frozen=True)
class Answer:
    """What one side answered (``status`` None: no answer, ``error`` says why)."""

    status: int | None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    body: Body = ("empty", None)
    error: str = ""

    @classmethod
    def of(cls, response: httpx.Response) -> Answer:
        headers = {name.lower(): value for name, value in response.headers.items()}
        return cls(response.status_code, headers, read(response.content, headers.get("content-type", "")))

    @property
    def json(self) -> Any:
        return self.body[1] if self.body[0] == "json" else None

    @property
    def structure(self) -> Any:
        """What has a shape: a JSON body or an archive's members (None otherwise)."""
        return self.body[1] if self.body[0] in ("json", "archive") else None


@dataclasses.dataclass
class Comparer:
    """Compares answers under one profile; ``values`` False: shapes only (keys and types, never values)."""

    normaliser: Normaliser
    values: bool = True
    renaming: Renaming = dataclasses.field(default_factory=Renaming)

    def compare(self, a: Answer, b: Answer) -> list[Found]:
        if a.status != b.status:
            return [(Aspect.STATUS, "status", a.error or str(a.status), b.error or str(b.status))]
        if a.status is None:
            return []
        return [*self.media_types(a, b), *self.headers(a, b), *self.bodies(a, b)]

    # --- headers ---------------------------------------------------------------------------------

    def media_types(self, a: Answer, b: Answer) -> Iterator[Found]:
        before, after = a.headers.get("content-type", ""), b.headers.get("content-type", "")
        if media_type(before) != media_type(after):
            yield Aspect.MEDIA_TYPE, "content-type", media_type(before) or "absent", media_type(after) or "absent"
        elif self.values and _spaced(before) != _spaced(after):
            yield Aspect.MEDIA_TYPE, "content-type", before, after

    def headers(self, a: Answer, b: Answer) -> Iterator[Found]:
        chosen = self.normaliser.profile.headers
        if chosen is None:
            for name in sorted((set(a.headers) | set(b.headers)) - VOLATILE_HEADERS - {"content-type"}):
                if (name in a.headers) != (name in b.headers):
                    yield Aspect.HEADER, name, _presence(name in a.headers), _presence(name in b.headers)
            return
        for name in chosen:
            before, after = a.headers.get(name), b.headers.get(name)
            if (before is None) != (after is None):
                yield Aspect.HEADER, name, _presence(before is not None), _presence(after is not None)
            elif (self.values and before is not None and after is not None
                  and self.normaliser.text(before) != self.normaliser.text(after)):
                yield Aspect.HEADER, name, before, after

    # --- bodies ----------------------------------------------------------------------------------

    def bodies(self, a: Answer, b: Answer) -> list[Found]:
        if not self.values:
            return [(Aspect.BODY, path, old, new) for path, old, new in shape_differences(a.json, b.json)]
        shaped = list(shape_differences(a.structure, b.structure))
        found = [(Aspect.BODY, path, old, new) for path, old, new in shaped]
        covered = [path for path, *_ in shaped]
        (kind_a, value_a), (kind_b, value_b) = a.body, b.body
        if kind_a != kind_b:
            if "$" not in covered:
                found.append((Aspect.BODY, "$", f"{kind_a} body", f"{kind_b} body"))
            return found
        if kind_a in ("json", "archive"):
            values = list(self.value_differences(self.normaliser.value(value_a), self.normaliser.value(value_b),
                                                 "$", "", covered))
            if len(values) > MAX_VALUE_DIFFERENCES:
                extra = len(values) - MAX_VALUE_DIFFERENCES + 1
                values = [*values[:MAX_VALUE_DIFFERENCES - 1], ("…", f"{extra} more values differ", "")]
            found += [(Aspect.BODY, path, old, new) for path, old, new in values]
        elif kind_a == "text":
            found += [(Aspect.BODY, *d) for d in _text_difference(self.normaliser.text(value_a),
                                                                 self.normaliser.text(value_b))]
        elif value_a != value_b:
            found.append((Aspect.BODY, "$", str(value_a), str(value_b)))
        return found

    def value_differences(self, a: Any, b: Any, path: str, key: str,
                          covered: list[str]) -> Iterator[tuple[str, str, str]]:
        if _covered(path, covered):
            return
        if key in self.normaliser.profile.id_keys and not isinstance(a, dict | list):
            if not self.renaming.pair(a, b):
                yield path, _show(a), _show(b)
            return
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            for name in [*a, *(k for k in b if k not in a)]:
                where = f"{path}.{name}" if re.fullmatch(r"\w+", str(name)) else f"{path}[{json.dumps(name)}]"
                if name not in a or name not in b:
                    if not _covered(where, covered):
                        yield where, _presence(name in a), _presence(name in b)
                else:
                    yield from self.value_differences(a[name], b[name], where, str(name), covered)
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                yield path, f"{len(a)} items", f"{len(b)} items"
                return
            for index, (item_a, item_b) in enumerate(zip(a, b, strict=True)):
                yield from self.value_differences(item_a, item_b, f"{path}[{index}]", key, covered)
        elif json_type(a) != json_type(b) or a != b:
            yield path, _show(a), _show(b)


def _spaced(value: str) -> str:
    return value.replace(" ", "").lower()


def _presence(present: bool) -> str:
    return "present" if present else "absent"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def _covered(path: str, covered: list[str]) -> bool:
    generic = re.sub(r"\[\d+\]", "[]", path)
    return any(generic == c or generic.startswith((f"{c}.", f"{c}[")) for c in covered)


def _text_difference(a: str, b: str) -> Iterator[tuple[str, str, str]]:
    if a == b:
        return
    lines_a, lines_b = a.splitlines(), b.splitlines()
    for number, (line_a, line_b) in enumerate(zip(lines_a, lines_b, strict=False), 1):
        if line_a != line_b:
            yield f"line {number}", _clip(line_a), _clip(line_b)
            return
    yield "$", f"{len(lines_a)} lines", f"{len(lines_b)} lines"


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


# --- shapes --------------------------------------------------------------------------------------


def shape(document: Any, path: str = "$", out: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """JSON path → value types found there (``[]`` stands for every array item)."""
    out = {} if out is None else out
    kinds = out.setdefault(path, set())
    if isinstance(document, Mapping):
        kinds.add("object")
        for key, value in document.items():
            shape(value, f"{path}.{key}", out)
    elif isinstance(document, list):
        kinds.add("array" if document else "empty array")
        for item in document:
            shape(item, f"{path}[]", out)
    else:
        kinds.add(json_type(document))
    return out


def shape_differences(old: Any, new: Any) -> Iterator[tuple[str, str, str]]:
    """Paths present on one side only, or holding other types (null and empty arrays match anything)."""
    before, after = shape(old), shape(new)
    unknown = {path for path, kinds in (*before.items(), *after.items()) if kinds <= {"null", "empty array"}}
    reported = [prefix for path in unknown for prefix in (f"{path}.", f"{path}[")]

    def covered(path: str) -> bool:
        return any(path.startswith(prefix) for prefix in reported)

    for path in sorted(set(before) | set(after), key=lambda p: (p.count(".") + p.count("["), p)):
        if covered(path):
            continue
        old_kinds, new_kinds = before.get(path, set()) - {"null"}, after.get(path, set()) - {"null"}
        if path not in before or path not in after:
            yield path, _presence(path in before), _presence(path in after)
            reported.extend((f"{path}.", f"{path}["))
        elif old_kinds and new_kinds and old_kinds != new_kinds:
            yield path, " or ".join(sorted(old_kinds)), " or ".join(sorted(new_kinds))
            reported.extend((f"{path}.", f"{path}["))
