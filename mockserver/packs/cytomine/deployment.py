"""What the image server and the core do when an image arrives: an abstract image with its one slice, and the
image instance with its slice instances when the image is placed in a project."""

from __future__ import annotations

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import next_id
from mockserver.store import Store

MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "tif": "image/tiff", "tiff": "image/tiff",
        "svs": "openslide/svs", "ndpi": "openslide/ndpi"}


def mime_of(filename: str) -> str:
    return MIME.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def add_slice(store: Store, image: r.AbstractImage, now: int) -> r.AbstractSlice:
    """The single plane of a 2-D image."""
    plane = r.AbstractSlice(next_id(store), image.id, image.uploaded_file, image.content_type, 0, 0, 0, now)
    store.insert(plane)
    return plane


def place(store: Store, base: r.AbstractImage, project: int, user: int, now: int,
          filename: str | None = None) -> r.ImageInstance:
    """An image instance of ``base`` in ``project`` and a slice instance per abstract slice."""
    image = r.ImageInstance(next_id(store), base.id, project, user, filename, now)
    store.insert(image)
    for plane in store.select(r.AbstractSlice, "image = ?", (base.id,), order="id"):
        store.insert(r.SliceInstance(next_id(store), image.id, plane.id, project, now))
    return image
