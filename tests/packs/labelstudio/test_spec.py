"""The 0.8 and 0.9 documents: valid OpenAPI, their routes; 0.8 (served) accepted by Connexion, one handler per
operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.labelstudio import HANDLERS
from mockserver.resolver import handler_for
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader, connexion_validate

DOCUMENTS = {version: spec_dir() / "labelstudio" / version / "openapi.yaml" for version in ("0.8", "0.9")}
DOCUMENT = DOCUMENTS["0.8"]
METHODS = ("get", "put", "post", "patch", "delete")

ROUTES_08 = {
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
"""What the real 0.8.1 server answers (besides its pages and static files)."""
DEPRECATED_AND_MORE = {
    ("GET", "/"), ("GET", "/api/import-example"), ("POST", "/api/import-example"), ("GET", "/api/import-example-file"),
    ("GET", "/api/project/storage-settings"), ("POST", "/api/project/storage-settings"),
    ("GET", "/api/project-switch"), ("POST", "/api/project-switch"),
    ("GET", "/api/projects/1/next"), ("GET", "/api/projects/1/completions_ids"),
    ("GET", "/api/projects/1/expert_instruction"), ("GET", "/api/export"), ("POST", "/api/save-config"),
    ("POST", "/api/import"), ("POST", "/api/train"), ("POST", "/predict"), ("POST", "/api/tasks/{task_id}/cancel"),
    ("POST", "/api/remove-ml-backend"), ("DELETE", "/api/tasks/delete"), ("DELETE", "/api/project/completions"),
    ("GET", "/data/upload/{filename}"), ("GET", "/data/{filename}"),
}
"""The root, the routes the docs leave out and the deprecated ones (registered with a trailing slash where the real
server has one: the mock, like Flask, ignores a trailing slash)."""
NEW_IN_09 = {
    ("PATCH", "/api/tasks/{task_id}"), ("POST", "/api/tasks/{task_id}"),
    ("POST", "/api/tasks/{task_id}/completions/{completion_id}"),
    ("POST", "/api/project/import/prepare"), ("GET", "/api/project/import/{import_id}"),
    ("PATCH", "/api/project/import/{import_id}"), ("POST", "/api/project/import/{import_id}/apply"),
    ("GET", "/api/project/columns"), ("GET", "/api/project/actions"), ("POST", "/api/project/actions"),
    ("GET", "/api/project/tabs"), ("DELETE", "/api/project/tabs"), ("GET", "/api/project/tabs/{tab_id}"),
    ("POST", "/api/project/tabs/{tab_id}"), ("DELETE", "/api/project/tabs/{tab_id}"),
    ("GET", "/api/project/tabs/{tab_id}/selected-items"), ("POST", "/api/project/tabs/{tab_id}/selected-items"),
    ("PATCH", "/api/project/tabs/{tab_id}/selected-items"), ("DELETE", "/api/project/tabs/{tab_id}/selected-items"),
    ("GET", "/api/project/tabs/{tab_id}/tasks"), ("GET", "/api/project/tabs/{tab_id}/annotations"),
    ("POST", "/api/project/tabs/{tab_id}/actions"),
}
"""The routes 0.9.1 added (task PATCH/POST, completion POST, staged imports, the data manager)."""


def operations(document: Path = DOCUMENT) -> list[tuple[str, str, dict[str, Any]]]:
    loaded = yaml.safe_load(document.read_text())
    return [(method.upper(), path, item[method]) for path, item in loaded["paths"].items()
            for method in METHODS if method in item]


def routes(document: Path) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in operations(document)}


@pytest.mark.parametrize("version", sorted(DOCUMENTS))
def test_the_document_is_valid_openapi(version: str) -> None:
    document, base_uri = read_from_filename(str(DOCUMENTS[version]))
    validate(document, base_uri=base_uri)


def test_connexion_accepts_the_mounted_document() -> None:
    connexion_validate(SpecLoader().bundle(DOCUMENT))


@pytest.mark.parametrize(("method", "path", "operation"), operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_has_a_handler_and_a_description(method: str, path: str, operation: dict[str, Any]) -> None:
    assert callable(handler_for(HANDLERS, operation["operationId"]))
    assert operation.get("description", "").strip(), f"{method} {path}: no description"


@pytest.mark.parametrize(("method", "path", "operation"), operations(DOCUMENTS["0.9"]),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_09_operation_says_what_changed(method: str, path: str, operation: dict[str, Any]) -> None:
    assert operation.get("description", "").strip(), f"{method} {path}: no description"


def test_the_routes_of_08() -> None:
    assert routes(DOCUMENTS["0.8"]) == ROUTES_08 | DEPRECATED_AND_MORE


def test_the_routes_of_09() -> None:
    """Every 0.8.1 route is still answered by 0.9.1 (none was removed), plus the deprecated ones and the new ones."""
    assert routes(DOCUMENTS["0.9"]) == ROUTES_08 | DEPRECATED_AND_MORE | NEW_IN_09


def test_09_declares_cors_on_every_response() -> None:
    bundled = SpecLoader().load(DOCUMENTS["0.9"])
    for path, item in bundled["paths"].items():
        for method in METHODS:
            for status, response in item.get(method, {}).get("responses", {}).items():
                headers = response.get("headers", {})
                assert {"Access-Control-Allow-Origin", "Access-Control-Allow-Methods"} <= set(headers), \
                    f"{method.upper()} {path} {status}"
