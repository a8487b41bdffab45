"""body_validation.py: request schemas without a pack's id pattern (here ObjectIds), cycles and sharing kept."""

from __future__ import annotations

from typing import Any

from mockserver.body_validation import without_id_patterns

OBJECT_ID_PATTERN = "^[0-9a-f]{24}$"


def test_object_id_patterns_are_dropped_and_other_patterns_kept() -> None:
    schema = {"properties": {"id": {"type": "string", "pattern": OBJECT_ID_PATTERN},
                             "name": {"type": "string", "pattern": "^[a-z]+$"}}}
    converted = without_id_patterns(schema, OBJECT_ID_PATTERN)
    assert converted["properties"]["id"] == {"type": "string"}
    assert converted["properties"]["name"]["pattern"] == "^[a-z]+$"
    assert schema["properties"]["id"]["pattern"] == OBJECT_ID_PATTERN  # the original is untouched


def test_cycles_and_shared_sub_schemas_survive() -> None:
    shared = {"type": "string", "pattern": OBJECT_ID_PATTERN}
    schema: dict[str, Any] = {"properties": {"a": shared, "b": shared}, "items": [shared]}
    schema["components"] = {"self": schema}  # what Connexion attaches to the schemas it validates with
    converted = without_id_patterns(schema, OBJECT_ID_PATTERN)
    assert converted["components"]["self"] is converted
    assert converted["properties"]["a"] is converted["properties"]["b"] is converted["items"][0]
    assert converted["properties"]["a"] == {"type": "string"}
