"""The Cytomine deviations: one for each domain check, each valid under the core spec (so that only that check
can report it). The write checks' deviations remember what they saw (a counter, an image instance), so each is in a
group of its own: one run with ``--allow-writes`` of the one create that starts its check."""

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


class FrozenCounter:
    """An image instance's ``numberOfAnnotations`` stays what it was when first read: creates and deletes do not
    count."""

    def __init__(self) -> None:
        self.seen: dict[Any, Any] = {}

    def __call__(self, code: int, headers: dict[str, str], body: Any) -> Answer:
        if code == 200 and isinstance(body, dict) and "numberOfAnnotations" in body:
            body["numberOfAnnotations"] = self.seen.setdefault(body.get("id"), body["numberOfAnnotations"])
        return code, headers, body


def without_the_newest(code: int, headers: dict[str, str], body: Any) -> Answer:
    """A complete annotation list (one page, from offset 0) without its newest item, the envelope adjusted."""
    items = body.get("collection") if isinstance(body, dict) else None
    if code != 200 or not items or body.get("offset") != 0 or len(items) != body.get("size"):
        return code, headers, body
    newest = max(items, key=lambda item: item.get("id", 0))
    size = len(items) - 1
    body.update(collection=[item for item in items if item is not newest], size=size, perPage=size,
                totalPages=1 if size else 0)
    return code, headers, body


class Lingering:
    """An image instance read once keeps answering 200 with what it was after it is gone (its project's delete
    does not cascade)."""

    def __init__(self) -> None:
        self.seen: dict[Any, Any] = {}

    def __call__(self, code: int, headers: dict[str, str], body: Any) -> Answer:
        if code == 200 and isinstance(body, dict) and "id" in body:
            self.seen[body["id"]] = body
        elif code == 404 and self.seen:
            return 200, headers, next(reversed(self.seen.values()))
        return code, headers, body


def accepted(code: int, headers: dict[str, str], body: Any) -> Answer:
    """A refused delete (the ontology is in use) answered as done; the ontology stays."""
    if code == 400:
        return 200, headers, {"message": "Ontology deleted", "callback": {}, "printMessage": True, "command": 1}
    return code, headers, body


WRITES = ("--allow-writes",)
CREATE_ANNOTATION = "POST /api/annotation.json"

GROUPS = {
    "core": Group("core", (
        Deviation("a term read back as another object", "GET", r"/api/term/\d+\.json", another_object,
                  "GET /api/term/{id}.json", "read_by_id_answers_that_object"),
        Deviation("a term list with one page too many", "GET", "/api/term.json", one_page_too_many,
                  "GET /api/term.json", "collection_envelope_adds_up"),
        Deviation("a project with one annotation more than its list", "GET", r"/api/project/\d+\.json",
                  one_annotation_too_many, "GET /api/project/{id}.json", "project_counters_match_its_lists"),
    )),
    "annotation read back": Group("core", (
        Deviation("a created annotation read back as another", "GET", r"/api/annotation/\d+\.json", another_object,
                  CREATE_ANNOTATION, "created_annotation_reads_back"),
    ), WRITES),
    "annotation listed": Group("core", (
        Deviation("a created annotation missing from its image's list", "GET", "/api/annotation.json",
                  without_the_newest, CREATE_ANNOTATION, "created_annotation_is_listed"),
    ), WRITES),
    "annotation counters": Group("core", (
        Deviation("an image's numberOfAnnotations not following creates and deletes", "GET",
                  r"/api/imageinstance/\d+\.json", FrozenCounter(), CREATE_ANNOTATION,
                  "annotation_counters_follow_create_and_delete"),
    ), WRITES),
    "project cascade": Group("core", (
        Deviation("a deleted project's image instance still answering", "GET", r"/api/imageinstance/\d+\.json",
                  Lingering(), "POST /api/project.json", "deleting_a_project_removes_its_images_and_annotations"),
    ), WRITES),
    "ontology in use": Group("core", (
        Deviation("an ontology in use deleted", "DELETE", r"/api/ontology/\d+\.json", accepted,
                  "POST /api/ontology.json", "an_ontology_in_use_cannot_be_deleted"),
    ), WRITES),
}
