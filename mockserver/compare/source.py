"""What a comparison sends: a ``Plan`` of steps, from a replay (``fixtures/<pack>/replays/*.yaml``: request steps
with variants and captures) or from the entries of a HAR file (each request as recorded).

A replay's ``{name}`` in a path (and a string value that is exactly ``{name}``) is a value an earlier step of the
same side captured (``capture: {name: <JSON path>}``); when that side could not capture it, the other side's value
is used. A step may offer request ``variants`` (query and body); each side gets the first one its spec accepts.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from mockserver import har
from mockserver.compare.operations import Operation, find_operation
from mockserver.errors import ConfigurationError
from mockserver.pack import Pack

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NOT_RESENT = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive", "accept-encoding",
                        "upgrade", "te", "trailer", "proxy-connection"})
"""Request headers a HAR entry recorded that belong to its connection, not to the request."""


@dataclasses.dataclass(frozen=True)
class Side:
    """One server of a comparison: its label, where it is, the spec of the version it serves, what to send along."""

    label: str
    origin: str
    """``scheme://host:port`` (``""`` when the client has a base URL: an in-process mock)."""
    base_path: str = ""
    """Where the version's paths are (``/api/v5``); replay paths are relative to it, HAR targets are not."""
    document: Mapping[str, Any] | None = None
    """The version's resolved spec: operations to name, variants to choose (None: none known)."""
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Sent with every request (credentials), replacing recorded ones of the same name."""

    @property
    def url(self) -> str:
        return self.origin + self.base_path

    def operation(self, method: str, path: str) -> Operation | None:
        return find_operation(self.document, method, path)


@dataclasses.dataclass(frozen=True)
class Prepared:
    """One step's request for one side."""

    method: str
    url: str
    target: str
    """Path and query as shown in reports (``GET /api/tasks?page=2``)."""
    operation: Operation | None
    send: Mapping[str, Any]
    """Keyword arguments of ``httpx.Client.request`` besides method and URL."""
    variant: int = 0
    variant_label: str = ""
    borrowed: tuple[str, ...] = ()


Values = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Variant:
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    body: Any = None


@dataclasses.dataclass(frozen=True)
class Step:
    """A replay step: a request template with variants and the values to capture from a success."""

    name: str
    method: str
    path: str
    variants: tuple[Variant, ...] = (Variant(),)
    capture: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def prepare(self, side: Side, own: Values, other: Values) -> Prepared:
        borrowed: list[str] = []

        def value(name: str) -> Any:
            if name not in own and name in other:
                borrowed.append(name)
            return own.get(name, other.get(name, f"{{{name}}}"))

        path = PLACEHOLDER.sub(lambda match: str(value(match.group(1))), self.path)
        op = side.operation(self.method, path)
        index = next((i for i, variant in enumerate(self.variants) if accepts(op, variant)), 0)
        variant = self.variants[index]
        send: dict[str, Any] = {"params": fill(variant.query, value), "headers": dict(side.headers)}
        if variant.body is not None:
            send["json"] = fill(variant.body, value)
        query = "&".join(f"{k}={v}" for k, v in send["params"].items())
        return Prepared(self.method, side.url + path, path + (f"?{query}" if query else ""), op, send, index,
                        self.variant_label(index), tuple(borrowed))

    def variant_label(self, index: int) -> str:
        variant = self.variants[index]
        parts = [f"query {', '.join(variant.query)}" if variant.query else "no query"]
        if variant.body is not None:
            parts.append(f"{json_type(variant.body)} body")
        return f"variant {index + 1} ({', '.join(parts)})"

    def captured(self, document: Any) -> Values:
        """The values this step captures from a successful answer's JSON."""
        found = {name: json_path(document, pointer) for name, pointer in self.capture.items()}
        return {name: value for name, value in found.items() if value is not None}


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A recorded request (a HAR entry), sent as it was to each side's origin."""

    name: str
    request: har.Request

    @property
    def method(self) -> str:
        return self.request.method

    def prepare(self, side: Side, own: Values, other: Values) -> Prepared:
        request = self.request
        path = urlsplit(request.url).path or "/"
        within = path[len(side.base_path):] if side.base_path and path.startswith(side.base_path + "/") else path
        headers = {name: value for name, value in request.headers
                   if name.lower() not in NOT_RESENT and value != har.REDACTED and not name.startswith(":")}
        wanted = {name.lower() for name in side.headers}
        headers = {name: value for name, value in headers.items() if name.lower() not in wanted}
        send: dict[str, Any] = {"headers": {**headers, **side.headers}}
        if request.body:
            send["content"] = request.body
        return Prepared(request.method, side.origin + request.target, request.target,
                        side.operation(request.method, within), send)

    def captured(self, document: Any) -> Values:
        return {}


@dataclasses.dataclass(frozen=True)
class Plan:
    """The steps of a comparison, in order, and the name reports give them."""

    name: str
    steps: tuple[Step | Recorded, ...]

    @classmethod
    def load(cls, pack: Pack, name_or_path: str) -> Plan:
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

    @classmethod
    def from_har(cls, path: Path) -> Plan:
        """The requests of a HAR file, named by their comments (else ``METHOD target``)."""
        entries = har.read(path)
        if not entries:
            raise ConfigurationError(f"{path} holds no entries")
        return cls(path.name, tuple(Recorded(entry.comment or f"{entry.request.method} {entry.request.target}",
                                             entry.request) for entry in entries))


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


def fill(value: Any, lookup: Callable[[str], Any]) -> Any:
    """``value`` with every string that is exactly ``{name}`` replaced by ``lookup(name)``."""
    if isinstance(value, str) and (match := PLACEHOLDER.fullmatch(value)):
        return lookup(match.group(1))
    if isinstance(value, Mapping):
        return {key: fill(item, lookup) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, lookup) for item in value]
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


def json_type(value: Any) -> str:
    """The JSON type of a parsed value: object, array, string, number, boolean or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"
