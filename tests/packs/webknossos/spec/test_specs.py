"""The specs: valid OpenAPI, examples that fit their schemas, one handler per operation."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.exceptions import InvalidSpecification
from connexion.json_schema import resolve_refs
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.webknossos import HANDLERS
from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.resolver import handler_for
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader, connexion_validate

VERSIONS = tuple(ADAPTERS)
"""The WEBKNOSSOS versions, oldest first (the pack's one list)."""
ROOT = spec_dir() / "webknossos"
METHODS = ("get", "put", "post", "patch", "delete", "head", "options")


@functools.cache
def resolved(path: Path) -> Any:
    return resolve_refs(yaml.safe_load(path.read_text()), base_uri=f"{path.parent}/")


def operations(version: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    document = resolved(ROOT / version / "openapi.yaml")
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def examples(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (location, schema, example) pair: schema-level examples and media-type examples."""
    if isinstance(node, dict):
        if "example" in node and isinstance(node.get("schema"), dict):
            yield where, node["schema"], node["example"]
        elif "example" in node and ("type" in node or "properties" in node or "allOf" in node):
            schema = {k: v for k, v in node.items() if k != "example"}
            yield where, schema, node["example"]
        for key, value in node.items():
            if key != "example":
                yield from examples(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from examples(value, f"{where}/{index}")


@pytest.mark.parametrize("version", VERSIONS)
def test_spec_is_valid_openapi(version: str) -> None:
    document, base_uri = read_from_filename(str(ROOT / version / "openapi.yaml"))
    validate(document, base_uri=base_uri)


@pytest.mark.parametrize("document", [ROOT / v / "openapi.yaml" for v in (*VERSIONS, "datastore")]
                         + [spec_dir() / "admin" / "openapi.yaml"], ids=lambda p: p.parent.name)
def test_connexion_accepts_the_mounted_document(document: Path) -> None:
    """What the app mounts (the bundled form) passes Connexion's own validation, which start-up skips."""
    connexion_validate(SpecLoader().bundle(document))


def test_connexion_validation_can_fail() -> None:
    broken = SpecLoader().bundle(ROOT / "v5" / "openapi.yaml")
    broken["paths"]["/user"]["get"]["responses"] = "none"
    with pytest.raises(InvalidSpecification):
        connexion_validate(broken)


@pytest.mark.parametrize("version", VERSIONS)
def test_operation_ids_are_unique_and_resolve_to_handlers(version: str) -> None:
    ids = [op["operationId"] for _, _, op in operations(version)]
    assert len(ids) == len(set(ids)), "operationIds must be unique within a version"
    for operation_id in ids:
        assert inspect.iscoroutinefunction(handler_for(HANDLERS, operation_id)), operation_id


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_documents_its_errors_and_success(version: str) -> None:
    for method, path, operation in operations(version):
        statuses = set(operation["responses"])
        assert any(s.startswith("2") for s in statuses), (method, path)
        secured = operation.get("security", [{"token": []}]) != []
        if secured and {} not in operation.get("security", [{"token": []}]):
            assert "401" in statuses, (method, path)
        assert operation.get("summary") and operation.get("description"), (method, path)


def example_sources() -> list[Path]:
    return sorted((ROOT / "components").glob("*.yaml")) + sorted((ROOT / "paths").glob("*.yaml"))


@pytest.mark.parametrize("path", example_sources(), ids=lambda p: p.name)
def test_examples_fit_their_schemas(path: Path) -> None:
    found = list(examples(resolved(path)))
    for where, schema, example in found:
        errors = list(OAS30Validator(schema).iter_errors(example))
        assert not errors, f"{path.name}{where}: {errors[0].message[:300]}"


def test_there_are_examples_to_check() -> None:
    assert sum(len(list(examples(resolved(p)))) for p in example_sources()) > 80


def test_operation_counts() -> None:
    counts = {v: len(list(operations(v))) for v in VERSIONS}
    assert counts["v5"] >= 75
    assert counts["v4"] == counts["v5"]
    assert counts["v3"] == counts["v5"] - 2  # /projects/assignments and /withStatus are shadowed


def schema_of(version: str, method: str, path: str, status: str = "200") -> dict[str, Any]:
    operation = next(op for m, p, op in operations(version) if m == method and p == path)
    return operation["responses"][status]["content"]["application/json"]["schema"]


def props(schema: dict[str, Any]) -> set[str]:
    names = set(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        names |= props(part)
    return names


INFO = "/annotations/{typ}/{id}/info"


@pytest.mark.parametrize(
    ("version", "present", "absent"),
    [
        ("v5", {"annotationLayers", "visibility"}, {"tracing", "isPublic"}),
        ("v4", {"tracing", "visibility"}, {"annotationLayers", "isPublic"}),
        ("v2", {"tracing", "visibility"}, {"annotationLayers"}),
        ("v1", {"tracing", "isPublic"}, {"annotationLayers", "visibility"}),
    ],
)
def test_annotation_shape_per_version(version: str, present: set[str], absent: set[str]) -> None:
    names = props(schema_of(version, "GET", INFO))
    assert present <= names
    assert not absent & names


@pytest.mark.parametrize(("version", "required"), [("v5", True), ("v3", True), ("v2", False), ("v1", False)])
def test_timestamp_parameter_per_version(version: str, required: bool) -> None:
    operation = next(op for m, p, op in operations(version) if m == "GET" and p == INFO)
    params = {p["name"]: p for p in operation.get("parameters", [])}
    assert ("timestamp" in params and params["timestamp"]["required"]) is required


@pytest.mark.parametrize(("version", "path"), [("v3", "/projects/{name}"), ("v4", "/projects/{id}")])
def test_projects_addressed_by_name_until_v3_and_by_id_since_v4(version: str, path: str) -> None:
    paths = {p for _, p, _ in operations(version)}
    assert path in paths
    other = "/projects/{id}" if path.endswith("{name}") else "/projects/{name}"
    assert other not in paths


def test_create_explorational_body_per_version() -> None:
    path = "/datasets/{organizationName}/{dataSetName}/createExplorational"
    bodies = {}
    for version in ("v4", "v5"):
        operation = next(op for m, p, op in operations(version) if m == "POST" and p == path)
        bodies[version] = operation["requestBody"]["content"]["application/json"]["schema"]
    assert bodies["v5"]["type"] == "array"
    assert bodies["v4"]["type"] == "object"
