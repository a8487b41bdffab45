"""The 0.8 document: valid OpenAPI, accepted by Connexion, one handler per operation, real media types."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.labelstudio import HANDLERS
from mockserver.resolver import handler_for
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader, connexion_validate

DOCUMENT = spec_dir() / "labelstudio" / "0.8" / "openapi.yaml"
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


def test_the_routes_of_the_first_slice() -> None:
    routes = {(method, path) for method, path, _ in operations()}
    assert routes == {
        ("GET", "/api/health"), ("GET", "/version"), ("GET", "/api/project"), ("POST", "/api/project/config"),
        ("POST", "/api/validate-config"), ("POST", "/api/project/import"), ("GET", "/api/project/next"),
        ("GET", "/api/tasks"), ("GET", "/api/tasks/{task_id}"), ("DELETE", "/api/tasks/{task_id}"),
        ("POST", "/api/tasks/{task_id}/completions"), ("PATCH", "/api/tasks/{task_id}/completions/{completion_id}"),
        ("DELETE", "/api/tasks/{task_id}/completions/{completion_id}"), ("DELETE", "/api/tasks"),
        ("DELETE", "/api/tasks/{task_id}/completions"), ("GET", "/api/completions"), ("DELETE", "/api/completions"),
        ("POST", "/api/project"), ("PATCH", "/api/project"), ("GET", "/api/models"), ("DELETE", "/api/models"),
        ("POST", "/api/models/train"), ("GET", "/api/models/predictions"), ("POST", "/api/models/predictions"),
        ("GET", "/api/states"), ("GET", "/api/project/export"),
    }
