"""The operations of an OpenAPI 3 document, and which one serves a request (``find_operation``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from mockserver.errors import ConfigurationError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER = re.compile(r"\{([^}]*)\}")


@dataclasses.dataclass(frozen=True)
class Operation:
    """One operation of a document, with path-level parameters merged in."""

    method: str
    path: str
    spec: Mapping[str, Any]
    parameters: tuple[Mapping[str, Any], ...]
    security: tuple[Mapping[str, Any], ...] | None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def shape(self) -> tuple[str, str]:
        """Method and path template with parameter names blanked out."""
        return self.method, PARAMETER.sub("{}", self.path)

    @property
    def path_parameters(self) -> list[str]:
        return PARAMETER.findall(self.path)


def operations(document: Mapping[str, Any]) -> dict[tuple[str, str], Operation]:
    """Every operation of ``document`` keyed by (method, path template)."""
    if not isinstance(document, Mapping) or not str(document.get("openapi", "")).startswith("3"):
        raise ConfigurationError("not an OpenAPI 3 document (no `openapi: 3.x` key)")
    default_security = document.get("security")
    found: dict[tuple[str, str], Operation] = {}
    for path, item in (document.get("paths") or {}).items():
        shared = {parameter_key(p): p for p in item.get("parameters", ())}
        for method in METHODS:
            spec = item.get(method)
            if not isinstance(spec, Mapping):
                continue
            own = {parameter_key(p): p for p in spec.get("parameters", ())}
            security = spec.get("security", default_security)
            found[(method, path)] = Operation(
                method, path, spec, tuple({**shared, **own}.values()), None if security is None else tuple(security)
            )
    return found


def parameter_key(parameter: Mapping[str, Any]) -> tuple[str, str]:
    where, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
    return where, name.lower() if where == "header" else name


def find_operation(document: Mapping[str, Any] | None, method: str, path: str) -> Operation | None:
    """The operation of ``document`` that serves ``path`` (literal segments beat parameters)."""
    if document is None:
        return None
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


def base_path(document: Mapping[str, Any] | None) -> str:
    """The path of the document's first server URL (``/api/v5``; ``""`` at the root)."""
    servers = (document or {}).get("servers") or [{}]
    return str(servers[0].get("url", "")).rstrip("/")
