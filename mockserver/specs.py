"""Loading the hand-written OpenAPI documents: YAML parsed once per file, relative ``$ref``s resolved.

Every version document shares component and path files; parsing each file once for all versions
and resolving references into fresh objects (no shared sub-objects, which Connexion would mutate
while it builds routes) keeps start-up fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mockserver.errors import ConfigurationError
from mockserver.resources import spec_dir

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_path(version: str, api: str = "webknossos") -> Path:
    return spec_dir() / api / version / "openapi.yaml"


class SpecLoader:
    """Resolves documents whose ``$ref``s point into sibling files (``file.yaml#/Name``, ``#/a/b``)."""

    def __init__(self) -> None:
        self._files: dict[Path, Any] = {}

    def load(self, path: Path) -> dict[str, Any]:
        """The document at ``path`` with every reference replaced by (a fresh copy of) its target."""
        path = path.resolve()
        document: dict[str, Any] = self._resolve(self._file(path), path, ())
        return document

    def _file(self, path: Path) -> Any:
        if path not in self._files:
            try:
                self._files[path] = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigurationError(f"cannot read spec file {path}: {exc}") from exc
        return self._files[path]

    def _resolve(self, node: Any, base: Path, trail: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target, target_file, key = self._target(node["$ref"], base)
                if key in trail:
                    raise ConfigurationError(f"recursive $ref {node['$ref']} in {base}")
                siblings = {k: self._resolve(v, base, trail) for k, v in node.items() if k != "$ref"}
                return {**siblings, **self._resolve(target, target_file, (*trail, key))}
            return {key: self._resolve(value, base, trail) for key, value in node.items()}
        if isinstance(node, list):
            return [self._resolve(item, base, trail) for item in node]
        return node

    def _target(self, reference: str, base: Path) -> tuple[Any, Path, str]:
        file_part, _, pointer = reference.partition("#")
        target_file = (base.parent / file_part).resolve() if file_part else base
        node = self._file(target_file)
        for token in filter(None, pointer.split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError) as exc:
                raise ConfigurationError(f"unresolvable $ref {reference} in {base}") from exc
        return node, target_file, f"{target_file}#{pointer}"
