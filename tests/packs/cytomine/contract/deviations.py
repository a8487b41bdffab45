"""The Cytomine deviations: one for each domain check, each valid under the core spec (so that only that check
can report it)."""

from __future__ import annotations

from typing import Any

from tests.contract.drift import Deviation, Group

Answer = tuple[int, dict[str, str], Any]


def another_object(code: int, headers: dict[str, str], body: Any) -> Answer:
    """A term read by id answered as the object after it."""
    if code == 200 and isinstance(body, dict) and isinstance(body.get("id"), int):
        body["id"] += 1
    return code, headers, body


def one_page_too_many(code: int, headers: dict[str, str], body: Any) -> Answer:
    if code == 200 and isinstance(body, dict) and isinstance(body.get("totalPages"), int):
        body["totalPages"] += 1
    return code, headers, body


def one_annotation_too_many(code: int, headers: dict[str, str], body: Any) -> Answer:
    if code == 200 and isinstance(body, dict) and isinstance(body.get("numberOfAnnotations"), int):
        body["numberOfAnnotations"] += 1
    return code, headers, body


GROUPS = {
    "core": Group("core", (
        Deviation("a term read back as another object", "GET", r"/api/term/\d+\.json", another_object,
                  "GET /api/term/{id}.json", "read_by_id_answers_that_object"),
        Deviation("a term list with one page too many", "GET", "/api/term.json", one_page_too_many,
                  "GET /api/term.json", "collection_envelope_adds_up"),
        Deviation("a project with one annotation more than its list", "GET", r"/api/project/\d+\.json",
                  one_annotation_too_many, "GET /api/project/{id}.json", "project_counters_match_its_lists"),
    )),
}
