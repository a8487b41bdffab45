"""Schema comparison: a direction-aware diff of normalized schemas that yields ``Change``s.

A change's severity depends on the direction the data flows: a new enum value is harmless in a
request (the server accepts more) but may break clients in a response (they receive something
unexpected). Fixed rules live in ``RULES`` as ``(request severity, response severity)``.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import re
from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.specdiff.model import Change, Kind, Location, Section, Severity
from mockserver.specdiff.normalize import article, describe, identifier_swap, normalize, schema_type

BREAKS, MAY_BREAK, SAFE, INFO = Severity.BREAKING, Severity.POTENTIALLY_BREAKING, Severity.NON_BREAKING, Severity.INFO

RULES: dict[Kind, tuple[Severity, Severity]] = {
    Kind.PROPERTY_BECAME_REQUIRED: (BREAKS, SAFE),
    Kind.PROPERTY_BECAME_OPTIONAL: (SAFE, MAY_BREAK),
    Kind.PROPERTY_DEPRECATED: (INFO, INFO),
    Kind.FORMAT_CHANGED: (MAY_BREAK, MAY_BREAK),
    Kind.ENUM_VALUE_ADDED: (SAFE, MAY_BREAK),
    Kind.ENUM_VALUE_REMOVED: (BREAKS, SAFE),
    Kind.ENUM_ADDED: (BREAKS, SAFE),
    Kind.ENUM_REMOVED: (SAFE, MAY_BREAK),
    Kind.BECAME_NULLABLE: (SAFE, BREAKS),
    Kind.BECAME_NON_NULLABLE: (BREAKS, SAFE),
    Kind.CONSTRAINT_TIGHTENED: (BREAKS, SAFE),
    Kind.CONSTRAINT_LOOSENED: (SAFE, MAY_BREAK),
    Kind.CONSTRAINT_CHANGED: (MAY_BREAK, MAY_BREAK),
    Kind.DEFAULT_CHANGED: (MAY_BREAK, INFO),
    Kind.VARIANT_ADDED: (SAFE, MAY_BREAK),
    Kind.VARIANT_REMOVED: (BREAKS, SAFE),
    Kind.IDENTIFIER_CHANGED: (BREAKS, BREAKS),
    Kind.DESCRIPTION_CHANGED: (INFO, INFO),
}
"""Severity of a kind of schema change as ``(in a request, in a response)``."""

LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")
WIDER_TYPES = {"integer": "number"}
"""A value of the key type is also a value of the mapped type."""


ROOTS = {Section.REQUEST_BODY: "request body", Section.RESPONSE: "response body", Section.PARAMETER: "parameter"}
"""What the root (``$``) of a schema is, per section."""


class Direction(enum.Enum):
    REQUEST = "request"
    RESPONSE = "response"


@dataclasses.dataclass(frozen=True)
class Context:
    """Where a schema sits: the operation, the base location and the direction the data flows."""

    operation: str
    location: Location
    direction: Direction

    def change(self, kind: Kind, path: str, reason: str, severity: Severity | None = None, **extra: Any) -> Change:
        if severity is None:
            request, response = RULES[kind]
            severity = request if self.direction is Direction.REQUEST else response
        location = dataclasses.replace(self.location, json_path=path)
        return Change(self.operation, location, kind, severity, reason, **extra)

    @property
    def request(self) -> bool:
        return self.direction is Direction.REQUEST


# --- comparison ----------------------------------------------------------------------------------


def diff_schema(old: Any, new: Any, context: Context, path: str = "$") -> Iterator[Change]:
    """The changes from ``old`` to ``new`` (raw or normalized schemas) at ``path``."""
    if old == new:
        return
    yield from _compare(normalize(old), normalize(new), context, path)


def _compare(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    if old == new:
        return
    if old.get("anyOf") or old.get("oneOf") or new.get("anyOf") or new.get("oneOf"):
        yield from _nullability(old, new, ctx, path)
        yield from _variants(old, new, ctx, path)
        return
    old_type, new_type = schema_type(old), schema_type(new)
    if old_type != new_type:
        yield _type_change(old, new, ctx, path)
        return
    for check in (_nullability, _format, _enum, _constraints, _default, _additional_properties):
        yield from check(old, new, ctx, path)
    if new_type == "array" or "items" in old or "items" in new:
        yield from _compare(old.get("items", {}), new.get("items", {}), ctx, f"{path}[]")
    yield from _properties(old, new, ctx, path)


def _type_change(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Change:
    old_type, new_type = schema_type(old), schema_type(new)
    if ctx.request:
        harmless = new_type is None or WIDER_TYPES.get(old_type or "") == new_type
    else:
        harmless = old_type is None or WIDER_TYPES.get(new_type or "") == old_type
    what = ROOTS.get(ctx.location.section, "value") if path == "$" else "value"
    reason = f"{what} type changed from {describe(old, True)} to {describe(new, True)}"
    if not harmless:
        reason += "; clients " + ("must send the new type" if ctx.request else "reading the old type break")
    severity = Severity.NON_BREAKING if harmless else Severity.BREAKING
    return ctx.change(Kind.TYPE_CHANGED, path, reason, severity, old=describe(old), new=describe(new))


def _nullability(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before, after = bool(old.get("nullable")), bool(new.get("nullable"))
    if before == after:
        return
    if after:
        reason = "may now be null" + ("" if ctx.request else "; clients must handle null")
        yield ctx.change(Kind.BECAME_NULLABLE, path, reason, old="not nullable", new="nullable")
    else:
        reason = "may no longer be null" + ("; clients sending null are rejected" if ctx.request else "")
        yield ctx.change(Kind.BECAME_NON_NULLABLE, path, reason, old="nullable", new="not nullable")


def _format(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before, after = old.get("format"), new.get("format")
    if before == after:
        return
    severity = None
    if before is None:
        severity = Severity.POTENTIALLY_BREAKING if ctx.request else Severity.NON_BREAKING
    elif after is None:
        severity = Severity.NON_BREAKING if ctx.request else Severity.POTENTIALLY_BREAKING
    reason = f"format changed from {before or 'none'} to {after or 'none'}"
    yield ctx.change(Kind.FORMAT_CHANGED, path, reason, severity, old=before, new=after)


def _enum(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None or after is None:
        kind = Kind.ENUM_ADDED if before is None else Kind.ENUM_REMOVED
        values = ", ".join(map(str, after or before or []))
        reason = f"now restricted to {values}" if before is None else f"no longer restricted to {values}"
        yield ctx.change(kind, path, reason, old=_values(before), new=_values(after))
        return
    added = [value for value in after if value not in before]
    removed = [value for value in before if value not in after]
    if added:
        reason = f"new enum value(s) {_values(added)}" + ("" if ctx.request else "; clients must handle them")
        yield ctx.change(Kind.ENUM_VALUE_ADDED, path, reason, old=_values(before), new=_values(after))
    if removed:
        reason = f"enum value(s) {_values(removed)} removed"
        reason += "; clients sending them are rejected" if ctx.request else ""
        yield ctx.change(Kind.ENUM_VALUE_REMOVED, path, reason, old=_values(before), new=_values(after))


def _values(values: list[Any] | None) -> str | None:
    return None if values is None else ", ".join(str(value) for value in values)


def _constraints(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    for key in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if after is None:
            tightened = False
        elif before is None:
            tightened = True
        else:
            tightened = after > before if key in LOWER_BOUNDS else after < before
        kind = Kind.CONSTRAINT_TIGHTENED if tightened else Kind.CONSTRAINT_LOOSENED
        yield ctx.change(kind, path, _constraint_reason(key, before, after), old=_text(before), new=_text(after))
    for key in ("pattern", "multipleOf", "uniqueItems"):
        before, after = old.get(key), new.get(key)
        if before == after or (key == "uniqueItems" and not before and not after):
            continue
        kind = Kind.CONSTRAINT_CHANGED
        if not before:
            kind = Kind.CONSTRAINT_TIGHTENED
        elif not after:
            kind = Kind.CONSTRAINT_LOOSENED
        yield ctx.change(kind, path, _constraint_reason(key, before, after), old=_text(before), new=_text(after))


def _constraint_reason(key: str, before: Any, after: Any) -> str:
    if before is None or before is False:
        return f"new constraint {key} `{after}`"
    if after is None or after is False:
        return f"constraint {key} `{before}` removed"
    return f"{key} changed from `{before}` to `{after}`"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _default(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    if old.get("default") != new.get("default"):
        before, after = _text(old.get("default")), _text(new.get("default"))
        reason = f"default changed from {before} to {after}"
        yield ctx.change(Kind.DEFAULT_CHANGED, path, reason, old=before, new=after)


def _additional_properties(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        yield from _compare(dict(before), dict(after), ctx, f"{path}.*")
        return
    closed_before, closed_after = before is False, after is False
    if closed_before == closed_after:
        return
    severity = Severity.INFO
    if ctx.request:
        severity = Severity.BREAKING if closed_after else Severity.NON_BREAKING
    reason = "no longer accepts unknown properties" if closed_after else "now allows unknown properties"
    yield ctx.change(Kind.ADDITIONAL_PROPERTIES_CHANGED, path, reason, severity, old=str(before), new=str(after))


def _variants(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before, after = _branches(old), _branches(new)
    pairs = _pair_variants(before, after)
    paired_old = {i for i, _ in pairs}
    paired_new = {j for _, j in pairs}
    for i, j in pairs:
        yield from _compare(before[i], after[j], ctx, path)
    for j, branch in enumerate(after):
        if j not in paired_new:
            reason = f"new alternative {describe(branch, True)}"
            reason += "" if ctx.request else "; clients must handle it"
            yield ctx.change(Kind.VARIANT_ADDED, path, reason, new=describe(branch))
    for i, branch in enumerate(before):
        if i not in paired_old:
            reason = f"alternative {describe(branch, True)} removed"
            yield ctx.change(Kind.VARIANT_REMOVED, path, reason, old=describe(branch))


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    branches = schema.get("anyOf") or schema.get("oneOf")
    if not branches:
        return [{k: v for k, v in schema.items() if k not in {"description", "nullable"}}]
    return [dict(branch) for branch in branches]


def _pair_variants(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[tuple[int, int]]:
    scored = sorted(
        ((_similarity(a, b), i, j) for i, a in enumerate(before) for j, b in enumerate(after)),
        key=lambda item: -item[0],
    )
    pairs: list[tuple[int, int]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in scored:
        if score > 0 and i not in used_old and j not in used_new:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    return pairs


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    if a == b:
        return 3.0
    if schema_type(a) != schema_type(b):
        return 0.0
    names_a, names_b = set(a.get("properties", {})), set(b.get("properties", {}))
    if not names_a and not names_b:
        return 1.0
    return 2 * len(names_a & names_b) / len(names_a | names_b)


# --- properties ----------------------------------------------------------------------------------


def _properties(old: dict[str, Any], new: dict[str, Any], ctx: Context, path: str) -> Iterator[Change]:
    before: dict[str, Any] = old.get("properties", {})
    after: dict[str, Any] = new.get("properties", {})
    required_before, required_after = set(old.get("required", ())), set(new.get("required", ()))
    removed = [name for name in before if name not in after]
    added = [name for name in after if name not in before]
    renames = pair_renames(before, after, removed, added, required_before, required_after)
    for old_name, new_name in renames:
        yield from _renamed(old_name, new_name, before, after, new_name in required_after, ctx, path)
    renamed_old = {o for o, _ in renames}
    renamed_new = {n for _, n in renames}
    for name in removed:
        if name not in renamed_old:
            yield _removed(name, before[name], name in required_before, ctx, path)
    for name in added:
        if name not in renamed_new:
            yield _added(name, after[name], name in required_after, ctx, path)
    for name in after:
        if name in before:
            yield from _common_property(name, before[name], after[name], required_before, required_after, ctx, path)


def pair_renames(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    removed: list[str],
    added: list[str],
    required_before: set[str],
    required_after: set[str],
) -> list[tuple[str, str]]:
    """Removed and added properties of one object that are the same field under a new name.

    A pair qualifies when either description names the other property, when the names are similar
    and the types equal, or when it is the only removal and the only addition, both have the same
    role (both required or both optional) and the same schema apart from documentation. Best-scored
    pairs are taken first.
    """
    candidates: list[tuple[float, str, str]] = []
    for old_name in removed:
        for new_name in added:
            score = _rename_score(old_name, new_name, before[old_name], after[new_name])
            same_role = (old_name in required_before) == (new_name in required_after)
            only = len(removed) == 1 and len(added) == 1
            if score == 0 and same_role and only and _bare(before[old_name]) == _bare(after[new_name]):
                score = 0.5
            if score > 0:
                candidates.append((score, old_name, new_name))
    pairs: list[tuple[str, str]] = []
    for _, old_name, new_name in sorted(candidates, key=lambda item: -item[0]):
        if all(old_name != o and new_name != n for o, n in pairs):
            pairs.append((old_name, new_name))
    return pairs


def _rename_score(old_name: str, new_name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> float:
    score = 0.0
    if _mentions(new.get("description"), old_name) or _mentions(old.get("description"), new_name):
        score += 3
    if difflib.SequenceMatcher(None, old_name.lower(), new_name.lower()).ratio() >= 0.6 and (
        schema_type(old) == schema_type(new)
    ):
        score += 2
    return score


def _bare(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in {"description", "title", "example", "examples", "deprecated"}}


def _mentions(text: Any, name: str) -> bool:
    return isinstance(text, str) and re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text) is not None


def _renamed(
    old_name: str,
    new_name: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    required: bool,
    ctx: Context,
    path: str,
) -> Iterator[Change]:
    old, new = before[old_name], after[new_name]
    if ctx.request:
        severity = Severity.BREAKING if required else Severity.POTENTIALLY_BREAKING
        consequence = f"clients must send `{new_name}` instead of `{old_name}`"
    else:
        severity = Severity.BREAKING
        consequence = f"clients reading `{old_name}` must read `{new_name}`"
    verb = "renamed to" if schema_type(old) == schema_type(new) else "replaced by"
    reason = f"`{old_name}` ({describe(old)}) {verb} `{new_name}` ({describe(new)}); {consequence}"
    yield ctx.change(
        Kind.PROPERTY_RENAMED, f"{path}.{new_name}", reason, severity,
        old=old_name, new=new_name, renamed_from=f"{path}.{old_name}",
    )
    if schema_type(old) == schema_type(new):
        yield from _compare(old, new, ctx, f"{path}.{new_name}")


def _removed(name: str, schema: Mapping[str, Any], required: bool, ctx: Context, path: str) -> Change:
    if ctx.request:
        severity = Severity.POTENTIALLY_BREAKING
        reason = f"property `{name}` ({describe(schema)}) removed; clients sending it may be ignored or rejected"
    else:
        severity = Severity.BREAKING if required else Severity.POTENTIALLY_BREAKING
        reason = f"{'required' if required else 'optional'} property `{name}` ({describe(schema)}) removed"
        reason += "; clients reading it break"
    return ctx.change(Kind.PROPERTY_REMOVED, f"{path}.{name}", reason, severity, old=describe(schema))


def _added(name: str, schema: Mapping[str, Any], required: bool, ctx: Context, path: str) -> Change:
    if ctx.request and required:
        severity = Severity.BREAKING
        reason = f"new required property `{name}` ({describe(schema)}); clients must send it"
    else:
        severity = Severity.NON_BREAKING
        reason = f"new {'required' if required else 'optional'} property `{name}` ({describe(schema)})"
    return ctx.change(Kind.PROPERTY_ADDED, f"{path}.{name}", reason, severity, new=describe(schema))


def _common_property(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    required_before: set[str],
    required_after: set[str],
    ctx: Context,
    path: str,
) -> Iterator[Change]:
    here = f"{path}.{name}"
    was, now = name in required_before, name in required_after
    if was != now:
        kind = Kind.PROPERTY_BECAME_REQUIRED if now else Kind.PROPERTY_BECAME_OPTIONAL
        reason = f"`{name}` is now {'required' if now else 'optional'}"
        if ctx.request and now:
            reason += "; clients must send it"
        elif not ctx.request and not now:
            reason += "; clients must not rely on it being present"
        yield ctx.change(kind, here, reason, old=_required(was), new=_required(now))
    if not old.get("deprecated") and new.get("deprecated"):
        yield ctx.change(Kind.PROPERTY_DEPRECATED, here, f"`{name}` is deprecated")
    yield from describe_change(old.get("description"), new.get("description"), ctx, here, f"`{name}`")
    yield from _compare(old, new, ctx, here)


def _required(flag: bool) -> str:
    return "required" if flag else "optional"


def describe_change(old: Any, new: Any, ctx: Context, path: str, subject: str) -> Iterator[Change]:
    """A change of documentation: an identifier swap (``name`` → ``id``) or just new wording."""
    if old == new or not isinstance(old, str) or not isinstance(new, str):
        return
    swap = identifier_swap(old, new)
    if swap:
        reason = (
            f"{subject} now takes {article(swap[1])} instead of {article(swap[0])}"
            f" (documentation: {_quote(old)} → {_quote(new)})"
        )
        yield ctx.change(Kind.IDENTIFIER_CHANGED, path, reason, old=swap[0], new=swap[1])
    else:
        yield ctx.change(Kind.DESCRIPTION_CHANGED, path, f"description of {subject} changed", old=old, new=new)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text[: limit - 1]}…"' if len(text) > limit else f'"{text}"'
