from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.errors import ConfigurationError
from mockserver.specdiff import Kind, Severity, compare
from mockserver.specdiff.model import Change
from mockserver.specdiff.normalize import identifier_swap, normalize
from mockserver.specs import SpecLoader
from tests.specdiff.conftest import PAIRS

Summary = Callable[[list[Change]], list[tuple[str, str, str, str]]]


def load_pair(name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    loader = SpecLoader()
    return loader.load(PAIRS / name / "old.yaml"), loader.load(PAIRS / name / "new.yaml")


@pytest.mark.parametrize("pair", sorted(p.name for p in PAIRS.iterdir() if p.is_dir()))
def test_each_change_class_is_found_with_its_severity(pair: str, summarize: Summary) -> None:
    old, new = load_pair(pair)
    expected = sorted(tuple(row) for row in yaml.safe_load((PAIRS / pair / "expected.yaml").read_text()))
    assert summarize(compare(old, new)) == expected


def test_every_change_kind_is_exercised_by_a_pair(summarize: Summary) -> None:
    seen = {row[1] for pair in PAIRS.iterdir() if pair.is_dir() for row in summarize(compare(*load_pair(pair.name)))}
    assert {kind.value for kind in Kind} - seen == set()


def test_a_document_equals_itself_and_the_reverse_diff_mirrors_renames(documents: dict[str, dict[str, Any]]) -> None:
    assert compare(documents["v5"], documents["v5"]) == []
    back = compare(documents["v2"], documents["v1"])
    assert {(c.old, c.new) for c in back if c.kind is Kind.PROPERTY_RENAMED} == {("visibility", "isPublic")}


def test_normalization_merges_all_of_and_folds_null_branches() -> None:
    schema = {
        "allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
                  {"properties": {"a": {"description": "later wins"}, "b": {"type": "integer"}}}],
        "description": "outer",
    }
    assert normalize(schema) == {
        "type": "object", "required": ["a"], "description": "outer",
        "properties": {"a": {"type": "string", "description": "later wins"}, "b": {"type": "integer"}},
    }
    nullable_ref = {"anyOf": [{"type": "string"}, {"type": "object", "nullable": True, "enum": [None]}]}
    assert normalize(nullable_ref) == {"type": "string", "nullable": True}
    assert normalize({"type": ["integer", "null"]}) == {"type": "integer", "nullable": True}


@pytest.mark.parametrize(
    ("old", "new", "swap"),
    [
        ("Name of a project (API v1–v3 address projects by name).", "Id of a project (API v4+).", ("name", "id")),
        ("projectName", "projectId", ("name", "id")),
        ("The user's email.", "The user's ids.", ("email", "id")),
        ("Only tasks of this user.", "Only tasks of the user with this id.", None),
        ("A name.", "A better name.", None),
    ],
)
def test_identifier_swaps_are_recognized_in_names_and_descriptions(
    old: str, new: str, swap: tuple[str, str] | None
) -> None:
    assert identifier_swap(old, new) == swap


def test_unrelated_removed_and_added_properties_are_not_a_rename(summarize: Summary) -> None:
    old, new = load_pair("responses")
    kinds = {row[1] for row in summarize(compare(old, new))}
    assert "property-renamed" not in kinds  # `notes` went away, `created` (another schema) came


def test_templates_equal_up_to_names_match_only_when_unambiguous() -> None:
    def doc(*paths: str) -> dict[str, Any]:
        return {"openapi": "3.0.3", "paths": {p: {"get": {"responses": {"200": {"description": "ok"}}}} for p in paths}}

    changes = compare(doc("/a/{x}", "/a/{y}/b"), doc("/a/{z}", "/a/{w}/b"))
    assert {c.kind for c in changes} == {Kind.PATH_PARAMETER_RENAMED}
    assert all(c.severity is Severity.NON_BREAKING for c in changes)
    assert {c.renamed_from for c in changes} == {"/a/{x}", "/a/{y}/b"}


def test_non_openapi_input_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="OpenAPI 3"):
        compare({"swagger": "2.0"}, {"openapi": "3.0.0", "paths": {}})
