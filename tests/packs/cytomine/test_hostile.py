"""Bad input is a 4xx in Cytomine's error form, never a 500 (cases found by fuzzing the mock)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

Role = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(("method", "path", "options"), [
    ("GET", "/api/project.json", {"params": {"offset": str(2**70)}}),
    ("GET", "/api/project.json", {"params": {"max": "-1"}}),
    ("GET", f"/api/project/{2**64}.json", {}),
    ("GET", "/api/annotation.json", {"params": {"images": "1,x"}}),
    ("GET", "/api/annotation.json", {"params": {"images": str(2**70)}}),
    ("GET", "/api/annotation.json", {"params": {"user": "nobody"}}),
    ("POST", "/api/project.json", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("POST", "/api/project.json", {"json": "a string"}),
    ("POST", "/api/project.json", {"json": [1, 2]}),
    ("POST", "/api/project.json", {"json": {"name": "x", "ontology": 2**80}}),
    ("POST", "/api/project.json", {"json": [{"name": "Lung biopsies", "size": 2**70}]}),  # bulk errors echo items
    ("POST", "/api/project.json", {"json": {"name": ["x"]}}),
    ("POST", "/api/term.json", {"json": {"name": "x", "ontology": "abc", "color": "#000"}}),
    ("POST", "/api/annotation.json", {"json": {"location": "POINT (1 1)", "image": True}}),
    ("PUT", "/api/project/1.json", {"json": None}),
    ("POST", "/api/user/1/role.json", {"json": {"role": {"id": "x"}}}),
    ("GET", "/api/domain/x/1/property.json", {}),
])
def test_bad_input_is_a_4xx_in_cytomines_form(cy: TestClient, as_role: Role, method: str, path: str,
                                              options: dict[str, object]) -> None:
    headers = {**as_role("admin"), **options.pop("headers", {})}  # type: ignore[dict-item]
    response = cy.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert "errors" in body or body.get("status") == 400, body
