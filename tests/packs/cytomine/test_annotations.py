"""Annotations: WKT validated and measured, counters right after create and delete, queries, annotation terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp, create_app
from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.settings import Settings
from mockserver.store import Store
from tests.packs.cytomine.conftest import created
from tests.sqlite_work import sqlite_instructions

Role = Callable[[str], dict[str, str]]
SQUARE = "POLYGON ((10 10, 10 60, 60 60, 60 10, 10 10))"
RELATED = ("annotation_terms", "annotation_tracks", "reviews", "slice_instances")
"""The tables an annotation's view reads besides its own."""


def first_image(cy: TestClient, as_role: Role) -> dict[str, Any]:
    admin = as_role("admin")
    project = cy.get("/api/project.json", headers=admin).json()["collection"][0]
    image: dict[str, Any] = cy.get(f"/api/project/{project['id']}/imageinstance.json", params={"sort": "id",
                                   "order": "asc"}, headers=admin).json()["collection"][0]
    return image


def counters(cy: TestClient, as_role: Role, image: dict[str, Any]) -> tuple[int, int]:
    admin = as_role("admin")
    project = cy.get(f"/api/project/{image['project']}.json", headers=admin).json()
    again = cy.get(f"/api/imageinstance/{image['id']}.json", headers=admin).json()
    return again["numberOfAnnotations"], project["numberOfAnnotations"]


def test_create_measures_and_counts(cy: TestClient, as_role: Role) -> None:
    image = first_image(cy, as_role)
    before = counters(cy, as_role, image)
    terms = cy.get(f"/api/project/{image['project']}/term.json", headers=as_role("user")).json()["collection"]
    body = {"location": SQUARE, "image": image["id"], "term": [terms[0]["id"]]}
    response = cy.post("/api/annotation.json", json=body, headers=as_role("user"))
    annotation = created(response, "annotation")
    assert "userannotation" not in response.json()
    assert annotation["class"] == "be.cytomine.domain.ontology.UserAnnotation"
    assert (annotation["area"], annotation["perimeter"], annotation["centroid"]) == (2500.0, 200.0, {"x": 35.0,
                                                                                                    "y": 35.0})
    assert annotation["term"] == [terms[0]["id"]] and annotation["project"] == image["project"]
    assert counters(cy, as_role, image) == (before[0] + 1, before[1] + 1)
    assert created(cy.delete(f"/api/annotation/{annotation['id']}.json", headers=as_role("user")),
                   "annotation")["id"] == annotation["id"]
    assert counters(cy, as_role, image) == before
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=as_role("user")).status_code == 404


@pytest.mark.parametrize("location", ["POLYGON ((10 10, 10 60", "hello", "POLYGON EMPTY", "", None, 12, ["x"]])
def test_malformed_wkt_is_a_400_in_cytomines_form(cy: TestClient, as_role: Role, location: object) -> None:
    image = first_image(cy, as_role)
    response = cy.post("/api/annotation.json", json={"location": location, "image": image["id"]},
                       headers=as_role("admin"))
    assert response.status_code == 400 and set(response.json()) == {"errors"}
    assert "location" in response.json()["errors"]["message"]


def test_update_accepts_what_the_client_sends_back(cy: TestClient, as_role: Role) -> None:
    image = first_image(cy, as_role)
    annotation = created(cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"]},
                                 headers=as_role("admin")), "annotation")
    body = {**annotation, "class_": annotation["class"], "location": "POINT (5 5)", "area": 1.0}
    updated = created(cy.put(f"/api/annotation/{annotation['id']}.json", json=body, headers=as_role("admin")),
                      "annotation")
    assert updated["location"] == "POINT (5 5)" and updated["area"] == 0.0
    bad = cy.put(f"/api/annotation/{annotation['id']}.json", json={"location": "POINT ("}, headers=as_role("admin"))
    assert bad.status_code == 400


def test_queries_by_project_image_term_and_user(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    everything = cy.get("/api/annotation.json", params={"project": image["project"], "showWKT": "True",
                                                         "included": "False"}, headers=admin).json()
    assert everything["size"] == 15
    on_image = cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()
    assert on_image["size"] == image["numberOfAnnotations"] and {a["image"] for a in on_image["collection"]} == {
        image["id"]}
    term = everything["collection"][0]["term"][0]
    with_term = cy.get("/api/annotation.json", params={"project": image["project"], "term": term},
                       headers=admin).json()
    assert with_term["size"] == sum(term in a["term"] for a in everything["collection"]) > 0
    contributor = cy.get("/api/user/current.json", headers=as_role("user")).json()
    by_user = cy.get("/api/annotation.json", params={"project": image["project"], "user": contributor["id"]},
                     headers=admin).json()
    assert 0 < by_user["size"] < 15 and {a["user"] for a in by_user["collection"]} == {contributor["id"]}
    assert cy.get("/api/annotation.json", params={"noTerm": "true", "project": image["project"]},
                  headers=admin).json()["size"] == 0


def test_annotation_terms(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    annotation = created(cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"]},
                                 headers=admin), "annotation")
    term = cy.get(f"/api/project/{image['project']}/term.json", headers=admin).json()["collection"][1]
    url = f"/api/annotation/{annotation['id']}/term/{term['id']}.json"
    assert cy.get(url, headers=admin).status_code == 404
    association = created(cy.post(url, headers=admin), "annotationterm")
    assert association["class"] == "be.cytomine.domain.ontology.AnnotationTerm"
    assert cy.get(url, headers=admin).json()["term"] == term["id"]
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=admin).json()["term"] == [term["id"]]
    assert cy.delete(url, headers=admin).status_code == 200
    assert cy.get(url, headers=admin).status_code == 404


def test_a_term_of_another_ontology_is_refused(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    ontology = created(cy.post("/api/ontology.json", json={"name": "Other"}, headers=admin), "ontology")
    term = created(cy.post("/api/term.json", json={"name": "X", "ontology": ontology["id"], "color": "#000000"},
                           headers=admin), "term")
    response = cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"], "term": [term["id"]]},
                       headers=admin)
    assert response.status_code == 400 and response.json()["success"] is False


def test_bulk_annotations(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    items = [{"location": f"POINT ({i} {i})", "image": image["id"]} for i in range(3)]
    response = cy.post("/api/annotation.json", json=items, headers=admin)
    assert response.status_code == 200 and response.json()["data"]["message"].startswith("userannotations ")
    assert counters(cy, as_role, image)[0] == image["numberOfAnnotations"] + 3


def test_outsiders_cannot_annotate(cy: TestClient, as_role: Role) -> None:
    image = first_image(cy, as_role)
    response = cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"]},
                       headers=as_role("guest"))
    assert response.status_code == 403 and "errors" in response.json()


def test_review_with_the_clients_form_body_and_counters(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    annotation = cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()["collection"][0]
    url = f"/api/annotation/{annotation['id']}/review.json"
    assert cy.post(url, headers=as_role("user")).status_code == 403  # contributors do not review
    sent = cy.post(url, content=f"id={annotation['id']}&terms={annotation['term'][0]}".encode(),
                   headers={**admin, "content-type": "application/json"})
    review = created(sent, "reviewedannotation")
    assert review["parentIdent"] == annotation["id"] and review["terms"] == annotation["term"][:1]
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=admin).json()["reviewed"] is True
    assert cy.get(f"/api/imageinstance/{image['id']}.json", headers=admin).json()["numberOfReviewedAnnotations"] == 1
    assert cy.get(f"/api/project/{image['project']}.json", headers=admin).json()["numberOfReviewedAnnotations"] == 1
    assert cy.post(url, json={"terms": []}, headers=admin).status_code == 409
    assert cy.delete(url, headers=admin).status_code == 200
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=admin).json()["reviewed"] is False
    assert cy.delete(url, headers=admin).status_code == 404


def test_included_answers_the_annotation_query(cy: TestClient, as_role: Role) -> None:
    image = first_image(cy, as_role)
    query = {"image": image["id"]}
    included = cy.get("/api/annotation/included.json", params=query, headers=as_role("admin")).json()
    assert included == cy.get("/api/annotation.json", params=query, headers=as_role("admin")).json()


def test_annotation_filters_and_clear_before(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    terms = cy.get(f"/api/project/{image['project']}/term.json", headers=admin).json()["collection"]
    body = {"name": "mine", "project": image["project"], "users": [], "terms": [terms[0]["id"]]}
    saved = created(cy.post("/api/annotationfilter.json", json=body, headers=admin), "annotationfilter")
    assert cy.get("/api/annotationfilter.json", params={"project": image["project"]}, headers=admin).json()[
        "size"] == 1
    assert cy.get("/api/annotationfilter.json", headers=admin).status_code == 400  # the project is required
    edited = created(cy.put(f"/api/annotationfilter/{saved['id']}.json", json={"name": "ours"}, headers=admin),
                     "annotationfilter")
    assert edited["name"] == "ours" and edited["terms"] == [terms[0]["id"]]
    assert cy.delete(f"/api/annotationfilter/{saved['id']}.json", headers=admin).status_code == 200
    annotation = created(cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"],
                                                               "term": [terms[0]["id"]]}, headers=admin), "annotation")
    replaced = cy.post(f"/api/annotation/{annotation['id']}/term/{terms[1]['id']}/clearBefore.json", headers=admin)
    assert created(replaced, "annotationterm")["term"] == terms[1]["id"]
    assert cy.get(f"/api/annotation/{annotation['id']}.json", headers=admin).json()["term"] == [terms[1]["id"]]


@pytest.mark.parametrize("bbox", ["0,0,100,100", "100,100,0,0", "POLYGON ((0 0, 0 100, 100 100, 100 0, 0 0))"])
def test_bbox_keeps_the_annotations_it_intersects(cy: TestClient, as_role: Role, bbox: str) -> None:
    admin = as_role("admin")
    image = first_image(cy, as_role)
    inside = created(cy.post("/api/annotation.json", json={"location": SQUARE, "image": image["id"]}, headers=admin),
                     "annotation")
    found = cy.get("/api/annotation.json", params={"image": image["id"], "bbox": bbox}, headers=admin).json()
    assert [a["id"] for a in found["collection"]] == [inside["id"]]  # the seeded ones lie far beyond 100 px


def test_a_malformed_bbox_is_a_400(cy: TestClient, as_role: Role) -> None:
    response = cy.get("/api/annotation.json", params={"bbox": "1,2,x,4"}, headers=as_role("admin"))
    assert response.status_code == 400 and "bbox" in response.json()["errors"]["message"]


@pytest.mark.parametrize("query", [{}, {"sort": "created", "order": "asc"}, {"sort": "updated", "max": 4},
                                   {"sort": "updated", "order": "asc", "max": 5, "offset": 3},
                                   {"sort": "user", "order": "asc"}, {"sort": "id", "max": 0, "offset": 10},
                                   {"max": 6, "offset": 12}])
def test_a_page_read_in_sql_is_the_page_of_every_view(cy: TestClient, as_role: Role, query: dict[str, Any]) -> None:
    """A query the store pages (a column's order, no ``field[op]`` filter) answers what filtering, ordering and
    paging every annotation's view gives (``id[gte]=0`` keeps them all, and asks for that)."""
    admin = as_role("admin")
    image = first_image(cy, as_role)
    some = cy.get("/api/annotation.json", params={"project": image["project"], "max": 3}, headers=admin).json()
    for annotation in some["collection"]:  # a few with ``updated`` set, the others without
        assert cy.put(f"/api/annotation/{annotation['id']}.json", json={"location": SQUARE},
                      headers=admin).status_code == 200
    for scope in ({"project": image["project"]}, {"image": image["id"]}):
        paged = cy.get("/api/annotation.json", params={**scope, **query}, headers=admin)
        viewed = cy.get("/api/annotation.json", params={**scope, **query, "id[gte]": "0"}, headers=admin)
        assert paged.status_code == 200 and paged.content == viewed.content



def test_views_are_built_in_a_fixed_number_of_queries(cy: TestClient, cy_app: MockApp, as_role: Role,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The related rows (terms, tracks, reviews, slices) of the annotations shown come in one query each, not one
    per annotation."""
    admin = as_role("admin")
    image = first_image(cy, as_role)
    contributor = cy.get("/api/user/current.json", headers=as_role("user")).json()
    store = cy_app.backend.store
    statements: list[str] = []
    for primitive in ("_run", "_tuples"):
        original = getattr(store, primitive)
        monkeypatch.setattr(store, primitive, lambda sql, params=(), run=original: statements.append(sql) or run(
            sql, params))

    def queries(**query: Any) -> tuple[int, int]:
        statements.clear()
        page = cy.get("/api/annotation.json", params={"project": image["project"], **query}, headers=admin).json()
        return page["size"], sum(any(table in sql for table in RELATED) for sql in statements)

    mine, everything = queries(user=contributor["id"]), queries()
    assert mine[0] < everything[0] and mine[1] == everything[1]


def test_a_page_of_annotations_reads_only_its_own_tracks_and_reviews() -> None:
    """A page's tracks and reviews are looked up by annotation: thousands on other annotations cost it nothing
    (without an index on each, every page would read both tables through)."""
    app = create_app(Settings(api="cytomine", seed=1), store=Store.open(r.SCHEMA))  # SQLite's plan, either engine
    store, cy = app.backend.store, Cytomine(app.backend)
    annotations = store.select(r.Annotation, order="id")
    page, others = annotations[:3], annotations[3:]
    assert len(others) >= 3
    before = sqlite_instructions(store, lambda: views.annotation_views(cy, page))
    store.insert(*(r.AnnotationTrack(10**9 + i, others[i % len(others)].id, 7, 0) for i in range(3000)))
    store.insert(*(r.Review(10**9 + i, a.id, a.image, a.project, a.user, a.location, [], 0)
                   for i, a in enumerate(others * (3000 // len(others) + 1))))
    assert sqlite_instructions(store, lambda: views.annotation_views(cy, page)) <= before * 1.2
    shown = views.annotation_views(cy, [*page[:1], others[0]])
    assert [(v["track"][:1], v["reviewed"]) for v in shown] == [([], False), ([7], True)]
