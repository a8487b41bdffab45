"""Properties, tags and descriptions through the client."""

from __future__ import annotations

from cytomine import Cytomine
from cytomine.models import (
    Annotation,
    AnnotationCollection,
    Description,
    ProjectCollection,
    Property,
    PropertyCollection,
    Tag,
    TagCollection,
    TagDomainAssociation,
    TagDomainAssociationCollection,
)
from mockserve import Mock


def test_property_lifecycle(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    prop = Property(project, key="stain", value="H&E").save()
    assert prop and prop.id and prop.domainIdent == project.id
    assert Property(project).fetch(key="stain").value == "H&E"
    assert Property(project).fetch(prop.id).key == "stain"
    prop.value = "IHC"
    assert prop.update() and Property(project).fetch(prop.id).value == "IHC"
    assert PropertyCollection(project).fetch().as_dict()["stain"].value == "IHC"
    assert prop.delete() and Property(project).fetch(prop.id) is False


def test_annotation_properties(admin: Cytomine) -> None:
    annotation = AnnotationCollection(project=ProjectCollection().fetch()[0].id).fetch()[0]
    annotation = Annotation().fetch(annotation.id)
    assert Property(annotation, key="score", value="0.9").save()
    assert [p.key for p in PropertyCollection(annotation).fetch()] == ["score"]


def test_bulk_properties(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    properties = PropertyCollection(project)
    properties.extend([Property(project, key=f"k{i}", value=str(i)) for i in range(3)])
    assert properties.save(n_workers=1)
    assert sorted(PropertyCollection(project).fetch().as_dict()) == ["k0", "k1", "k2"]


def test_tags_and_associations(mock: Mock, admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    assert Tag().save() is False  # a tag without a name is refused
    tag = Tag("urgent").save()
    assert tag and tag.id and [t.name for t in TagCollection().fetch()] == ["urgent"]
    tag.name = "later"
    assert tag.update() and Tag().fetch(tag.id).name == "later"
    association = TagDomainAssociation(project, tag.id).save()
    assert association and association.id and association.tag == tag.id
    assert TagDomainAssociation(project).fetch(association.id)
    assert [a.tag for a in TagDomainAssociationCollection(project).fetch()] == [tag.id]
    assert association.delete() and len(TagDomainAssociationCollection(project).fetch()) == 0
    assert tag.delete() and Tag().fetch(tag.id) is False


def test_descriptions(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    assert Description(project).fetch() is False
    description = Description(project, "<p>Lung biopsies</p>").save()
    assert description and description.data == "<p>Lung biopsies</p>"
    description.data = "<p>Liver</p>"
    assert description.update() and Description(project).fetch().data == "<p>Liver</p>"
    assert description.delete() and Description(project).fetch() is False
