"""The dataset-v1 and iam-v1 documents: valid OpenAPI, accepted by Connexion, one handler per operation, and
the 41 operations of the published document plus the ones the frontend calls that it lacks."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from mockserver.packs.idah import HANDLERS
from mockserver.resolver import handler_for
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader, connexion_validate

DATASET = spec_dir() / "idah" / "dataset-v1" / "openapi.yaml"
IAM = spec_dir() / "idah" / "iam-v1" / "openapi.yaml"
METHODS = ("get", "put", "post", "patch", "delete")
CRUD = ("index", "create", "show", "update", "delete")
PUBLISHED = {
    ("POST", "/annotations/_rpc"),
    *((m, f"/{r}") for r in ("annotations", "datasets", "entries", "note_comments", "note_feeds",
                             "project_members", "projects") for m in ("GET", "POST")),
    *((m, f"/{r}/{{resource_id}}") for r in ("annotations", "datasets", "entries", "note_comments", "note_feeds",
                                             "project_members", "projects") for m in ("GET", "PATCH", "DELETE")),
    ("PATCH", "/entries/{id}/assign"), ("GET", "/entries/{id}/select"), ("POST", "/entries/{id}/submit"),
    ("POST", "/entries/{id}/error"), ("POST", "/note_feeds/{id}/resolve"),
}
"""The 41 operations of the published ``dataset.json`` (and of the seed)."""
EXTRA = {("PATCH", "/entries/{id}/unassign"), ("POST", "/datasets/{id}/duplicate"),
         ("GET", "/label_config_templates"), ("POST", "/label_config_templates"),
         ("GET", "/label_config_templates/{resource_id}"), ("PATCH", "/label_config_templates/{resource_id}"),
         ("DELETE", "/label_config_templates/{resource_id}"), ("GET", "/entry_stats"),
         ("GET", "/entry_stats/{resource_id}"), ("GET", "/healthcheck")}


def operations(document: Any = DATASET) -> list[tuple[str, str, dict[str, Any]]]:
    loaded = yaml.safe_load(document.read_text())
    return [(method.upper(), path, item[method]) for path, item in loaded["paths"].items()
            for method in METHODS if method in item]


@pytest.mark.parametrize("document", [DATASET, IAM], ids=["dataset-v1", "iam-v1"])
def test_the_documents_are_valid_openapi_and_accepted_by_connexion(document: Any) -> None:
    loaded, base_uri = read_from_filename(str(document))
    validate(loaded, base_uri=base_uri)
    connexion_validate(SpecLoader().bundle(document))


def test_the_published_operations_and_the_frontends_extra_ones_are_served() -> None:
    assert len(PUBLISHED) == 41
    assert {(method, path) for method, path, _ in operations()} == PUBLISHED | EXTRA


@pytest.mark.parametrize(("method", "path", "operation"), operations() + operations(IAM),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_has_a_handler_and_a_description(method: str, path: str, operation: dict[str, Any]) -> None:
    assert callable(handler_for(HANDLERS, operation["operationId"]))
    assert operation.get("description", "").strip(), f"{method} {path}: no description"


def test_creates_are_201_and_deletes_204_as_the_code_answers() -> None:
    for method, path, operation in operations():
        if operation["operationId"].endswith(".create"):
            assert "201" in operation["responses"] and "200" not in operation["responses"], path
        if method == "DELETE":
            assert "204" in operation["responses"], path


def test_bracketed_parameters_are_declared_as_the_frontend_sends_them() -> None:
    index = {path: op for method, path, op in operations() if method == "GET"}
    names = {p["$ref"].rsplit("/", 1)[-1] for p in index["/entries"]["parameters"]}
    loaded = yaml.safe_load(DATASET.read_text())["components"]["parameters"]
    declared = {loaded[name]["name"] for name in names}
    assert {"page[number]", "page[size]", "count", "sort", "filter[status__in][]", "included[]",
            "fields[dataset:project_members][]", "filter[assigned]", "filter[name__match]"} <= declared
    assert all(loaded[n]["style"] == "form" and loaded[n]["explode"] for n in names if loaded[n]["name"].endswith("[]"))
