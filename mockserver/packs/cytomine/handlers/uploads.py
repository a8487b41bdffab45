"""Uploaded files and ``POST /upload`` (the image server's route on the same host and port).

The real image server imports an upload in the background unless ``sync`` is true; the mock imports it at once
either way (status 100, an abstract image with its slice, an image instance per project) and, like the real
server without ``sync``, answers ``images: []`` then.
"""

from __future__ import annotations

import base64
import struct
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.deployment import add_slice, mime_of, place
from mockserver.packs.cytomine.errors import BadRequest, DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, flag, id_field, ids, listed, query_args, text_field
from mockserver.responses import json_response

DEPLOYED = 100


def storage_of(cy: Cytomine, storage_id: int, me: r.User) -> r.Storage:
    storage = cy.store.get(r.Storage, storage_id)
    if storage is None:
        raise NotFound.of("Storage", storage_id)
    if not (me.admin or storage.user == me.id):
        raise Forbidden(f"You don't have the right to read or modify this resource! {storage.name} {storage.id}")
    return storage


def _readable(cy: Cytomine, file_id: int, me: r.User) -> r.UploadedFile:
    found = cy.store.get(r.UploadedFile, file_id)
    if found is None:
        raise NotFound.of("UploadedFile", file_id)
    storage_of(cy, found.storage, me)
    return found


async def list_uploaded_files(cy: Cytomine, user: str | None = None, max_: int | None = None,
                              offset: int | None = None, sort: str | None = None, order: str | None = None,
                              parent: int | None = None) -> Response:
    me = cy.me(user)
    files = cy.store.select(r.UploadedFile, order="id")
    if not me.admin:
        mine = set(cy.store.scalars('SELECT id FROM storages WHERE "user" = ?', (me.id,)))
        files = [f for f in files if f.storage in mine]
    if parent is not None:
        files = [f for f in files if f.parent == parent]
    return listed([views.uploaded_file(cy, f) for f in files], max_, offset, sort, order)


def _size(body: dict[str, Any]) -> int:
    size = body.get("size", 0)
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise DomainError("UploadedFile.size must be a positive integer")
    return size


def new_file(cy: Cytomine, me: r.User, storage: r.Storage, name: str, size: int, status: int,
             parent: int | None = None, content_type: str | None = None, data: bytes | None = None) -> r.UploadedFile:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content = base64.b64encode(data).decode() if data is not None else None
    record = r.UploadedFile(cy.new_id(), storage.id, me.id, name, f"{cy.now()}_{name}", ext,
                            content_type or mime_of(name), size, status, parent, cy.now(), content=content)
    cy.store.insert(record)
    return record


async def create_uploaded_file(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        storage = storage_of(cy, id_field(body, "storage", "UploadedFile") or 0, me)
        name = text_field(body, "originalFilename", "UploadedFile") or ""
        status = body.get("status") if isinstance(body.get("status"), int) else 0
        parent = id_field(body, "parent", "UploadedFile", required=False)
        content_type = body.get("contentType") if isinstance(body.get("contentType"), str) else None
        record = new_file(cy, me, storage, name, _size(body), status, parent, content_type)
        shown = views.uploaded_file(cy, record)
        return json_response(cy.command("uploadedfile", shown, "Add", f"UploadedFile {record.id} ({name}) added"))


async def read_uploaded_file(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.uploaded_file(cy, _readable(cy, id_, cy.me(user))))


async def update_uploaded_file(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = _readable(cy, id_, me)
        changes: dict[str, Any] = {}
        if isinstance(body.get("status"), int) and not isinstance(body.get("status"), bool):
            changes["status"] = body["status"]
        if "filename" in body:
            changes["filename"] = text_field(body, "filename", "UploadedFile")
        if "size" in body:
            changes["size"] = _size(body)
        record = cy.store.update(record, **changes, updated=cy.now())
        shown = views.uploaded_file(cy, record)
        message = f"UploadedFile {record.id} ({record.original_filename}) edited"
        return json_response(cy.command("uploadedfile", shown, "Edit", message))


async def delete_uploaded_file(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    """Its abstract images and their slices go with it; refused while one of them is in a project."""
    me = cy.me(user)
    with cy.store.transaction():
        record = _readable(cy, id_, me)
        images = cy.store.scalars("SELECT id FROM abstract_images WHERE uploaded_file = ?", (record.id,))
        if images and cy.store.rows_in("SELECT 1 FROM image_instances WHERE base_image IN ({})", images):
            raise DomainError(f"UploadedFile {record.id} has images used in projects: delete them first")
        shown = views.uploaded_file(cy, record)
        cy.store.delete(r.AbstractSlice, "uploaded_file = ?", (record.id,))
        cy.store.delete(r.AbstractImage, "uploaded_file = ?", (record.id,))
        cy.store.delete(r.UploadedFile, "id = ?", (record.id,))
        message = f"UploadedFile {record.id} ({record.original_filename}) deleted"
        return json_response(cy.command("uploadedfile", shown, "Delete", message))


# POST /upload ------------------------------------------------------------------------------------

def dimensions(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (its header), else of a baseline or progressive JPEG (its frame); 0×0 otherwise."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    at = 2 if data[:2] == b"\xff\xd8" else len(data)
    while at + 9 < len(data) and data[at] == 0xFF:
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return int(width), int(height)
        at += 2 + length
    return 0, 0


def _projects(cy: Cytomine, me: r.User, query: dict[str, str]) -> list[r.Project]:
    chosen = []
    for project_id in dict.fromkeys(ids(query.get("projects")) + ids(query.get("idProject"))):
        project = cy.readable_project(project_id, me)
        if not cy.can_write_in(project, me):
            raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
        chosen.append(project)
    return chosen


def _import(cy: Cytomine, me: r.User, upload: r.UploadedFile, data: bytes, projects: list[r.Project],
            query: dict[str, str]) -> dict[str, Any]:
    width, height = dimensions(data)
    image = r.AbstractImage(cy.new_id(), upload.id, upload.original_filename, width, height, 1,
                            1 if upload.content_type == "image/png" else 3, None, None, upload.content_type, me.id,
                            cy.now())
    cy.store.insert(image)
    add_slice(cy.store, image, image.created)
    keys, values = (query.get("keys") or "").split(","), (query.get("values") or "").split(",")
    for key, value in zip(keys, values, strict=False):
        if key:
            cy.store.insert(r.Property(cy.new_id(), views.class_of(r.AbstractImage), image.id, key, value, cy.now()))
    instances = [place(cy.store, image, p.id, me.id, cy.now()) for p in projects]
    return {"image": views.abstract_image(cy, image),
            "imageInstances": [views.image_instance(cy, i, me) for i in instances]}


async def upload(cy: Cytomine, user: str | None = None, **form: Any) -> Response:
    """Connexion hands the parts of the multipart field ``files[]`` over as ``files``, to ``**`` arguments only."""
    me, query = cy.me(user), query_args()
    storage_id = ids(query.get("storage") or query.get("idStorage"))
    if not storage_id:
        raise BadRequest("The storage is required (storage or idStorage)")
    files = form.get("files")
    parts = [part for part in (files if isinstance(files, list) else [files]) if isinstance(part, UploadFile)]
    if not parts:
        raise BadRequest("No file uploaded (multipart field files[])")
    answers = []
    with cy.store.transaction():
        storage = storage_of(cy, storage_id[0], me)
        projects = _projects(cy, me, query)
        for part in parts:
            data = await part.read()
            name = part.filename or "upload"
            record = new_file(cy, me, storage, name, len(data), DEPLOYED, data=data)
            imported = _import(cy, me, record, data, projects, query)
            answers.append({"status": 200, "name": name, "size": str(len(data)),
                            "uploadedFile": views.uploaded_file(cy, record),
                            "images": [imported] if flag(query.get("sync")) else []})
    return json_response(answers)
