"""Loading the hand-written OpenAPI documents: YAML parsed once per file, relative ``$ref``s resolved.

Every version document shares component and path files; parsing each file once for all versions
and resolving references into fresh objects (no shared sub-objects, which Connexion would mutate
while it builds routes) keeps start-up fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import yaml

from mockserver.errors import ConfigurationError
from mockserver.resources import spec_dir

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_path(api: str, version: str) -> Path:
    """``spec/<api>/<version>/openapi.yaml`` (a pack's ``Version.spec_path`` for its versions)."""
    return spec_dir() / api / version / "openapi.yaml"


@contextmanager
def tested_documents() -> Iterator[None]:
    """Inside: Connexion takes the documents as valid instead of validating each one again.

    The test suite validates every document with Connexion's own validator (and with
    openapi-spec-validator); at start-up that validation would cost about 0.2 s per mounted API.
    """
    from connexion.spec import OpenAPISpecification  # here: the commands that only read specs skip Connexion

    with mock.patch.object(OpenAPISpecification, "_validate_spec", classmethod(lambda cls, spec: None)):
        yield


def connexion_validate(document: dict[str, Any]) -> None:
    """Connexion's own validation of a document (what ``tested_documents`` skips at start-up)."""
    from connexion.spec import OpenAPISpecification

    OpenAPISpecification._validate_spec(document)


class SpecLoader:
    """Resolves documents whose ``$ref``s point into sibling files (``file.yaml#/Name``, ``#/a/b``)."""

    def __init__(self) -> None:
        self._files: dict[Path, Any] = {}
        self._paths: dict[tuple[Path, str], Path] = {}

    def load(self, path: Path) -> dict[str, Any]:
        """The document at ``path`` with every reference replaced by (a fresh copy of) its target."""
        path = path.resolve()
        document: dict[str, Any] = self._resolve(self._file(path), path, ())
        return document

    def bundle(self, path: Path) -> dict[str, Any]:
        """The document at ``path`` as one self-contained document: path items inlined, every other
        referenced object stored once under ``components/x-bundle`` and referenced locally.

        Much smaller than the fully resolved form, so Connexion validates and resolves it quickly.
        """
        path = path.resolve()
        document = self._file(path)
        bundled: dict[str, Any] = {}
        result = {key: self._bundled(value, path, bundled) for key, value in document.items() if key != "paths"}
        result["paths"] = {}
        for template, item in document.get("paths", {}).items():
            target, target_file = item, path
            if "$ref" in item:
                target, target_file, _ = self._target(item["$ref"], path)
            result["paths"][template] = self._bundled(target, target_file, bundled)
        result.setdefault("components", {})["x-bundle"] = bundled
        return result

    def _bundled(self, node: Any, base: Path, bundled: dict[str, Any]) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target, target_file, key = self._target(node["$ref"], base)
                name = f"{target_file.stem}.{key.partition('#')[2].strip('/').replace('/', '.')}"
                if name not in bundled:
                    bundled[name] = {}
                    bundled[name] = self._bundled(target, target_file, bundled)
                siblings = {k: self._bundled(v, base, bundled) for k, v in node.items() if k != "$ref"}
                return {**siblings, "$ref": f"#/components/x-bundle/{name}"}
            return {key: self._bundled(value, base, bundled) for key, value in node.items()}
        if isinstance(node, list):
            return [self._bundled(item, base, bundled) for item in node]
        return node

    def _path(self, base: Path, relative: str) -> Path:
        key = (base.parent, relative)
        if key not in self._paths:
            self._paths[key] = (base.parent / relative).resolve()
        return self._paths[key]

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
        target_file = self._path(base, file_part) if file_part else base
        node = self._file(target_file)
        for token in filter(None, pointer.split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(token)] if isinstance(node, list) else node[token]
            except (KeyError, IndexError, ValueError) as exc:
                raise ConfigurationError(f"unresolvable $ref {reference} in {base}") from exc
        return node, target_file, f"{target_file}#{pointer}"
