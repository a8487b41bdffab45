"""Abstract slices (planes of an abstract image) and slice instances (made by the server with an image instance)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, id_field, listed
from mockserver.packs.cytomine.handlers.images import readable_image
from mockserver.responses import json_response


def _image(cy: Cytomine, image_id: int) -> r.AbstractImage:
    image = cy.store.get(r.AbstractImage, image_id)
    if image is None:
        raise NotFound.of("AbstractImage", image_id)
    return image


async def list_slices_of_image(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                               offset: int | None = None) -> Response:
    cy.me(user)
    image = _image(cy, id_)
    planes = cy.store.select(r.AbstractSlice, "image = ?", (image.id,), order="id")
    return listed([views.abstract_slice(cy, s) for s in planes], max_, offset)


async def list_slices_of_uploaded_file(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                       offset: int | None = None) -> Response:
    cy.me(user)
    if cy.store.get(r.UploadedFile, id_) is None:
        raise NotFound.of("UploadedFile", id_)
    planes = cy.store.select(r.AbstractSlice, "uploaded_file = ?", (id_,), order="id")
    return listed([views.abstract_slice(cy, s) for s in planes], max_, offset)


def _number(body: dict[str, Any], key: str) -> int:
    value = body.get(key, 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(f"AbstractSlice.{key} must be a positive integer")
    return value


async def create_abstract_slice(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    cy.me(user)
    body = an_object(body)
    with cy.store.transaction():
        image = _image(cy, id_field(body, "image", "AbstractSlice") or 0)
        upload = id_field(body, "uploadedFile", "AbstractSlice", required=False) or image.uploaded_file
        position = (_number(body, "channel"), _number(body, "zStack"), _number(body, "time"))
        if cy.store.one(r.AbstractSlice, "image = ? AND channel = ? AND z_stack = ? AND time = ?",
                        (image.id, *position)):
            raise DomainError(f"AbstractSlice {position} already exist for image {image.id}", status=409)
        mime = body.get("mime") if isinstance(body.get("mime"), str) else image.content_type
        plane = r.AbstractSlice(cy.new_id(), image.id, upload, mime, *position, cy.now())
        cy.store.insert(plane)
        shown = views.abstract_slice(cy, plane)
        return json_response(cy.command("abstractslice", shown, "Add", f"AbstractSlice {plane.id} added"))


async def read_abstract_slice(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    plane = cy.store.get(r.AbstractSlice, id_)
    if plane is None:
        raise NotFound.of("AbstractSlice", id_)
    return json_response(views.abstract_slice(cy, plane))


async def list_slice_instances(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                               offset: int | None = None) -> Response:
    image = readable_image(cy, id_, cy.me(user))
    found = cy.store.select(r.SliceInstance, "image = ?", (image.id,), order="id")
    return listed([views.slice_instance(cy, s) for s in found], max_, offset)


async def reference_slice(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    image = readable_image(cy, id_, cy.me(user))
    first = cy.store.select(r.SliceInstance, "image = ?", (image.id,), order="id", limit=1)
    found = first[0] if first else None
    if found is None:
        raise NotFound(f"SliceInstance not found with filters : {{image={image.id}}}")
    return json_response(views.slice_instance(cy, found))


async def read_slice_instance(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    found = cy.store.get(r.SliceInstance, id_)
    if found is None:
        raise NotFound.of("SliceInstance", id_)
    readable_image(cy, found.image, me)
    return json_response(views.slice_instance(cy, found))


async def create_slice_instance(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    """The server makes slice instances with their image instance: an explicit create is a 409, as on the real
    core (the upstream client tests skip it for that reason)."""
    cy.me(user)
    raise DomainError("SliceInstance already exist: slice instances are created with their image instance",
                      status=409)
