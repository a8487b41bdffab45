"""Storages, abstract images and image instances (an abstract image placed in a project)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.deployment import add_slice, place
from mockserver.packs.cytomine.domains import forget
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.responses import json_response

# storages ----------------------------------------------------------------------------------------

async def list_storages(cy: Cytomine, user: str | None = None, max_: int | None = None,
                        offset: int | None = None) -> Response:
    me = cy.me(user)
    mine = ('"user" = ?', (me.id,))
    storages = cy.store.select(r.Storage, order="id") if me.admin else cy.store.select(r.Storage, *mine)
    return listed([views.storage(cy, s) for s in storages], max_, offset)


def _storage(cy: Cytomine, storage_id: int, me: r.User) -> r.Storage:
    storage = cy.store.get(r.Storage, storage_id)
    if storage is None:
        raise NotFound.of("Storage", storage_id)
    if not (me.admin or storage.user == me.id):
        raise Forbidden(f"You don't have the right to read or modify this resource! {storage.name} {storage.id}")
    return storage


async def create_storage(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        storage = r.Storage(cy.new_id(), text_field(body, "name", "Storage") or "", me.id, cy.now())
        cy.store.insert(storage)
        shown = views.storage(cy, storage)
        return json_response(cy.command("storage", shown, "Add", f"Storage {storage.id} ({storage.name}) added"))


async def read_storage(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.storage(cy, _storage(cy, id_, cy.me(user))))


async def update_storage(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        storage = _storage(cy, id_, me)
        if "name" in body:
            storage = cy.store.update(storage, name=text_field(body, "name", "Storage"), updated=cy.now())
        shown = views.storage(cy, storage)
        return json_response(cy.command("storage", shown, "Edit", f"Storage {storage.id} ({storage.name}) edited"))


# abstract images ---------------------------------------------------------------------------------

async def list_abstract_images(cy: Cytomine, user: str | None = None, max_: int | None = None,
                               offset: int | None = None, sort: str | None = None,
                               order: str | None = None) -> Response:
    me = cy.me(user)
    images = cy.store.select(r.AbstractImage, order="id")
    if not me.admin:
        mine = set(cy.store.scalars("SELECT id FROM uploaded_files WHERE storage IN "
                                    '(SELECT id FROM storages WHERE "user" = ?)', (me.id,)))
        images = [i for i in images if i.uploaded_file in mine or i.user == me.id]
    return listed([views.abstract_image(cy, i) for i in images], max_, offset, sort, order)


def _number(body: dict[str, Any], key: str, default: int) -> int:
    value = body.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise DomainError(f"AbstractImage.{key} must be a positive number")
    return int(value)


async def create_abstract_image(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        upload_id = id_field(body, "uploadedFile", "AbstractImage", required=False)
        upload = cy.store.get(r.UploadedFile, upload_id) if upload_id is not None else None
        if upload_id is not None and upload is None:
            raise NotFound.of("UploadedFile", upload_id)
        name = text_field(body, "originalFilename", "AbstractImage", required=upload is None) or (
            upload.original_filename if upload else "")
        image = r.AbstractImage(cy.new_id(), upload_id, name, _number(body, "width", 0), _number(body, "height", 0),
                                _number(body, "depth", 1), _number(body, "channels", 1),
                                body.get("magnification") if isinstance(body.get("magnification"), int) else None,
                                None, upload.content_type if upload else "image/png", me.id, cy.now())
        cy.store.insert(image)
        add_slice(cy.store, image, image.created)
        shown = views.abstract_image(cy, image)
        return json_response(cy.command("abstractimage", shown, "Add", f"Image {image.id} ({name}) added"))


async def read_abstract_image(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    image = cy.store.get(r.AbstractImage, id_)
    if image is None:
        raise NotFound.of("AbstractImage", id_)
    return json_response(views.abstract_image(cy, image))


async def update_abstract_image(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        image = _owned_image(cy, id_, me)
        changes: dict[str, Any] = {key: _number(body, wire, getattr(image, key))
                                   for wire, key in (("width", "width"), ("height", "height"), ("depth", "depth"),
                                                     ("channels", "channels")) if wire in body}
        if "originalFilename" in body:
            changes["original_filename"] = text_field(body, "originalFilename", "AbstractImage")
        image = cy.store.update(image, **changes, updated=cy.now())
        shown = views.abstract_image(cy, image)
        message = f"Image {image.id} ({image.original_filename}) edited"
        return json_response(cy.command("abstractimage", shown, "Edit", message))


async def delete_abstract_image(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    """Refused while the image is in a project (its image instances must go first); its slices go with it."""
    me = cy.me(user)
    with cy.store.transaction():
        image = _owned_image(cy, id_, me)
        if cy.store.count(r.ImageInstance, "base_image = ?", (image.id,)):
            raise DomainError(f"Image {image.id} is used in projects: remove it from them first")
        shown = views.abstract_image(cy, image)
        cy.store.delete(r.AbstractSlice, "image = ?", (image.id,))
        cy.store.delete(r.AbstractImage, "id = ?", (image.id,))
        message = f"Image {image.id} ({image.original_filename}) deleted"
        return json_response(cy.command("abstractimage", shown, "Delete", message))


def _owned_image(cy: Cytomine, image_id: int, me: r.User) -> r.AbstractImage:
    image = cy.store.get(r.AbstractImage, image_id)
    if image is None:
        raise NotFound.of("AbstractImage", image_id)
    storage = cy.store.scalars('SELECT s."user" FROM uploaded_files f JOIN storages s ON s.id = f.storage '
                               "WHERE f.id = ?", (image.uploaded_file,))
    if not (me.admin or image.user == me.id or me.id in storage):
        raise Forbidden(f"You don't have the right to read or modify this resource! {image.id}")
    return image


# image instances ---------------------------------------------------------------------------------

def readable_image(cy: Cytomine, image_id: int, me: r.User) -> r.ImageInstance:
    image = cy.store.get(r.ImageInstance, image_id)
    if image is None:
        raise NotFound.of("ImageInstance", image_id)
    cy.readable_project(image.project, me)
    return image


def writable_image(cy: Cytomine, image_id: int, me: r.User) -> r.ImageInstance:
    image = readable_image(cy, image_id, me)
    project = cy.readable_project(image.project, me)
    if not cy.can_write_in(project, me) or (project.is_restricted and image.user != me.id
                                            and not cy.can_manage_project(project, me)):
        raise Forbidden(f"You don't have the right to read or modify this resource! {image.id}")
    return image


async def list_image_instances(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                               offset: int | None = None, sort: str | None = None,
                               order: str | None = None) -> Response:
    me = cy.me(user)
    project = cy.readable_project(id_, me)
    images = cy.store.select(r.ImageInstance, "project = ?", (project.id,), order="id")
    return listed([views.image_instance(cy, i, me) for i in images], max_, offset, sort, order)


def _new_image(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    base_id = id_field(body, "baseImage", "ImageInstance") or 0
    project = cy.readable_project(id_field(body, "project", "ImageInstance") or 0, me)
    base = cy.store.get(r.AbstractImage, base_id)
    if base is None:
        raise NotFound.of("AbstractImage", base_id)
    if not cy.can_write_in(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    if cy.store.one(r.ImageInstance, "base_image = ? AND project = ?", (base_id, project.id)):
        raise DomainError(f"Image {base_id} already map with project {project.name}", status=409)
    filename = body.get("instanceFilename") if isinstance(body.get("instanceFilename"), str) else None
    image = place(cy.store, base, project.id, me.id, cy.now(), filename)
    shown = views.image_instance(cy, image, me)
    message = f"Image {image.id} ({shown['instanceFilename']}) added in project {project.name}"
    return cy.command("imageinstance", shown, "Add", message, projectID=project.id)


async def create_image_instance(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_image(cy, me, item), "imageinstances")


async def read_image_instance(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    return json_response(views.image_instance(cy, readable_image(cy, id_, me), me))


async def update_image_instance(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        image = writable_image(cy, id_, me)
        if "instanceFilename" in body:
            image = cy.store.update(image, instance_filename=text_field(body, "instanceFilename", "ImageInstance",
                                                                        required=False), updated=cy.now())
        shown = views.image_instance(cy, image, me)
        message = f"Image {image.id} ({shown['instanceFilename']}) edited"
        return json_response(cy.command("imageinstance", shown, "Edit", message, projectID=image.project))


async def delete_image_instance(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        image = writable_image(cy, id_, me)
        shown = views.image_instance(cy, image, me)
        cy.store.execute("DELETE FROM annotation_terms WHERE annotation IN "
                         "(SELECT id FROM annotations WHERE image = ?)", (image.id,))
        forget(cy, "SELECT id FROM annotations WHERE image = ?", (image.id,))
        forget(cy, "SELECT ?", (image.id,))
        cy.store.execute("DELETE FROM annotation_tracks WHERE track IN (SELECT id FROM tracks WHERE image = ?)",
                         (image.id,))
        cy.store.delete(r.Track, "image = ?", (image.id,))
        cy.store.delete(r.Review, "image = ?", (image.id,))
        cy.store.delete(r.AnnotationLink, "image = ?", (image.id,))
        cy.store.delete(r.ImageGroupImage, "image = ?", (image.id,))
        cy.store.delete(r.Annotation, "image = ?", (image.id,))
        cy.store.delete(r.SliceInstance, "image = ?", (image.id,))
        cy.store.delete(r.ImageInstance, "id = ?", (image.id,))
        message = f"Image {image.id} ({shown['instanceFilename']}) deleted"
        return json_response(cy.command("imageinstance", shown, "Delete", message, projectID=image.project))
