"""``compare(old, new)``: the structural changes between two resolved OpenAPI 3 documents.

Operations are matched by method and path template; templates that differ only in the names of
their parameters (``/projects/{name}`` → ``/projects/{id}``) are the same operation with renamed
path parameters. Each matched operation is compared part by part (security, parameters, request
body, responses); schemas are compared by ``schema.diff_schema`` with the direction they flow in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from mockserver.compare.operations import Operation, operations, parameter_key
from mockserver.specdiff.model import Change, Kind, Location, Section, Severity, sort_key
from mockserver.specdiff.normalize import article, describe, identifier_swap
from mockserver.specdiff.schema import Context, Direction, describe_change, diff_schema


def match_operations(
    old: dict[tuple[str, str], Operation], new: dict[tuple[str, str], Operation]
) -> tuple[list[tuple[Operation, Operation]], list[Operation], list[Operation]]:
    """(matched pairs, removed, added): equal templates first, then templates equal up to names."""
    pairs = [(old[key], new[key]) for key in old if key in new]
    rest_old = {key: op for key, op in old.items() if key not in new}
    rest_new = {key: op for key, op in new.items() if key not in old}
    by_shape_old = _unique_by_shape(rest_old.values())
    by_shape_new = _unique_by_shape(rest_new.values())
    for shape, op in by_shape_old.items():
        if shape in by_shape_new:
            pairs.append((op, by_shape_new[shape]))
            rest_old.pop((op.method, op.path))
            rest_new.pop((by_shape_new[shape].method, by_shape_new[shape].path))
    return pairs, list(rest_old.values()), list(rest_new.values())


def _unique_by_shape(ops: Any) -> dict[tuple[str, str], Operation]:
    seen: dict[tuple[str, str], list[Operation]] = {}
    for op in ops:
        seen.setdefault(op.shape, []).append(op)
    return {shape: found[0] for shape, found in seen.items() if len(found) == 1}


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The changes from ``old`` to ``new`` (resolved OpenAPI 3 documents), sorted by operation."""
    pairs, removed, added = match_operations(operations(old), operations(new))
    changes: list[Change] = []
    for op in removed:
        reason = "operation removed; clients calling it break"
        changes.append(Change(op.label, Location(Section.OPERATION), Kind.OPERATION_REMOVED, Severity.BREAKING, reason))
    for op in added:
        reason = "new operation" + (f": {op.spec['summary']}" if op.spec.get("summary") else "")
        location = Location(Section.OPERATION)
        changes.append(Change(op.label, location, Kind.OPERATION_ADDED, Severity.NON_BREAKING, reason))
    for before, after in pairs:
        changes.extend(compare_operation(before, after))
    return sorted(changes, key=sort_key)


def compare_operation(old: Operation, new: Operation) -> Iterator[Change]:
    """The changes of one operation that exists in both documents."""
    yield from _path_renames(old, new)
    yield from _deprecation(old, new)
    yield from _security(old, new)
    yield from _parameters(old, new)
    yield from _request_body(old, new)
    yield from _responses(old, new)


def _change(op: Operation, section: Section, kind: Kind, severity: Severity, reason: str, **extra: Any) -> Change:
    location = Location(section, **{k: extra.pop(k) for k in ("status", "media_type", "parameter") if k in extra})
    return Change(op.label, location, kind, severity, reason, **extra)


# --- operation level -----------------------------------------------------------------------------


def _path_renames(old: Operation, new: Operation) -> Iterator[Change]:
    old_params = {p.get("name"): p for p in old.parameters if p.get("in") == "path"}
    new_params = {p.get("name"): p for p in new.parameters if p.get("in") == "path"}
    for before, after in zip(old.path_parameters, new.path_parameters, strict=True):
        if before == after:
            continue
        old_text = f"{before} {old_params.get(before, {}).get('description', '')}"
        new_text = f"{after} {new_params.get(after, {}).get('description', '')}"
        swap = identifier_swap(old_text, new_text)
        reason = f"path parameter `{{{before}}}` renamed to `{{{after}}}`"
        if swap:
            reason += f"; the route now takes {article(swap[1])} where it took {article(swap[0])}"
            severity = Severity.BREAKING
        else:
            reason += "; the URL clients send is unchanged"
            severity = Severity.NON_BREAKING
        yield _change(
            new, Section.PARAMETER, Kind.PATH_PARAMETER_RENAMED, severity, reason,
            parameter=f"path {after}", old=before, new=after, renamed_from=old.path,
        )


def _deprecation(old: Operation, new: Operation) -> Iterator[Change]:
    before, after = bool(old.spec.get("deprecated")), bool(new.spec.get("deprecated"))
    if before != after:
        kind = Kind.OPERATION_DEPRECATED if after else Kind.OPERATION_UNDEPRECATED
        reason = "operation is deprecated" if after else "operation is no longer deprecated"
        yield _change(new, Section.OPERATION, kind, Severity.INFO, reason)


def _security(old: Operation, new: Operation) -> Iterator[Change]:
    if old.security == new.security:
        return
    anonymous_before, anonymous_after = _anonymous(old.security), _anonymous(new.security)
    schemes_before, schemes_after = _schemes(old.security), _schemes(new.security)
    if anonymous_before and not anonymous_after:
        reason = f"now requires authentication ({', '.join(sorted(schemes_after))}); anonymous calls are rejected"
        yield _change(new, Section.SECURITY, Kind.SECURITY_CHANGED, Severity.BREAKING, reason,
                      old="anonymous allowed", new="authentication required")
    elif anonymous_after and not anonymous_before:
        reason = "now also answers anonymous calls (authentication optional)"
        yield _change(new, Section.SECURITY, Kind.SECURITY_CHANGED, Severity.NON_BREAKING, reason,
                      old="authentication required", new="anonymous allowed")
    if schemes_before and schemes_after and schemes_before != schemes_after and not anonymous_after:
        dropped = sorted(schemes_before - schemes_after)
        before, after = ", ".join(sorted(schemes_before)), ", ".join(sorted(schemes_after))
        reason = f"security schemes changed from {before} to {after}"
        reason += f"; clients authenticating with {', '.join(dropped)} are rejected" if dropped else ""
        severity = Severity.BREAKING if dropped else Severity.NON_BREAKING
        yield _change(new, Section.SECURITY, Kind.SECURITY_CHANGED, severity, reason, old=before, new=after)


def _anonymous(security: tuple[Mapping[str, Any], ...] | None) -> bool:
    return not security or any(not requirement for requirement in security)


def _schemes(security: tuple[Mapping[str, Any], ...] | None) -> set[str]:
    return {name for requirement in security or () for name in requirement}


# --- parameters ----------------------------------------------------------------------------------


def _parameters(old: Operation, new: Operation) -> Iterator[Change]:
    renamed = dict(zip(old.path_parameters, new.path_parameters, strict=True))
    before = {_key(p, renamed): p for p in old.parameters}
    after = {_key(p, renamed): p for p in new.parameters}
    moved = {name for where, name in before if (where, name) not in after and any(n == name for _, n in after)}
    for key, parameter in after.items():
        if key in before:
            yield from _common_parameter(new, before[key], parameter)
        elif key[1] in moved:
            old_in = next(where for where, name in before if name == key[1] and (where, name) not in after)
            reason = f"parameter `{key[1]}` moved from {old_in} to {key[0]}; clients sending it in the {old_in} break"
            yield _change(new, Section.PARAMETER, Kind.PARAMETER_LOCATION_CHANGED, Severity.BREAKING, reason,
                          parameter=f"{key[0]} {key[1]}", old=old_in, new=key[0])
        else:
            yield _added_parameter(new, parameter)
    for key, parameter in before.items():
        if key not in after and key[1] not in moved:
            reason = f"{key[0]} parameter `{key[1]}` removed; clients sending it may be ignored or rejected"
            yield _change(new, Section.PARAMETER, Kind.PARAMETER_REMOVED, Severity.POTENTIALLY_BREAKING, reason,
                          parameter=f"{key[0]} {key[1]}", old=describe(parameter.get("schema", {})))


def _key(parameter: Mapping[str, Any], renamed: Mapping[str, str]) -> tuple[str, str]:
    where, name = parameter_key(parameter)
    return (where, renamed.get(name, name)) if where == "path" else (where, name)


def _added_parameter(op: Operation, parameter: Mapping[str, Any]) -> Change:
    where, name = str(parameter.get("in")), str(parameter.get("name"))
    schema = describe(parameter.get("schema", {}))
    if parameter.get("required"):
        reason = f"new required {where} parameter `{name}` ({schema}); clients that do not send it are rejected"
        severity = Severity.BREAKING
    else:
        reason = f"new optional {where} parameter `{name}` ({schema})"
        severity = Severity.NON_BREAKING
    label = f"{where} {name}"
    return _change(op, Section.PARAMETER, Kind.PARAMETER_ADDED, severity, reason, parameter=label, new=schema)


def _common_parameter(op: Operation, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[Change]:
    where, name = str(new.get("in")), str(new.get("name"))
    label = f"{where} {name}"
    before, after = bool(old.get("required")), bool(new.get("required"))
    if before != after:
        if after:
            kind, severity = Kind.PARAMETER_BECAME_REQUIRED, Severity.BREAKING
            reason = f"{where} parameter `{name}` is now required; clients that do not send it are rejected"
        else:
            kind, severity = Kind.PARAMETER_BECAME_OPTIONAL, Severity.NON_BREAKING
            reason = f"{where} parameter `{name}` is now optional"
        yield _change(op, Section.PARAMETER, kind, severity, reason, parameter=label,
                      old="required" if before else "optional", new="required" if after else "optional")
    if not old.get("deprecated") and new.get("deprecated"):
        yield _change(op, Section.PARAMETER, Kind.PARAMETER_DEPRECATED, Severity.INFO,
                      f"{where} parameter `{name}` is deprecated", parameter=label)
    context = Context(op.label, Location(Section.PARAMETER, parameter=label), Direction.REQUEST)
    if where != "path" or old.get("name") == new.get("name"):
        yield from describe_change(old.get("description"), new.get("description"), context, "$", f"`{name}`")
    yield from diff_schema(old.get("schema", {}), new.get("schema", {}), context)


# --- request body and responses ------------------------------------------------------------------


def _request_body(old: Operation, new: Operation) -> Iterator[Change]:
    before, after = old.spec.get("requestBody"), new.spec.get("requestBody")
    if before is None and after is None:
        return
    if before is None or after is None:
        yield _body_presence(new, before, after)
        return
    was, now = bool(before.get("required")), bool(after.get("required"))
    if was != now:
        kind = Kind.REQUEST_BODY_BECAME_REQUIRED if now else Kind.REQUEST_BODY_BECAME_OPTIONAL
        severity = Severity.BREAKING if now else Severity.NON_BREAKING
        reason = f"request body is now {'required' if now else 'optional'}"
        yield _change(new, Section.REQUEST_BODY, kind, severity, reason)
    yield from _content(new, before.get("content", {}), after.get("content", {}), Location(Section.REQUEST_BODY),
                        Direction.REQUEST)


def _body_presence(op: Operation, before: Any, after: Any) -> Change:
    if before is None:
        required = bool(after.get("required"))
        severity = Severity.BREAKING if required else Severity.NON_BREAKING
        reason = f"new {'required' if required else 'optional'} request body"
        return _change(op, Section.REQUEST_BODY, Kind.REQUEST_BODY_ADDED, severity, reason)
    reason = "request body removed; clients sending one may be rejected"
    return _change(op, Section.REQUEST_BODY, Kind.REQUEST_BODY_REMOVED, Severity.POTENTIALLY_BREAKING, reason)


def _content(
    op: Operation, before: Mapping[str, Any], after: Mapping[str, Any], location: Location, direction: Direction
) -> Iterator[Change]:
    section, status = location.section, location.status
    for media_type in before:
        if media_type not in after:
            what = "clients sending it are rejected" if direction is Direction.REQUEST else "clients expecting it break"
            yield _change(op, section, Kind.MEDIA_TYPE_REMOVED, Severity.BREAKING,
                          f"media type {media_type} removed; {what}", status=status, media_type=media_type)
    for media_type, content in after.items():
        if media_type not in before:
            yield _change(op, section, Kind.MEDIA_TYPE_ADDED, Severity.NON_BREAKING, f"new media type {media_type}",
                          status=status, media_type=media_type)
            continue
        context = Context(op.label, dataclasses.replace(location, media_type=media_type), direction)
        yield from diff_schema(before[media_type].get("schema", {}), content.get("schema", {}), context)


def _responses(old: Operation, new: Operation) -> Iterator[Change]:
    before: Mapping[str, Any] = old.spec.get("responses") or {}
    after: Mapping[str, Any] = new.spec.get("responses") or {}
    for status in before:
        if status not in after:
            success = str(status).startswith(("2", "3"))
            severity = Severity.BREAKING if success else Severity.POTENTIALLY_BREAKING
            reason = f"response status {status} removed" + ("; clients expecting it break" if success else "")
            yield _change(new, Section.RESPONSE, Kind.RESPONSE_STATUS_REMOVED, severity, reason, status=str(status))
    for status, response in after.items():
        location = Location(Section.RESPONSE, status=str(status))
        if status not in before:
            yield _change(new, Section.RESPONSE, Kind.RESPONSE_STATUS_ADDED, Severity.NON_BREAKING,
                          f"new response status {status}", status=str(status))
            continue
        yield from _headers(new, str(status), before[status].get("headers") or {}, response.get("headers") or {})
        yield from _content(new, before[status].get("content") or {}, response.get("content") or {}, location,
                            Direction.RESPONSE)


def _headers(op: Operation, status: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> Iterator[Change]:
    old = {name.lower(): (name, header) for name, header in before.items()}
    new = {name.lower(): (name, header) for name, header in after.items()}
    for key, (name, header) in old.items():
        if key not in new:
            required = bool(header.get("required"))
            severity = Severity.BREAKING if required else Severity.POTENTIALLY_BREAKING
            yield _change(op, Section.RESPONSE_HEADER, Kind.RESPONSE_HEADER_REMOVED, severity,
                          f"response header {name} removed", status=status, parameter=name)
    for key, (name, header) in new.items():
        if key not in old:
            yield _change(op, Section.RESPONSE_HEADER, Kind.RESPONSE_HEADER_ADDED, Severity.NON_BREAKING,
                          f"new response header {name}", status=status, parameter=name)
            continue
        location = Location(Section.RESPONSE_HEADER, status=status, parameter=name)
        context = Context(op.label, location, Direction.RESPONSE)
        yield from diff_schema(old[key][1].get("schema", {}), header.get("schema", {}), context)
