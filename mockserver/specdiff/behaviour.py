"""Behavioural diff: replay fixed requests against two versions of a live server and explain the
differences with the structural changes (or flag them as unexplained).

A ``Replay`` (``fixtures/<pack>/replays/*.yaml``) is a fixed list of request steps. Each step runs against
version A, then version B, so both see the same world. A step may offer request ``variants``
(query and body); each version gets the first one its spec accepts. Compared per step: the chosen
variant, the status, the response headers (names, media type) and the shape of the JSON body
(keys, value types, empty or not), never the values themselves.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import yaml

from mockserver.errors import ConfigurationError
from mockserver.pack import Pack
from mockserver.specdiff.compare import PARAMETER, Operation, operations
from mockserver.specdiff.model import Aspect, BehaviourReport, Change, Difference, Kind, Section, Severity, StepResult

VOLATILE_HEADERS = frozenset(
    {"date", "server", "content-length", "etag", "last-modified", "set-cookie", "connection", "transfer-encoding",
     "x-request-id", "age", "expires", "keep-alive", "vary"}
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclasses.dataclass(frozen=True)
class Variant:
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    body: Any = None


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    method: str
    path: str
    variants: tuple[Variant, ...] = (Variant(),)
    capture: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Replay:
    name: str
    steps: tuple[Step, ...]

    @classmethod
    def load(cls, pack: Pack, name_or_path: str) -> Replay:
        """A replay of ``pack`` by name (``fixtures/<pack>/replays/<name>.yaml``) or from a YAML file."""
        path = Path(name_or_path)
        if not path.suffix:
            path = pack.fixtures / "replays" / f"{name_or_path}.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            steps = tuple(
                Step(
                    name=raw["name"],
                    method=raw["method"].upper(),
                    path=raw["path"],
                    variants=tuple(Variant(v.get("query") or {}, v.get("body")) for v in raw.get("variants") or [{}]),
                    capture=raw.get("capture") or {},
                )
                for raw in data["steps"]
            )
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigurationError(f"cannot read replay {path}: {exc}") from exc
        return cls(data.get("name", path.stem), steps)


@dataclasses.dataclass(frozen=True)
class Side:
    """One version of the server: its label, URL prefix and (resolved) spec."""

    label: str
    base_path: str
    document: Mapping[str, Any]

    @classmethod
    def from_document(cls, label: str, document: Mapping[str, Any]) -> Side:
        servers = document.get("servers") or [{}]
        return cls(label, str(servers[0].get("url", "")).rstrip("/"), document)


@dataclasses.dataclass
class Exchange:
    """What one version answered to one step."""

    url: str
    variant: int
    operation: Operation | None
    status: int | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    json: Any = None
    borrowed: tuple[str, ...] = ()


def find_operation(document: Mapping[str, Any], method: str, path: str) -> Operation | None:
    """The operation of ``document`` that serves ``path`` (literal segments beat parameters)."""
    best: tuple[int, Operation] | None = None
    segments = path.strip("/").split("/")
    for (op_method, template), op in operations(document).items():
        parts = template.strip("/").split("/")
        if op_method != method.lower() or len(parts) != len(segments):
            continue
        if all(PARAMETER.fullmatch(p) or p == s for p, s in zip(parts, segments, strict=True)):
            literal = sum(not PARAMETER.fullmatch(p) for p in parts)
            if best is None or literal > best[0]:
                best = (literal, op)
    return best[1] if best else None


def accepts(op: Operation | None, variant: Variant) -> bool:
    """True if the operation's spec accepts the variant's query parameters and body."""
    if op is None:
        return False
    for parameter in op.parameters:
        if parameter.get("in") == "query" and parameter.get("required") and parameter.get("name") not in variant.query:
            return False
    body = op.spec.get("requestBody")
    if body is None:
        return variant.body is None
    schema = (body.get("content") or {}).get("application/json", {}).get("schema")
    if variant.body is None:
        return not body.get("required")
    from openapi_schema_validator import OAS30Validator

    return schema is None or bool(OAS30Validator(schema).is_valid(variant.body))


def replay(
    plan: Replay,
    client: httpx.Client,
    old: Side,
    new: Side,
    changes: Sequence[Change],
    token: str | None = None,
    auth_header: str = "Authorization",
) -> BehaviourReport:
    """Run every step against ``old`` then ``new`` (``token`` in ``auth_header``) and compare what they answered."""
    headers = {auth_header: token} if token else {}
    values: dict[str, dict[str, Any]] = {"old": {}, "new": {}}
    steps: list[StepResult] = []
    differences: list[Difference] = []
    for step in plan.steps:
        a = _send(client, old, step, values["old"], values["new"], headers)
        b = _send(client, new, step, values["new"], values["old"], headers)
        steps.append(StepResult(step.name, step.method, a.url, b.url, a.status, b.status))
        differences.extend(compare_exchanges(step, a, b, changes))
    return BehaviourReport(plan.name, old.base_path, new.base_path, tuple(steps), tuple(differences))


def _send(
    client: httpx.Client, side: Side, step: Step, own: dict[str, Any], other: dict[str, Any], headers: dict[str, str]
) -> Exchange:
    borrowed: list[str] = []

    def value(name: str) -> Any:
        if name not in own and name in other:
            borrowed.append(name)
        return own.get(name, other.get(name, f"{{{name}}}"))

    path = PLACEHOLDER.sub(lambda match: str(value(match.group(1))), step.path)
    op = find_operation(side.document, step.method, path)
    index = next((i for i, variant in enumerate(step.variants) if accepts(op, variant)), 0)
    variant = step.variants[index]
    url = side.base_path + path
    kwargs: dict[str, Any] = {"params": _fill(variant.query, value), "headers": headers}
    if variant.body is not None:
        kwargs["json"] = _fill(variant.body, value)
    exchange = Exchange(url, index, op, borrowed=tuple(borrowed))
    try:
        response = client.request(step.method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise ConfigurationError(f"{step.method} {url} failed: {exc}") from exc
    exchange.status = response.status_code
    exchange.headers = {k.lower(): v for k, v in response.headers.items()}
    if "json" in exchange.headers.get("content-type", ""):
        try:
            exchange.json = response.json()
        except ValueError:
            exchange.json = None
    if response.is_success:
        for name, pointer in step.capture.items():
            captured = json_path(exchange.json, pointer)
            if captured is not None:
                own[name] = captured
    return exchange


def _fill(value: Any, lookup: Callable[[str], Any]) -> Any:
    if isinstance(value, str) and (match := PLACEHOLDER.fullmatch(value)):
        return lookup(match.group(1))
    if isinstance(value, Mapping):
        return {key: _fill(item, lookup) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, lookup) for item in value]
    return value


def json_path(document: Any, pointer: str) -> Any:
    """The value at a simple JSON path (``$``, ``.key``, ``[0]``), None where there is none."""
    node = document
    for key, index in re.findall(r"\.(\w+)|\[(\d+)\]", pointer):
        if key and isinstance(node, Mapping):
            node = node.get(key)
        elif index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        else:
            return None
    return node


# --- comparison ----------------------------------------------------------------------------------


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
        kinds.add(_json_type(document))
    return out


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def compare_exchanges(step: Step, a: Exchange, b: Exchange, changes: Sequence[Change]) -> list[Difference]:
    """The differences between the two answers to one step, each with the changes that explain it."""
    relevant = _relevant(changes, a.operation, b.operation)
    served = b.operation or a.operation
    operation = served.label if served else f"{step.method} {step.path}"
    note = f"used the other version's {', '.join(a.borrowed + b.borrowed)}" if a.borrowed or b.borrowed else ""
    found: list[tuple[Aspect, str, str, str]] = []
    if a.variant != b.variant:
        found.append((Aspect.REQUEST, "request", _variant(step, a.variant), _variant(step, b.variant)))
    if a.status != b.status:
        found.append((Aspect.STATUS, "status", str(a.status), str(b.status)))
    else:
        found.extend(_header_differences(a.headers, b.headers))
        found.extend(_body_differences(a.json, b.json))
    return [
        Difference(step.name, operation, aspect, location, old, new,
                   tuple(c.id for c in explain(aspect, location, relevant, {str(a.status), str(b.status)})), note)
        for aspect, location, old, new in found
    ]


def _variant(step: Step, index: int) -> str:
    variant = step.variants[index]
    parts = [f"query {', '.join(variant.query)}" if variant.query else "no query"]
    if variant.body is not None:
        parts.append(f"{next(iter(shape(variant.body)['$']))} body")
    return f"variant {index + 1} ({', '.join(parts)})"


def _presence(present: bool) -> str:
    return "present" if present else "absent"


def _header_differences(old: Mapping[str, str], new: Mapping[str, str]) -> Iterator[tuple[Aspect, str, str, str]]:
    for name in sorted((set(old) | set(new)) - VOLATILE_HEADERS):
        if name == "content-type":
            before, after = old.get(name, "").split(";")[0], new.get(name, "").split(";")[0]
            if before != after:
                yield Aspect.HEADER, name, before or "absent", after or "absent"
        elif (name in old) != (name in new):
            yield Aspect.HEADER, name, "present" if name in old else "absent", "present" if name in new else "absent"


def _body_differences(old: Any, new: Any) -> Iterator[tuple[Aspect, str, str, str]]:
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
            yield Aspect.BODY, path, _presence(path in before), _presence(path in after)
            reported.extend((f"{path}.", f"{path}["))
        elif old_kinds and new_kinds and old_kinds != new_kinds:
            yield Aspect.BODY, path, " or ".join(sorted(old_kinds)), " or ".join(sorted(new_kinds))
            reported.extend((f"{path}.", f"{path}["))


# --- explanations --------------------------------------------------------------------------------


def _shape(label: str) -> str:
    method, _, path = label.partition(" ")
    return f"{method} {PARAMETER.sub('{}', path)}"


def _relevant(changes: Sequence[Change], *ops: Operation | None) -> list[Change]:
    keys = {_shape(op.label) for op in ops if op is not None}
    return [change for change in changes if _shape(change.operation) in keys]


def explain(aspect: Aspect, location: str, changes: Sequence[Change], statuses: set[str]) -> list[Change]:
    """The changes that account for a difference in ``aspect`` at ``location``."""
    return [change for change in changes if EXPLAINERS[aspect](change, location, statuses)]


def _request_side(change: Change) -> bool:
    return change.location.section.request_side and change.severity is not Severity.INFO


def _explains_status(change: Change, location: str, statuses: set[str]) -> bool:
    if change.kind in {Kind.RESPONSE_STATUS_ADDED, Kind.RESPONSE_STATUS_REMOVED}:
        return change.location.status in statuses
    return _request_side(change)


def _explains_header(change: Change, location: str, statuses: set[str]) -> bool:
    if location == "content-type":
        return change.kind in {Kind.MEDIA_TYPE_ADDED, Kind.MEDIA_TYPE_REMOVED} and change.location.status in statuses
    header = (change.location.parameter or "").lower()
    return change.location.section is Section.RESPONSE_HEADER and header == location


def _explains_body(change: Change, location: str, statuses: set[str]) -> bool:
    if change.location.section is not Section.RESPONSE or change.location.status not in statuses:
        return _request_side(change) and location == "$"
    paths = {change.location.json_path or "$", change.renamed_from or ""} - {""}
    return any(_related(path, location) for path in paths)


def _related(a: str, b: str) -> bool:
    return a == b or b.startswith((f"{a}.", f"{a}[")) or a.startswith((f"{b}.", f"{b}["))


EXPLAINERS: dict[Aspect, Callable[[Change, str, set[str]], bool]] = {
    Aspect.REQUEST: lambda change, location, statuses: change.location.section in {Section.PARAMETER,
                                                                                    Section.REQUEST_BODY},
    Aspect.STATUS: _explains_status,
    Aspect.HEADER: _explains_header,
    Aspect.BODY: _explains_body,
}
"""Per aspect of a difference: does a change explain it?"""
