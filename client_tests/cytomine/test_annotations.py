"""Annotations through the client: save, fetch, update, delete, counters, queries, bulk, annotation terms."""

from __future__ import annotations

from cytomine import Cytomine
from cytomine.models import (
    Annotation,
    AnnotationCollection,
    AnnotationTerm,
    ImageInstance,
    ImageInstanceCollection,
    Project,
    ProjectCollection,
    TermCollection,
)
from cytomine.models.annotation import AnnotationFilter, AnnotationFilterCollection  # not re-exported
from mockserve import Mock

SQUARE = "POLYGON ((10 10, 10 60, 60 60, 60 10, 10 10))"


def seeded() -> tuple[Project, list[ImageInstance], list[int]]:
    project = ProjectCollection().fetch()[0]
    images = sorted(ImageInstanceCollection().fetch_with_filter("project", project.id), key=lambda i: i.id)
    terms = sorted(t.id for t in TermCollection().fetch_with_filter("project", project.id))
    return project, images, terms


def test_annotation_lifecycle_and_counters(mock: Mock, admin: Cytomine) -> None:
    project, images, terms = seeded()
    before = (ImageInstance().fetch(images[0].id).numberOfAnnotations, project.numberOfAnnotations)
    annotation = Annotation(location=SQUARE, id_image=images[0].id, id_terms=[terms[0]]).save()
    assert annotation and annotation.id and annotation.project == project.id
    assert annotation.class_ == "be.cytomine.domain.ontology.UserAnnotation"
    assert (annotation.area, annotation.perimeter, annotation.term) == (2500.0, 200.0, [terms[0]])
    after = (ImageInstance().fetch(images[0].id).numberOfAnnotations, Project().fetch(project.id).numberOfAnnotations)
    assert after == (before[0] + 1, before[1] + 1)

    fetched = Annotation().fetch(annotation.id)
    assert fetched and fetched.location == SQUARE
    fetched.location = "POINT (100 100)"
    assert fetched.update() and Annotation().fetch(annotation.id).location == "POINT (100 100)"

    assert annotation.delete()
    assert Annotation().fetch(annotation.id) is False
    assert (ImageInstance().fetch(images[0].id).numberOfAnnotations,
            Project().fetch(project.id).numberOfAnnotations) == before


def test_malformed_wkt_is_refused(admin: Cytomine) -> None:
    _, images, _ = seeded()
    assert Annotation(location="POLYGON ((10 10, 10", id_image=images[0].id).save() is False


def test_queries_by_project_image_and_term(mock: Mock, admin: Cytomine) -> None:
    project, images, terms = seeded()
    by_project = AnnotationCollection(project=project.id, showWKT=True, showMeta=True, showTerm=True).fetch()
    assert len(by_project) == project.numberOfAnnotations == 15
    assert all(a.location and a.project == project.id for a in by_project)
    by_image = AnnotationCollection(image=images[1].id, showMeta=True).fetch()
    assert {a.image for a in by_image} == {images[1].id} and len(by_image) == images[1].numberOfAnnotations
    by_term = AnnotationCollection(project=project.id, term=terms[0], showTerm=True).fetch()
    assert by_term and all(terms[0] in a.term for a in by_term)
    expected = mock.get("annotation.json", project=project.id, term=terms[0])["size"]
    assert len(by_term) == expected


def test_bulk_annotations(admin: Cytomine) -> None:
    _, images, _ = seeded()
    annotations = AnnotationCollection()
    annotations.extend([Annotation(location=f"POINT ({i} {i})", id_image=images[2].id) for i in range(4)])
    assert annotations.save(n_workers=1)
    assert len(AnnotationCollection(image=images[2].id).fetch()) == images[2].numberOfAnnotations + 4


def test_annotation_terms(admin: Cytomine) -> None:
    _, images, terms = seeded()
    annotation = Annotation(location=SQUARE, id_image=images[0].id).save()
    assert annotation
    association = AnnotationTerm(annotation.id, terms[1]).save()
    assert association and association.term == terms[1]
    fetched = AnnotationTerm().fetch(annotation.id, terms[1])
    assert fetched and fetched.id == association.id
    assert [t.id for t in TermCollection().fetch_with_filter("annotation", annotation.id)] == [terms[1]]
    assert fetched.delete()  # the client deletes only a model with an id: a fetched one
    assert AnnotationTerm().fetch(annotation.id, terms[1]) is False


def test_images_of_a_project(mock: Mock, admin: Cytomine) -> None:
    project, images, _ = seeded()
    assert [i.id for i in images] == sorted(i["id"] for i in mock.get(f"project/{project.id}/imageinstance.json")
                                             ["collection"])
    image = ImageInstance().fetch(images[0].id)
    image.instanceFilename = "renamed.svs"
    assert image.update() and ImageInstance().fetch(image.id).instanceFilename == "renamed.svs"
    assert image.delete() and ImageInstance().fetch(image.id) is False
    assert AnnotationCollection(project=project.id).fetch() is not False
    assert Project().fetch(project.id).numberOfImages == 2


def test_deleting_a_project_removes_its_annotations(mock: Mock, admin: Cytomine) -> None:
    project, images, _ = seeded()
    annotation_ids = [a.id for a in AnnotationCollection(project=project.id).fetch()]
    assert project.delete()
    assert ImageInstance().fetch(images[0].id) is False
    assert Annotation().fetch(annotation_ids[0]) is False
    assert mock.get("annotation.json")["size"] == 0


def test_review(admin: Cytomine) -> None:
    project, images, terms = seeded()
    annotation = AnnotationCollection(image=images[0].id).fetch()[0]
    assert annotation.review([terms[0]])  # the client sends a form body under a JSON content type
    assert Annotation().fetch(annotation.id).reviewed is True
    assert Project().fetch(project.id).numberOfReviewedAnnotations == 1


def test_annotation_filters(admin: Cytomine) -> None:
    project, _, terms = seeded()
    saved = AnnotationFilter("mine", users=[], terms=[terms[0]], project=project.id).save()
    assert saved and saved.id
    assert [f.id for f in AnnotationFilterCollection(project=project.id).fetch()] == [saved.id]
    saved.name = "ours"
    assert saved.update() and AnnotationFilter().fetch(saved.id).name == "ours"
    assert saved.delete() and AnnotationFilter().fetch(saved.id) is False
