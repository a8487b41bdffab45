"""Domain checks of the Cytomine API (registered with schemathesis for the length of a contract run).

Each is a plain function ``(ctx, response, case)`` named for the property it asserts (see
``mockserver.contract.checks``); the counter check sends follow-up requests, at most once per project and run.
"""

from __future__ import annotations

import math
from typing import Any

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import expect, fail, follow_up, json_of, memo, ok

CLASS_PREFIX = "be.cytomine."


def _objects(body: Any) -> list[dict[str, Any]]:
    """The domain objects of a 200 body: the object itself, or the items of a collection."""
    if isinstance(body, dict) and isinstance(body.get("collection"), list):
        return [item for item in body["collection"] if isinstance(item, dict)]
    return [body] if isinstance(body, dict) and "id" in body else []


def objects_carry_class_id_and_created(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every object has ``class`` (a full ``be.cytomine.`` class name: the client builds URLs from it), an ``id``
    and ``created`` as a string of epoch milliseconds."""
    if response.status_code != 200 or case.method.upper() != "GET":
        return None
    for item in _objects(json_of(response)):
        if not str(item.get("class", "")).startswith(CLASS_PREFIX):
            fail(case, f"object {item.get('id')} has no Cytomine `class`: {str(item)[:200]}")
        created = item.get("created")
        if "created" in item and created is not None and not (isinstance(created, str) and created.isdigit()):
            fail(case, f"object {item.get('id')}: `created` must be epoch milliseconds as a string, got {created!r}")
    return True


def errors_use_cytomine_shapes(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx carries ``{"errors": …}`` (a message object, or a refused command's text with ``success: false``)."""
    if not 400 <= response.status_code < 500 or response.status_code == 415:
        return None
    body = json_of(response)
    if not isinstance(body, dict) or not ("errors" in body or {"data", "status"} <= set(body)):
        fail(case, f"a {response.status_code} must carry Cytomine's `errors`, got {response.text[:200]!r}",
             status=response.status_code)
    return True


def collection_envelope_adds_up(ctx: Any, response: Any, case: Any) -> bool | None:
    """``size`` ≥ the page, ``totalPages`` = ⌈size / max⌉ (max 0: 1 page, none when empty), a page holds at most
    ``max`` items and ``offset`` echoes the query."""
    body = json_of(response)
    if response.status_code != 200 or not isinstance(body, dict) or "collection" not in body:
        return None
    query = case.query or {}
    size, page = body.get("size", -1), body.get("collection") or []
    try:
        per, offset = int(query.get("max") or 0), int(query.get("offset") or 0)
    except (TypeError, ValueError):  # a negative case the server answered anyway: not this check's business
        return None
    pages = math.ceil(size / per) if per else (1 if size else 0)
    expected_items = max(0, min(size - offset, per if per else size - offset))
    if body.get("totalPages") != pages or len(page) != expected_items or body.get("offset") != offset:
        fail(case, f"envelope of size {size}, max {per}, offset {offset}: expected {pages} pages and "
                   f"{expected_items} items, got totalPages {body.get('totalPages')}, {len(page)} items, "
                   f"offset {body.get('offset')}")
    return True


def project_counters_match_its_lists(ctx: Any, response: Any, case: Any) -> bool | None:
    """A project's ``numberOfImages`` and ``numberOfAnnotations`` equal the sizes of its image and annotation
    lists (read once per project and run)."""
    if response.status_code != 200 or f"{case.method.upper()} {case.path}" != "GET /api/project/{id}.json":
        return None
    project = json_of(response)
    if not isinstance(project, dict) or not memo.first(f"counters {project.get('id')}"):
        return None
    for path, query, counter in (("/api/project/{id}/imageinstance.json", {}, "numberOfImages"),
                                 ("/api/annotation.json", {"project": project["id"]}, "numberOfAnnotations")):
        listed = expect(case, follow_up(case, "GET", path, path_parameters={"id": project["id"]}, query=query), ok,
                        f"listing for {counter}")
        if isinstance(listed, dict) and listed.get("size") != project.get(counter):
            fail(case, f"project {project['id']}: {counter} is {project.get(counter)}, its list has "
                       f"{listed.get('size')}")
    return True


CHECKS: tuple[CheckFunction, ...] = (objects_carry_class_id_and_created, errors_use_cytomine_shapes,
                                     collection_envelope_adds_up, project_counters_match_its_lists)
