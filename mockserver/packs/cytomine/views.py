"""Records → the wire objects of the Spring core: ``class`` on every object, ``created``/``updated`` as strings of
epoch milliseconds, foreign keys as bare ids with their denormalised names, counters counted now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import CLASS_PREFIX, Cytomine
from mockserver.packs.cytomine.geometry import Measures, parse

CLASSES: dict[type[Any], str] = {
    r.User: "security.User",
    r.Storage: "image.server.Storage",
    r.UploadedFile: "image.UploadedFile",
    r.AbstractImage: "image.AbstractImage",
    r.AbstractSlice: "image.AbstractSlice",
    r.SliceInstance: "image.SliceInstance",
    r.Ontology: "ontology.Ontology",
    r.Term: "ontology.Term",
    r.Project: "project.Project",
    r.ImageInstance: "image.ImageInstance",
    r.Annotation: "ontology.UserAnnotation",
    r.AnnotationTerm: "ontology.AnnotationTerm",
    r.Property: "meta.Property",
    r.Tag: "meta.Tag",
    r.TagAssociation: "meta.TagDomainAssociation",
    r.Description: "meta.Description",
    r.Role: "security.SecRole",
    r.UserRole: "security.SecUserSecRole",
    r.RelationTerm: "ontology.RelationTerm",
    r.Track: "ontology.Track",
    r.AnnotationTrack: "ontology.AnnotationTrack",
    r.AttachedFile: "meta.AttachedFile",
    r.Review: "ontology.ReviewedAnnotation",
    r.ImageGroup: "image.group.ImageGroup",
    r.ImageGroupImage: "image.group.ImageGroupImageInstance",
    r.AnnotationGroup: "ontology.AnnotationGroup",
    r.AnnotationLink: "ontology.AnnotationLink",
    r.AnnotationFilter: "ontology.AnnotationFilter",
}


ANNOTATION_CLASS = CLASS_PREFIX + CLASSES[r.Annotation]


def class_of(record_type: type[Any]) -> str:
    return CLASS_PREFIX + CLASSES[record_type]


def stamp(ms: int | None) -> str | None:
    return None if ms is None else str(ms)


def common(record: Any) -> dict[str, Any]:
    return {"class": class_of(type(record)), "id": record.id, "created": stamp(record.created),
            "updated": stamp(getattr(record, "updated", None)), "deleted": None}


def user(cy: Cytomine, record: r.User, me: r.User | None = None) -> dict[str, Any]:
    shown = {**common(record), "username": record.username, "firstname": record.firstname,
             "lastname": record.lastname, "name": f"{record.firstname} {record.lastname}",
             "fullName": f"{record.firstname} {record.lastname}", "email": record.email,
             "publicKey": record.public_key, "admin": record.admin, "guest": False, "algo": False,
             "isDeveloper": False, "language": "ENGLISH", "origin": "BOOTSTRAP"}
    if me is not None and (me.id == record.id or me.admin):
        shown["privateKey"] = record.private_key  # only the user and admins see it
    return shown


def storage(cy: Cytomine, record: r.Storage) -> dict[str, Any]:
    return {**common(record), "name": record.name, "user": record.user}


def ontology(cy: Cytomine, record: r.Ontology) -> dict[str, Any]:
    terms = cy.store.select(r.Term, "ontology = ?", (record.id,), order="id")
    projects = cy.store.select(r.Project, "ontology = ?", (record.id,), order="id")
    return {**common(record), "name": record.name, "user": record.user, "title": record.name,
            "attr": {"id": record.id, "type": class_of(r.Ontology)}, "data": record.name, "isFolder": True,
            "key": record.id, "hideCheckbox": True, "state": "open",
            "projects": [{"id": p.id, "name": p.name} for p in projects],
            "children": [node(t, terms) for t in terms if t.parent is None]}


def node(term: r.Term, terms: list[r.Term]) -> dict[str, Any]:
    """A term in the ontology's tree (``children``)."""
    children = [node(t, terms) for t in terms if t.parent == term.id]
    return {"id": term.id, "name": term.name, "title": term.name, "data": term.name, "color": term.color,
            "class": class_of(r.Term), "parent": term.parent, "attr": {"id": term.id, "type": class_of(r.Term)},
            "checked": False, "key": term.id, "children": children, "isFolder": bool(children),
            "hideCheckbox": bool(children)}


def term(cy: Cytomine, record: r.Term) -> dict[str, Any]:
    return {**common(record), "name": record.name, "ontology": record.ontology, "color": record.color,
            "comment": record.comment, "parent": record.parent}


def project(cy: Cytomine, record: r.Project) -> dict[str, Any]:
    ontology_record = cy.store.get(r.Ontology, record.ontology) if record.ontology else None
    images = cy.store.count(r.ImageInstance, "project = ?", (record.id,))
    annotations = cy.store.count(r.Annotation, "project = ?", (record.id,))
    return {**common(record), "name": record.name, "ontology": record.ontology,
            "ontologyName": ontology_record.name if ontology_record else None, "blindMode": record.blind_mode,
            "isClosed": record.is_closed, "isReadOnly": record.is_read_only, "isRestricted": record.is_restricted,
            "hideUsersLayers": record.hide_users_layers, "hideAdminsLayers": record.hide_admins_layers,
            "numberOfImages": images, "numberOfAnnotations": annotations, "numberOfJobAnnotations": 0,
            "numberOfReviewedAnnotations": cy.store.count(r.Review, "project = ?", (record.id,)),
            "areImagesDownloadable": False}


def uploaded_file(cy: Cytomine, record: r.UploadedFile) -> dict[str, Any]:
    return {**common(record), "storage": record.storage, "user": record.user,
            "originalFilename": record.original_filename, "filename": record.filename, "ext": record.ext,
            "contentType": record.content_type, "size": record.size, "status": record.status,
            "parent": record.parent, "path": f"/data/images/{record.user}/{record.filename}",
            "isArchive": False, "projects": []}


def _image_fields(cy: Cytomine, base: r.AbstractImage) -> dict[str, Any]:
    return {"originalFilename": base.original_filename, "filename": base.original_filename,
            "width": base.width, "height": base.height, "depth": base.depth, "duration": 1, "channels": base.channels,
            "physicalSizeX": base.physical_size_x, "physicalSizeY": base.physical_size_x, "physicalSizeZ": None,
            "fps": None, "zoom": max(1, (max(base.width, base.height) // 256).bit_length()),
            "magnification": base.magnification, "bitPerSample": 8, "samplePerPixel": base.channels,
            "colorspace": "sRGB", "contentType": base.content_type}


def abstract_image(cy: Cytomine, record: r.AbstractImage) -> dict[str, Any]:
    url = f"{cy.base_url}/api/abstractimage/{record.id}"
    return {**common(record), **_image_fields(cy, record), "uploadedFile": record.uploaded_file,
            "user": record.user, "dimensions": "XYC" if record.channels > 1 else "XY",
            "thumb": f"{url}/thumb.png?maxSize=512", "preview": f"{url}/thumb.png?maxSize=1024", "macroURL": None}


def image_instance(cy: Cytomine, record: r.ImageInstance, me: r.User | None = None) -> dict[str, Any]:
    """In a blind-mode project, only managers see the file names; others get ``blindedName`` (the base image id)."""
    base = cy.store.get(r.AbstractImage, record.base_image)
    assert base is not None
    project_record = cy.store.get(r.Project, record.project)
    url = f"{cy.base_url}/api/imageinstance/{record.id}"
    shown = {**common(record), **_image_fields(cy, base), "baseImage": record.base_image, "project": record.project,
             "user": record.user, "instanceFilename": record.instance_filename or base.original_filename,
             "blindedName": None, "reviewStart": None, "reviewStop": None, "reviewUser": None,
             "reviewed": record.reviewed, "inReview": False,
             "numberOfAnnotations": cy.store.count(r.Annotation, "image = ?", (record.id,)),
             "numberOfJobAnnotations": 0,
             "numberOfReviewedAnnotations": cy.store.count(r.Review, "image = ?", (record.id,)),
             "thumb": f"{url}/thumb.png?maxSize=512", "preview": f"{url}/thumb.png?maxSize=1024",
             "macroURL": f"{url}/associated/macro.png?maxWidth=512"}
    sees_names = me is not None and project_record is not None and cy.can_manage_project(project_record, me)
    if project_record is not None and project_record.blind_mode and not sees_names:
        shown |= {"blindedName": str(base.id), "instanceFilename": None, "originalFilename": None, "filename": None}
    return shown


def annotation(cy: Cytomine, record: r.Annotation) -> dict[str, Any]:
    return annotation_views(cy, [record])[0]


def annotation_views(cy: Cytomine, records: Sequence[r.Annotation]) -> list[dict[str, Any]]:
    """The wire objects of ``records``: their terms, tracks, reviews and reference slices read in a few queries
    for all of them, their geometries measured together."""
    ids = [record.id for record in records]
    terms = _grouped(cy, "SELECT DISTINCT annotation, term FROM annotation_terms WHERE annotation IN ({}) "
                         "ORDER BY annotation, term", ids)
    tracks = _grouped(cy, "SELECT annotation, track FROM annotation_tracks WHERE annotation IN ({}) "
                          "ORDER BY annotation, track", ids)
    reviewed = {row[0] for row in cy.store.rows_in("SELECT DISTINCT parent FROM reviews WHERE parent IN ({})", ids)}
    slices = {row[0]: row[1] for row in cy.store.rows_in(
        "SELECT image, MIN(id) FROM slice_instances WHERE image IN ({}) GROUP BY image",
        list(dict.fromkeys(record.image for record in records)))}
    base, shapes = cy.base_url, cy.measures([record.location for record in records])
    return [_annotation(record, shape, base, terms.get(record.id, []), tracks.get(record.id, []),
                        record.id in reviewed, slices.get(record.image))
            for record, shape in zip(records, shapes, strict=True)]


def _grouped(cy: Cytomine, sql: str, ids: list[int]) -> dict[int, list[int]]:
    """``annotation → values`` of a two-column query over the annotations ``ids``, in the query's order."""
    found: dict[int, list[int]] = {}
    for key, value in cy.store.rows_in(sql, ids):
        found.setdefault(key, []).append(value)
    return found


def _annotation(record: r.Annotation, shape: Measures, base: str, terms: list[int], tracks: list[int],
                reviewed: bool, reference: int | None) -> dict[str, Any]:
    crop = f"{base}/api/userannotation/{record.id}/crop.png"
    return {"class": ANNOTATION_CLASS, "id": record.id, "created": stamp(record.created),
            "updated": stamp(record.updated), "deleted": None, "slice": reference, "image": record.image,
            "project": record.project, "user": record.user, "location": record.location,
            "geometryCompression": 0.0, "centroid": {"x": shape.x, "y": shape.y}, "area": shape.area,
            "areaUnit": 1, "perimeter": shape.perimeter, "perimeterUnit": 0, "term": terms, "track": tracks,
            "nbComments": 0, "reviewed": reviewed, "cropURL": crop, "smallCropURL": f"{crop}?maxSize=256",
            "url": crop, "imageURL": f"{base}/#/project/{record.project}/image/{record.image}/annotation/{record.id}"}


def annotation_term(cy: Cytomine, record: r.AnnotationTerm) -> dict[str, Any]:
    return {**common(record), "userannotation": record.annotation, "annotationIdent": record.annotation,
            "annotationClassName": class_of(r.Annotation), "term": record.term, "user": record.user}


def property_(cy: Cytomine, record: r.Property) -> dict[str, Any]:
    return {**common(record), "domainClassName": record.domain_class, "domainIdent": record.domain_ident,
            "key": record.key, "value": record.value}


def tag(cy: Cytomine, record: r.Tag) -> dict[str, Any]:
    creator = cy.store.get(r.User, record.user)
    return {**common(record), "name": record.name, "user": record.user,
            "creatorName": creator.username if creator else None}


def tag_association(cy: Cytomine, record: r.TagAssociation) -> dict[str, Any]:
    found = cy.store.get(r.Tag, record.tag)
    return {**common(record), "tag": record.tag, "tagName": found.name if found else None,
            "domainClassName": record.domain_class, "domainIdent": record.domain_ident}


def description(cy: Cytomine, record: r.Description) -> dict[str, Any]:
    return {**common(record), "domainClassName": record.domain_class, "domainIdent": record.domain_ident,
            "data": record.data}


def abstract_slice(cy: Cytomine, record: r.AbstractSlice) -> dict[str, Any]:
    return {**common(record), "image": record.image, "uploadedFile": record.uploaded_file, "mime": record.mime,
            "channel": record.channel, "zStack": record.z_stack, "time": record.time, "rank": 0,
            "path": f"/data/images/slices/{record.id}"}


def slice_instance(cy: Cytomine, record: r.SliceInstance) -> dict[str, Any]:
    base = cy.store.get(r.AbstractSlice, record.base_slice)
    return {**common(record), "image": record.image, "baseSlice": record.base_slice, "project": record.project,
            "channel": base.channel if base else 0, "zStack": base.z_stack if base else 0,
            "time": base.time if base else 0, "rank": 0, "channelName": None, "channelColor": None,
            "mime": base.mime if base else None}


def role(cy: Cytomine, record: r.Role) -> dict[str, Any]:
    return {**common(record), "authority": record.authority}


def user_role(cy: Cytomine, record: r.UserRole) -> dict[str, Any]:
    found = cy.store.get(r.Role, record.role)
    return {**common(record), "user": record.user, "role": record.role,
            "authority": found.authority if found else None}


def relation_term(cy: Cytomine, record: r.RelationTerm) -> dict[str, Any]:
    return {**common(record), "relation": "parent", "term1": record.term1, "term2": record.term2}


def track(cy: Cytomine, record: r.Track) -> dict[str, Any]:
    return {**common(record), "name": record.name, "image": record.image, "project": record.project,
            "color": record.color}


def annotation_track(cy: Cytomine, record: r.AnnotationTrack) -> dict[str, Any]:
    return {**common(record), "annotationIdent": record.annotation, "annotationClassName": class_of(r.Annotation),
            "track": record.track, "slice": None}


def attached_file(cy: Cytomine, record: r.AttachedFile) -> dict[str, Any]:
    return {**common(record), "domainClassName": record.domain_class, "domainIdent": record.domain_ident,
            "filename": record.filename, "url": f"{cy.base_url}/api/attachedfile/{record.id}/download"}


def review(cy: Cytomine, record: r.Review) -> dict[str, Any]:
    shape = parse(record.location)
    return {**common(record), "parentIdent": record.parent, "parentClassName": class_of(r.Annotation),
            "image": record.image, "project": record.project, "user": record.user, "reviewUser": record.user,
            "location": record.location, "terms": record.terms, "term": record.terms, "status": 0,
            "area": shape.area, "perimeter": shape.perimeter, "centroid": shape.centroid}


def image_group(cy: Cytomine, record: r.ImageGroup) -> dict[str, Any]:
    images = cy.store.count(r.ImageGroupImage, "image_group = ?", (record.id,))
    return {**common(record), "name": record.name, "project": record.project, "numberOfImages": images}


def image_group_image(cy: Cytomine, record: r.ImageGroupImage) -> dict[str, Any]:
    return {**common(record), "group": record.image_group, "image": record.image}


def annotation_group(cy: Cytomine, record: r.AnnotationGroup) -> dict[str, Any]:
    return {**common(record), "project": record.project, "imageGroup": record.image_group, "type": record.type}


def annotation_link(cy: Cytomine, record: r.AnnotationLink) -> dict[str, Any]:
    return {**common(record), "group": record.annotation_group, "annotationIdent": record.annotation,
            "annotationClassName": class_of(r.Annotation), "image": record.image}


def annotation_filter(cy: Cytomine, record: r.AnnotationFilter) -> dict[str, Any]:
    return {**common(record), "name": record.name, "project": record.project, "user": record.user,
            "users": record.users, "terms": record.terms}
