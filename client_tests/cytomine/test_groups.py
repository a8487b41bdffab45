"""Image groups, annotation groups and annotation links through the client."""

from __future__ import annotations

from cytomine import Cytomine
from cytomine.models import (
    AnnotationCollection,
    AnnotationGroup,
    AnnotationGroupCollection,
    AnnotationLink,
    AnnotationLinkCollection,
    ImageGroup,
    ImageGroupCollection,
    ImageGroupImageInstance,
    ImageGroupImageInstanceCollection,
    ImageInstanceCollection,
    ProjectCollection,
)


def test_groups_and_links(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    images = sorted(ImageInstanceCollection().fetch_with_filter("project", project.id), key=lambda i: i.id)
    group = ImageGroup("slide 1", project.id).save()
    assert group and group.id
    assert [g.id for g in ImageGroupCollection().fetch_with_filter("project", project.id)] == [group.id]
    for image in images[:2]:
        assert ImageGroupImageInstance(group.id, image.id).save()
    assert ImageGroupImageInstance().fetch(group.id, images[0].id)
    assert len(ImageGroupImageInstanceCollection().fetch_with_filter("imagegroup", group.id)) == 2
    assert len(ImageGroupImageInstanceCollection().fetch_with_filter("imageinstance", images[1].id)) == 1
    assert len(ImageInstanceCollection().fetch_with_filter("imagegroup", group.id)) == 2

    first = AnnotationGroup(project.id, group.id).save()
    second = AnnotationGroup(project.id, group.id).save()
    assert first and second and first.type == "SAME_OBJECT"
    assert len(AnnotationGroupCollection().fetch_with_filter("project", project.id)) == 2
    assert len(AnnotationGroupCollection().fetch_with_filter("imagegroup", group.id)) == 2
    annotations = [AnnotationCollection(image=image.id).fetch()[0] for image in images[:2]]
    cls = "be.cytomine.domain.ontology.UserAnnotation"
    assert AnnotationLink(cls, annotations[0].id, first.id).save()
    assert AnnotationLink(cls, annotations[1].id, second.id).save()
    assert first.merge(second.id)
    assert len(AnnotationLinkCollection().fetch_with_filter("annotationgroup", first.id)) == 2
    assert len(AnnotationLinkCollection().fetch_with_filter("annotation", annotations[1].id)) == 1
    link = AnnotationLink().fetch(annotations[0].id, first.id)
    assert link and link.delete()
    membership = ImageGroupImageInstance().fetch(group.id, images[0].id)
    assert membership and membership.delete()
    group.name = "slide one"
    assert group.update() and ImageGroup().fetch(group.id).name == "slide one"
    assert group.delete() and ImageGroup().fetch(group.id) is False
