"""Domain checks of the Cytomine API (registered with schemathesis for the length of a contract run).

Each is a plain function ``(ctx, response, case)`` named for the property it asserts (see
``mockserver.contract.checks``); the counter check sends follow-up requests, at most once per project and run.
The write checks (runs with ``--allow-writes``, see ``sandbox.py``) start from what the run just created and
follow it through create → fetch → list → counters → delete cascades with follow-ups of their own, a few times
per run; everything they create is the run's (recorded by its hooks, deleted by them or by the cleanup).
"""

from __future__ import annotations

import math
import re
from typing import Any

from mockserver.contract.checks import CheckFunction
from mockserver.contract.followups import expect, fail, follow_up, json_of, memo, ok
from mockserver.packs.cytomine.sandbox import SQUARE, fresh_name

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


# writes ------------------------------------------------------------------------------------------


def created(case: Any, response: Any, kind: str) -> dict[str, Any] | None:
    """The object a single ``POST /api/<kind>.json`` created (under its class key in the command envelope)."""
    if response.status_code != 200 or f"{case.method.upper()} {case.path}" != f"POST /api/{kind}.json":
        return None
    body = json_of(response)
    made = body.get(kind) if isinstance(body, dict) else None
    return made if isinstance(made, dict) and made.get("id") is not None else None


def create(case: Any, kind: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """A follow-up create: the object it made (None: the spec has no such create in this run)."""
    sent = follow_up(case, "POST", f"/api/{kind}.json", body=body)
    answer = expect(case, sent, lambda status: status == 200, f"creating a {kind}")
    made = answer.get(kind) if isinstance(answer, dict) else None
    if sent is not None and not (isinstance(made, dict) and made.get("id") is not None):
        fail(case, f"creating a {kind}: no {kind} with an id in the answer", follow=sent[1])
    return made


def status_of(case: Any, method: str, path: str, ident: Any) -> int | None:
    sent = follow_up(case, method, path, path_parameters={"id": ident})
    return sent[0].status_code if sent is not None else None


def read(case: Any, kind: str, ident: Any) -> Any:
    return expect(case, follow_up(case, "GET", f"/api/{kind}/{{id}}.json", path_parameters={"id": ident}), ok,
                  f"reading {kind} {ident}")


def delete(case: Any, kind: str, ident: Any, why: str = "") -> None:
    expect(case, follow_up(case, "DELETE", f"/api/{kind}/{{id}}.json", path_parameters={"id": ident}), ok,
           f"deleting {kind} {ident}{why}")


def created_annotation_reads_back(ctx: Any, response: Any, case: Any) -> bool | None:
    """An annotation just created reads back by its id: that annotation, on its image (a few times per run)."""
    annotation = created(case, response, "annotation")
    if annotation is None or not memo.first("annotation reads back", 3):
        return None
    back = read(case, "annotation", annotation["id"])
    if isinstance(back, dict) and (back.get("id"), back.get("image")) != (annotation["id"], annotation.get("image")):
        fail(case, f"annotation {annotation['id']} on image {annotation.get('image')} read back as annotation "
                   f"{back.get('id')} on image {back.get('image')}")
    return True


def created_annotation_is_listed(ctx: Any, response: Any, case: Any) -> bool | None:
    """An annotation just created is in its image's annotation list (a few times per run)."""
    annotation = created(case, response, "annotation")
    if annotation is None or not memo.first("annotation listed", 3):
        return None
    image = annotation.get("image")
    listed = expect(case, follow_up(case, "GET", "/api/annotation.json", query={"image": image}), ok,
                    f"listing the annotations of image {image}")
    if isinstance(listed, dict) and annotation["id"] not in [item.get("id") for item in listed.get("collection", [])
                                                             if isinstance(item, dict)]:
        fail(case, f"annotation {annotation['id']} is missing from the annotations of its image {image} "
                   f"({listed.get('size')} listed)")
    return True


def _counters(case: Any, annotation: dict[str, Any]) -> tuple[Any, Any]:
    """(image, project) ``numberOfAnnotations`` of ``annotation``."""
    image, project = read(case, "imageinstance", annotation["image"]), read(case, "project", annotation["project"])
    return _annotations_of(image), _annotations_of(project)


def _annotations_of(item: Any) -> Any:
    return item.get("numberOfAnnotations") if isinstance(item, dict) else None


def annotation_counters_follow_create_and_delete(ctx: Any, response: Any, case: Any) -> bool | None:
    """Creating an annotation adds one to its image's and its project's ``numberOfAnnotations``, deleting it takes
    that one away again, and a deleted annotation is gone (once per run)."""
    annotation = created(case, response, "annotation")
    if annotation is None or not memo.first("annotation counters"):
        return None
    before = _counters(case, annotation)
    extra = create(case, "annotation", {"location": SQUARE, "image": annotation["image"]})
    if extra is None:
        return None
    grown = _counters(case, annotation)
    if any(isinstance(b, int) and g != b + 1 for b, g in zip(before, grown, strict=True)):
        fail(case, f"creating annotation {extra['id']} on image {annotation['image']} changed (image, project) "
                   f"numberOfAnnotations from {before} to {grown}, not by one each")
    delete(case, "annotation", extra["id"])
    if (gone := status_of(case, "GET", "/api/annotation/{id}.json", extra["id"])) != 404:
        fail(case, f"annotation {extra['id']} still answers {gone} after its delete")
    if (after := _counters(case, annotation)) != before:
        fail(case, f"deleting annotation {extra['id']} left (image, project) numberOfAnnotations at {after}, "
                   f"not back at {before}")
    return True


def deleting_a_project_removes_its_images_and_annotations(ctx: Any, response: Any, case: Any) -> bool | None:
    """A project the run created, given an image instance and an annotation on it, takes both with it when it is
    deleted (once per run)."""
    project = created(case, response, "project")
    if project is None or not memo.first("project cascade"):
        return None
    bases = expect(case, follow_up(case, "GET", "/api/abstractimage.json", query={"max": 1}), ok,
                   "listing abstract images")
    base = next(iter(bases.get("collection") or []), None) if isinstance(bases, dict) else None
    image = create(case, "imageinstance", {"baseImage": base["id"], "project": project["id"]}) if base else None
    annotation = create(case, "annotation", {"location": SQUARE, "image": image["id"]}) if image else None
    if image is None or annotation is None:
        return None
    read(case, "imageinstance", image["id"])
    read(case, "annotation", annotation["id"])
    delete(case, "project", project["id"])
    for kind, ident in (("imageinstance", image["id"]), ("annotation", annotation["id"])):
        if (status := status_of(case, "GET", f"/api/{kind}/{{id}}.json", ident)) != 404:
            fail(case, f"{kind} {ident} of the deleted project {project['id']} still answers {status}")
    return True


def an_ontology_in_use_cannot_be_deleted(ctx: Any, response: Any, case: Any) -> bool | None:
    """An ontology a project uses refuses its delete (and stays); once unused it can be deleted (once per run)."""
    ontology = created(case, response, "ontology")
    if ontology is None or not memo.first("ontology in use"):
        return None
    project = create(case, "project", {"name": fresh_name(), "ontology": ontology["id"]})
    if project is None:
        return None
    if ok(refused := status_of(case, "DELETE", "/api/ontology/{id}.json", ontology["id"]) or 0):
        fail(case, f"deleting ontology {ontology['id']}, the ontology of project {project['id']}, answered {refused}")
    read(case, "ontology", ontology["id"])
    delete(case, "project", project["id"])
    delete(case, "ontology", ontology["id"], " once no project uses it")
    return True


CHECKS: tuple[CheckFunction, ...] = (
    read_by_id_answers_that_object, collection_envelope_adds_up, project_counters_match_its_lists,
    created_annotation_reads_back, created_annotation_is_listed, annotation_counters_follow_create_and_delete,
    deleting_a_project_removes_its_images_and_annotations, an_ontology_in_use_cannot_be_deleted)
"""Error bodies, ``class``, ``id`` and ``created`` are the spec's ``Error`` and ``Object`` schemas: schemathesis'
schema check reports them, no domain check repeats it."""
EXCHANGE_CHECKS: tuple[CheckFunction, ...] = (read_by_id_answers_that_object, collection_envelope_adds_up)
"""The checks that need only the exchange at hand (``mockserver proxy`` runs them on live traffic)."""
