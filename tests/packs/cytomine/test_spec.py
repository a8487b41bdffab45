"""The core document: valid OpenAPI, accepted by Connexion, one handler and a description per operation."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.cytomine import HANDLERS
from mockserver.resolver import handler_for
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader, connexion_validate

DOCUMENT = spec_dir() / "cytomine" / "core" / "openapi.yaml"
METHODS = ("get", "put", "post", "patch", "delete")


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    document = yaml.safe_load(DOCUMENT.read_text())
    return [(method.upper(), path, item[method]) for path, item in document["paths"].items()
            for method in METHODS if method in item]


def test_the_document_is_valid_openapi() -> None:
    document, base_uri = read_from_filename(str(DOCUMENT))
    validate(document, base_uri=base_uri)


def test_connexion_accepts_the_mounted_document() -> None:
    connexion_validate(SpecLoader().bundle(DOCUMENT))


@pytest.mark.parametrize(("method", "path", "operation"), operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_has_a_handler_and_a_description(method: str, path: str, operation: dict[str, Any]) -> None:
    assert callable(handler_for(HANDLERS, operation["operationId"]))
    assert operation.get("description", "").strip(), f"{method} {path}: no description"


def test_routes_follow_cytomine_url_conventions() -> None:
    """``/api/<resource>.json`` everywhere except the root routes the client calls without ``/api`` (and the image
    server's ``/upload``); pictures keep their format suffix."""
    roots = {"/server/ping", "/session/admin/open.json", "/session/admin/close.json", "/upload"}
    for _, path, _ in operations():
        if path in roots:
            continue
        assert path.startswith("/api/"), path
        assert path.endswith((".json", ".{format}", "/download")) or path == "/api/user/current/keys", path


def test_writes_answer_200_never_201_or_204() -> None:
    for method, path, operation in operations():
        if method in ("POST", "PUT", "DELETE"):
            statuses = set(operation["responses"])
            assert "200" in statuses and not statuses & {"201", "204"}, f"{method} {path}"
