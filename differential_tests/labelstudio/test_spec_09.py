"""The 0.9 document against the real Label Studio 0.9.1.post2: the flows of the 0.8 differential suite sent to it,
every answer of a documented route must be documented (status, media type, JSON body by its schema, the CORS
headers). The mock does not serve 0.9; this keeps its document honest."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from openapi_schema_validator import OAS30Validator

from differential_tests.labelstudio.flows import FLOWS
from differential_tests.labelstudio.test_differential import send
from mockserver.resources import spec_dir
from mockserver.specs import SpecLoader

DOCUMENT = spec_dir() / "labelstudio" / "0.9" / "openapi.yaml"
CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "GET,POST,PATCH,PUT,DELETE"}


def routes(document: dict[str, Any]) -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    """(path pattern, method, operation) in the document's order (a literal path before a templated one)."""
    return [(re.compile(re.sub(r"\{[^/}]+\}", "[^/]+", path.rstrip("/") or "/")), method.upper(), operation)
            for path, item in document["paths"].items()
            for method, operation in item.items() if method in ("get", "post", "patch", "delete")]


def operation_of(table: list[tuple[re.Pattern[str], str, dict[str, Any]]], method: str,
                 path: str) -> dict[str, Any] | None:
    path = path.split("?")[0].rstrip("/") or "/"
    method = "GET" if method == "HEAD" else method
    return next((op for pattern, m, op in table if m == method and pattern.fullmatch(path)), None)


def problems(operation: dict[str, Any], response: httpx.Response) -> list[str]:
    found = []
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"status {response.status_code} not documented"]
    found += [f"header {k}" for k, v in CORS.items() if response.headers.get(k) != v]
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    content = documented.get("content", {})
    if not content:
        return found if not response.content else [*found, f"a body where none is documented: {media_type}"]
    matching = content.get(media_type) or content.get("*/*")
    if matching is None:
        return [*found, f"media type {media_type} not documented ({', '.join(content)})"]
    if media_type == "application/json" and response.content:
        errors = list(OAS30Validator(matching.get("schema", {})).iter_errors(json.loads(response.content)))
        found += [f"body: {error.message[:200]}" for error in errors[:3]]
    return found


def test_the_real_091_answers_as_its_document_says(real_091: str) -> None:
    table = routes(SpecLoader().load(DOCUMENT))
    unexplained, checked = [], 0
    with httpx.Client(timeout=30) as client:
        for flow, steps in FLOWS.items():
            for label, method, path, body in steps:
                response = send(client, real_091, method, path, body)
                operation = operation_of(table, method, path)
                if operation is None:  # werkzeug's 404/405 pages and OPTIONS: not operations
                    continue
                checked += 1
                unexplained += [f"{flow}: {label} ({method} {path}): {p}" for p in problems(operation, response)]
    print(f"\n{checked} answers of the real 0.9.1 checked against the 0.9 document, {len(unexplained)} problems")
    assert not unexplained, "\n".join(unexplained)
