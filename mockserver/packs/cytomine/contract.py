"""Domain checks of the Cytomine API (registered with schemathesis for the length of a contract run).

Each is a plain function ``(ctx, response, case)`` named for the property it asserts (see
``mockserver.contract.checks``); the counter check sends follow-up requests, at most once per project and run.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import expect, fail, follow_up, json_of, memo, ok

ONE_OBJECT = re.compile(r"^/api/[a-z_]+/\{id\}\.json$")
"""``/api/<resource>/{id}.json``: the route reads one object by its id."""


def read_by_id_answers_that_object(ctx: Any, response: Any, case: Any) -> bool | None:
    """``GET /api/<resource>/{id}.json`` answers the object with that ``id`` (the client fills its model from the
    answer and would then edit another object). ``class`` and ``created`` are the schema's ``Object``: its check
    reports them."""
    if response.status_code != 200 or case.method.upper() != "GET" or not ONE_OBJECT.match(case.path):
        return None
    body, asked = json_of(response), (case.path_parameters or {}).get("id")
    if isinstance(body, dict) and str(body.get("id")) != str(asked):
        fail(case, f"asked for {asked}, got the object {body.get('id')} ({body.get('class')})")
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


CHECKS: tuple[CheckFunction, ...] = (read_by_id_answers_that_object, collection_envelope_adds_up,
                                     project_counters_match_its_lists)
"""Error bodies, ``class``, ``id`` and ``created`` are the spec's ``Error`` and ``Object`` schemas: schemathesis'
schema check reports them, no domain check repeats it."""
