"""Thumbnails, windows and annotation crops: small valid pictures of the asked size (``imaging``), as PNG or JPEG.

The mock has no pixels: every picture is flat grey, sized as the real image server would size it (the image's
aspect ratio, ``maxSize``), never larger than ``imaging.LARGEST`` on its longer side.
"""

from __future__ import annotations

import base64

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import NotFound
from mockserver.packs.cytomine.geometry import parse
from mockserver.packs.cytomine.handlers.images import readable_image
from mockserver.packs.cytomine.imaging import ENCODERS, fit


def picture(width: int, height: int, format_: str, max_size: int | None) -> Response:
    encode, media_type = ENCODERS[format_]
    return Response(encode(*fit(width, height, max_size)), media_type=media_type)


def _base(cy: Cytomine, image: r.ImageInstance) -> r.AbstractImage:
    base = cy.store.get(r.AbstractImage, image.base_image)
    if base is None:
        raise NotFound.of("AbstractImage", image.base_image)
    return base


async def image_thumb(cy: Cytomine, id_: int, format_: str, user: str | None = None,
                      max_size: int | None = None) -> Response:
    base = _base(cy, readable_image(cy, id_, cy.me(user)))
    return picture(base.width, base.height, format_, max_size or 512)


async def slice_thumb(cy: Cytomine, id_: int, format_: str, user: str | None = None,
                      max_size: int | None = None) -> Response:
    me = cy.me(user)
    plane = cy.store.get(r.SliceInstance, id_)
    if plane is None:
        raise NotFound.of("SliceInstance", id_)
    base = _base(cy, readable_image(cy, plane.image, me))
    return picture(base.width, base.height, format_, max_size or 512)


async def abstract_thumb(cy: Cytomine, id_: int, format_: str, user: str | None = None,
                         max_size: int | None = None) -> Response:
    cy.me(user)
    base = cy.store.get(r.AbstractImage, id_)
    if base is None:
        raise NotFound.of("AbstractImage", id_)
    return picture(base.width, base.height, format_, max_size or 512)


async def image_window(cy: Cytomine, id_: int, x: int, y: int, w: int, h: int, format_: str,
                       user: str | None = None, max_size: int | None = None) -> Response:
    readable_image(cy, id_, cy.me(user))
    return picture(w, h, format_, max_size)


async def annotation_crop(cy: Cytomine, id_: int, kind: str, format_: str, user: str | None = None,
                          max_size: int | None = None) -> Response:
    me = cy.me(user)
    annotation = cy.store.get(r.Annotation, id_)
    if annotation is None:
        raise NotFound.of("Annotation", id_)
    cy.readable_project(annotation.project, me)
    min_x, min_y, max_x, max_y = parse(annotation.location).bounds
    return picture(round(max_x - min_x) or 1, round(max_y - min_y) or 1, format_, max_size)


def _original(cy: Cytomine, base: r.AbstractImage) -> Response:
    """The uploaded file's bytes when ``/upload`` received them; else a PNG of the image's size (at most 1024)."""
    upload = cy.store.get(r.UploadedFile, base.uploaded_file) if base.uploaded_file else None
    if upload is not None and upload.content is not None:
        return Response(base64.b64decode(upload.content), media_type=upload.content_type,
                        headers={"Content-Disposition": f'attachment; filename="{upload.original_filename}"'})
    return picture(base.width, base.height, "png", None)


async def abstract_download(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    cy.me(user)
    base = cy.store.get(r.AbstractImage, id_)
    if base is None:
        raise NotFound.of("AbstractImage", id_)
    return _original(cy, base)


async def image_download(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return _original(cy, _base(cy, readable_image(cy, id_, cy.me(user))))
