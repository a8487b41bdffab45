from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.errors import ConfigurationError
from mockserver.specs import SpecLoader, spec_path


def test_loader_resolves_every_reference_into_fresh_objects() -> None:
    document = SpecLoader().load(spec_path("webknossos", "v1"))
    text = repr(document)
    assert "$ref" not in text
    own = document["paths"]["/user/tasks"]["get"]["parameters"]
    other = document["paths"]["/users/{id}/tasks"]["get"]["parameters"]
    assert own == other and own is not other  # YAML anchors do not leak shared lists


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_recursive_references_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "Node:\n  properties:\n    child: {$ref: '#/Node'}\n")
    root = write(tmp_path, "root.yaml", "schema: {$ref: 'a.yaml#/Node'}\n")
    with pytest.raises(ConfigurationError, match="recursive"):
        SpecLoader().load(root)


def test_unresolvable_references_name_the_file(tmp_path: Path) -> None:
    root = write(tmp_path, "root.yaml", "schema: {$ref: 'missing.yaml#/X'}\n")
    with pytest.raises(ConfigurationError, match=r"missing\.yaml"):
        SpecLoader().load(root)
    root = write(tmp_path, "root2.yaml", "a: {b: 1}\nschema: {$ref: '#/a/c'}\n")
    with pytest.raises(ConfigurationError, match="unresolvable"):
        SpecLoader().load(root)
