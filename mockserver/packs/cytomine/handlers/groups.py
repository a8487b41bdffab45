"""Image groups (images of a project that belong together) and annotation groups with their links (annotations
of one object across the images of an image group)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.annotations import annotation_of
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.packs.cytomine.handlers.images import readable_image
from mockserver.responses import json_response

TYPES = frozenset({"SAME_OBJECT", "SAME_ANNOTATION"})


def _writable(cy: Cytomine, project_id: int, me: r.User) -> r.Project:
    project = cy.readable_project(project_id, me)
    if not cy.can_write_in(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    return project


# image groups ------------------------------------------------------------------------------------

def image_group_of(cy: Cytomine, group_id: int, me: r.User, write: bool = False) -> r.ImageGroup:
    found = cy.store.get(r.ImageGroup, group_id)
    if found is None:
        raise NotFound.of("ImageGroup", group_id)
    if write:
        _writable(cy, found.project, me)
    else:
        cy.readable_project(found.project, me)
    return found


async def list_image_groups(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                            offset: int | None = None) -> Response:
    project = cy.readable_project(id_, cy.me(user))
    found = cy.store.select(r.ImageGroup, "project = ?", (project.id,), order="id")
    return listed([views.image_group(cy, g) for g in found], max_, offset)


def _new_image_group(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    project = _writable(cy, id_field(body, "project", "ImageGroup") or 0, me)
    name = text_field(body, "name", "ImageGroup") or ""
    record = r.ImageGroup(cy.new_id(), name, project.id, cy.now())
    cy.store.insert(record)
    return cy.command("imagegroup", views.image_group(cy, record), "Add", f"ImageGroup {record.id} ({name}) added")


async def create_image_group(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_image_group(cy, me, item), "imagegroups")


async def read_image_group(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.image_group(cy, image_group_of(cy, id_, cy.me(user))))


async def update_image_group(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = image_group_of(cy, id_, me, write=True)
        if "name" in body:
            record = cy.store.update(record, name=text_field(body, "name", "ImageGroup"), updated=cy.now())
        return json_response(cy.command("imagegroup", views.image_group(cy, record), "Edit",
                                        f"ImageGroup {record.id} ({record.name}) edited"))


def forget_image_group(cy: Cytomine, group_id: int) -> None:
    """An image group's memberships, annotation groups and their links."""
    cy.store.execute("DELETE FROM annotation_links WHERE annotation_group IN "
                     "(SELECT id FROM annotation_groups WHERE image_group = ?)", (group_id,))
    cy.store.delete(r.AnnotationGroup, "image_group = ?", (group_id,))
    cy.store.delete(r.ImageGroupImage, "image_group = ?", (group_id,))


async def delete_image_group(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = image_group_of(cy, id_, me, write=True)
        shown = views.image_group(cy, record)
        forget_image_group(cy, record.id)
        cy.store.delete(r.ImageGroup, "id = ?", (record.id,))
        return json_response(cy.command("imagegroup", shown, "Delete", f"ImageGroup {record.id} deleted"))


async def list_images_of_group(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                               offset: int | None = None) -> Response:
    me = cy.me(user)
    group = image_group_of(cy, id_, me)
    images = cy.store.select(r.ImageInstance, "id IN (SELECT image FROM image_group_images WHERE image_group = ?)",
                             (group.id,), order="id")
    return listed([views.image_instance(cy, i, me) for i in images], max_, offset)


async def list_group_memberships(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                 offset: int | None = None) -> Response:
    group = image_group_of(cy, id_, cy.me(user))
    found = cy.store.select(r.ImageGroupImage, "image_group = ?", (group.id,), order="id")
    return listed([views.image_group_image(cy, m) for m in found], max_, offset)


async def list_memberships_of_image(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                    offset: int | None = None) -> Response:
    image = readable_image(cy, id_, cy.me(user))
    found = cy.store.select(r.ImageGroupImage, "image = ?", (image.id,), order="id")
    return listed([views.image_group_image(cy, m) for m in found], max_, offset)


def _membership(cy: Cytomine, group_id: int, image_id: int) -> r.ImageGroupImage:
    found = cy.store.one(r.ImageGroupImage, "image_group = ? AND image = ?", (group_id, image_id))
    if found is None:
        raise NotFound(f"ImageGroupImageInstance not found with filters : {{group={group_id}, image={image_id}}}")
    return found


async def read_group_membership(cy: Cytomine, group: int, image: int, user: str | None = None) -> Response:
    image_group_of(cy, group, cy.me(user))
    return json_response(views.image_group_image(cy, _membership(cy, group, image)))


async def add_group_membership(cy: Cytomine, group: int, image: int, body: Any = None,
                               user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        found = image_group_of(cy, group, me, write=True)
        chosen = readable_image(cy, image, me)
        if chosen.project != found.project:
            raise DomainError(f"Image {chosen.id} is not in the project of image group {found.id}")
        if cy.store.one(r.ImageGroupImage, "image_group = ? AND image = ?", (found.id, chosen.id)):
            raise DomainError(f"Image {chosen.id} is already in image group {found.id}", status=409)
        record = r.ImageGroupImage(cy.new_id(), found.id, chosen.id, cy.now())
        cy.store.insert(record)
        return json_response(cy.command("imagegroupimageinstance", views.image_group_image(cy, record), "Add",
                                        f"Image {chosen.id} added to image group {found.id}"))


async def remove_group_membership(cy: Cytomine, group: int, image: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        image_group_of(cy, group, me, write=True)
        record = _membership(cy, group, image)
        cy.store.delete(r.ImageGroupImage, "id = ?", (record.id,))
        return json_response(cy.command("imagegroupimageinstance", views.image_group_image(cy, record), "Delete",
                                        f"Image {image} removed from image group {group}"))


# annotation groups and links ---------------------------------------------------------------------

def annotation_group_of(cy: Cytomine, group_id: int, me: r.User, write: bool = False) -> r.AnnotationGroup:
    found = cy.store.get(r.AnnotationGroup, group_id)
    if found is None:
        raise NotFound.of("AnnotationGroup", group_id)
    if write:
        _writable(cy, found.project, me)
    else:
        cy.readable_project(found.project, me)
    return found


async def list_annotation_groups_of_project(cy: Cytomine, id_: int, user: str | None = None,
                                            max_: int | None = None, offset: int | None = None) -> Response:
    project = cy.readable_project(id_, cy.me(user))
    found = cy.store.select(r.AnnotationGroup, "project = ?", (project.id,), order="id")
    return listed([views.annotation_group(cy, g) for g in found], max_, offset)


async def list_annotation_groups_of_image_group(cy: Cytomine, id_: int, user: str | None = None,
                                                max_: int | None = None, offset: int | None = None) -> Response:
    group = image_group_of(cy, id_, cy.me(user))
    found = cy.store.select(r.AnnotationGroup, "image_group = ?", (group.id,), order="id")
    return listed([views.annotation_group(cy, g) for g in found], max_, offset)


def _new_annotation_group(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    group = image_group_of(cy, id_field(body, "imageGroup", "AnnotationGroup") or 0, me, write=True)
    kind = body.get("type", "SAME_OBJECT")
    if kind not in TYPES:
        raise DomainError(f"AnnotationGroup.type must be one of {', '.join(sorted(TYPES))}")
    record = r.AnnotationGroup(cy.new_id(), group.project, group.id, str(kind), cy.now())
    cy.store.insert(record)
    return cy.command("annotationgroup", views.annotation_group(cy, record), "Add",
                      f"AnnotationGroup {record.id} added")


async def create_annotation_group(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_annotation_group(cy, me, item), "annotationgroups")


async def read_annotation_group(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.annotation_group(cy, annotation_group_of(cy, id_, cy.me(user))))


async def update_annotation_group(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = annotation_group_of(cy, id_, me, write=True)
        kind = body.get("type", record.type)
        if kind not in TYPES:
            raise DomainError(f"AnnotationGroup.type must be one of {', '.join(sorted(TYPES))}")
        record = cy.store.update(record, type=str(kind), updated=cy.now())
        return json_response(cy.command("annotationgroup", views.annotation_group(cy, record), "Edit",
                                        f"AnnotationGroup {record.id} edited"))


async def delete_annotation_group(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = annotation_group_of(cy, id_, me, write=True)
        cy.store.delete(r.AnnotationLink, "annotation_group = ?", (record.id,))
        cy.store.delete(r.AnnotationGroup, "id = ?", (record.id,))
        return json_response(cy.command("annotationgroup", views.annotation_group(cy, record), "Delete",
                                        f"AnnotationGroup {record.id} deleted"))


async def merge_annotation_groups(cy: Cytomine, id_: int, other: int, user: str | None = None) -> Response:
    """The links of ``other`` move into ``id_``; ``other`` is deleted."""
    me = cy.me(user)
    with cy.store.transaction():
        kept, merged = annotation_group_of(cy, id_, me, write=True), annotation_group_of(cy, other, me, write=True)
        if kept.id == merged.id or kept.image_group != merged.image_group:
            raise DomainError("Only two annotation groups of one image group can be merged")
        for link in cy.store.select(r.AnnotationLink, "annotation_group = ?", (merged.id,)):
            if cy.store.one(r.AnnotationLink, "annotation_group = ? AND annotation = ?", (kept.id, link.annotation)):
                cy.store.delete(r.AnnotationLink, "id = ?", (link.id,))
            else:
                cy.store.update(link, annotation_group=kept.id)
        cy.store.delete(r.AnnotationGroup, "id = ?", (merged.id,))
        return json_response(cy.command("annotationgroup", views.annotation_group(cy, kept), "Edit",
                                        f"AnnotationGroup {merged.id} merged into {kept.id}"))


def _new_link(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    group = annotation_group_of(cy, id_field(body, "group", "AnnotationLink") or 0, me, write=True)
    annotation = annotation_of(cy, id_field(body, "annotationIdent", "AnnotationLink") or 0, me)
    if not cy.store.one(r.ImageGroupImage, "image_group = ? AND image = ?", (group.image_group, annotation.image)):
        raise DomainError(f"The image of annotation {annotation.id} is not in the annotation group's image group")
    if cy.store.one(r.AnnotationLink, "annotation_group = ? AND annotation = ?", (group.id, annotation.id)):
        raise DomainError(f"Annotation {annotation.id} is already in annotation group {group.id}", status=409)
    record = r.AnnotationLink(cy.new_id(), group.id, annotation.id, annotation.image, cy.now())
    cy.store.insert(record)
    return cy.command("annotationlink", views.annotation_link(cy, record), "Add",
                      f"Annotation {annotation.id} linked to group {group.id}")


async def create_annotation_link(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_link(cy, me, item), "annotationlinks")


def _link(cy: Cytomine, group_id: int, annotation_id: int) -> r.AnnotationLink:
    found = cy.store.one(r.AnnotationLink, "annotation_group = ? AND annotation = ?", (group_id, annotation_id))
    if found is None:
        raise NotFound(f"AnnotationLink not found with filters : {{group={group_id}, annotation={annotation_id}}}")
    return found


async def read_annotation_link(cy: Cytomine, group: int, annotation: int, user: str | None = None) -> Response:
    annotation_group_of(cy, group, cy.me(user))
    return json_response(views.annotation_link(cy, _link(cy, group, annotation)))


async def delete_annotation_link(cy: Cytomine, group: int, annotation: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        annotation_group_of(cy, group, me, write=True)
        record = _link(cy, group, annotation)
        cy.store.delete(r.AnnotationLink, "id = ?", (record.id,))
        return json_response(cy.command("annotationlink", views.annotation_link(cy, record), "Delete",
                                        f"Annotation {annotation} unlinked from group {group}"))


async def list_links_of_group(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                              offset: int | None = None) -> Response:
    group = annotation_group_of(cy, id_, cy.me(user))
    found = cy.store.select(r.AnnotationLink, "annotation_group = ?", (group.id,), order="id")
    return listed([views.annotation_link(cy, link) for link in found], max_, offset)


async def list_links_of_annotation(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                   offset: int | None = None) -> Response:
    annotation = annotation_of(cy, id_, cy.me(user))
    found = cy.store.select(r.AnnotationLink, "annotation = ?", (annotation.id,), order="id")
    return listed([views.annotation_link(cy, link) for link in found], max_, offset)
