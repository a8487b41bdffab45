"""Storages, uploaded files, abstract images and slices, slice instances, pictures and ``upload_image``."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from cytomine import Cytomine
from cytomine.models import (
    AbstractImage,
    AbstractImageCollection,
    AbstractSlice,
    AbstractSliceCollection,
    AnnotationCollection,
    ImageInstance,
    ImageInstanceCollection,
    ProjectCollection,
    SliceInstanceCollection,
    Storage,
    StorageCollection,
    UploadedFile,
    UploadedFileCollection,
)
from mockserve import Mock


def tiny_png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + b"\x80" * width) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_storage(admin: Cytomine) -> None:
    storage = Storage("Second storage").save()
    assert storage and storage.id
    storage.name = "Renamed storage"
    assert storage.update() and Storage().fetch(storage.id).name == "Renamed storage"
    assert {s.name for s in StorageCollection().fetch()} >= {"Renamed storage"}


def test_uploaded_file_abstract_image_and_slices(admin: Cytomine) -> None:
    storage = StorageCollection().fetch()[0]
    upload = UploadedFile("scan.png", "scan.png", 100, "png", "image/png", id_storage=storage.id,
                          id_user=admin.current_user.id, status=0).save()
    assert upload and upload.id and upload.status == 0
    upload.status = UploadedFile.DEPLOYED
    assert upload.update() and UploadedFile().fetch(upload.id).status == 100
    assert upload.id in [f.id for f in UploadedFileCollection().fetch()]
    image = AbstractImage("scan.png", upload.id).save()
    assert image and image.id and AbstractImage().fetch(image.id).uploadedFile == upload.id
    assert image.id in [i.id for i in AbstractImageCollection().fetch()]
    assert len(AbstractSliceCollection().fetch_with_filter("abstractimage", image.id)) == 1  # made with the image
    plane = AbstractSlice(image.id, upload.id, channel=1, z_stack=0, time=0).save()
    assert plane and AbstractSlice().fetch(plane.id).channel == 1
    assert len(AbstractSliceCollection().fetch_with_filter("uploadedfile", upload.id)) == 2
    assert upload.delete() and UploadedFile().fetch(upload.id) is False and AbstractImage().fetch(image.id) is False


def test_image_instances_and_their_slices(admin: Cytomine) -> None:
    project = ProjectCollection().fetch()[0]
    base = AbstractImage("extra.png").save()
    image = ImageInstance(base.id, project.id).save()
    assert image and image.id and image.baseImage == base.id
    assert len(ImageInstanceCollection().fetch_with_filter("project", project.id)) == 4
    slices = SliceInstanceCollection().fetch_with_filter("imageinstance", image.id)
    assert len(slices) == 1 and image.reference_slice().id == slices[0].id


def test_pictures(admin: Cytomine, tmp_path: Path) -> None:
    project = ProjectCollection().fetch()[0]
    image = ImageInstanceCollection().fetch_with_filter("project", project.id)[0]
    assert image.dump(str(tmp_path / "{id}.png"), max_size=128)
    assert Path(image.filename).read_bytes().startswith(b"\x89PNG")
    assert image.dump(str(tmp_path / "{id}.jpg"), max_size=128)
    assert Path(image.filename).read_bytes().startswith(b"\xff\xd8")
    assert image.window(0, 0, 64, 32, str(tmp_path / "window.png"))
    assert (tmp_path / "window.png").read_bytes()[16:24] == struct.pack(">II", 64, 32)
    annotation = AnnotationCollection(image=image.id, showMeta=True).fetch()[0]
    assert annotation.dump(str(tmp_path / "crop.png"), max_size=50)
    assert annotation.dump(str(tmp_path / "mask.png"), mask=True, max_size=50)


def test_upload_image(mock: Mock, admin: Cytomine, tmp_path: Path) -> None:
    project = ProjectCollection().fetch()[0]
    storage = StorageCollection().fetch()[0]
    path = tmp_path / "tiny.png"
    path.write_bytes(tiny_png(40, 30))
    uploaded = admin.upload_image(str(path), storage.id, project.id, properties={"origin": "demo"}, sync=True)
    assert uploaded and uploaded.originalFilename == "tiny.png" and uploaded.status == 100
    [image] = uploaded.images
    assert (image["abstractImage"].width, image["abstractImage"].height) == (40, 30)
    assert [i.project for i in image["imageInstances"]] == [project.id]
    assert len(ImageInstanceCollection().fetch_with_filter("project", project.id)) == 4


def test_downloads(admin: Cytomine, tmp_path: Path) -> None:
    project = ProjectCollection().fetch()[0]
    storage = StorageCollection().fetch()[0]
    path = tmp_path / "tiny.png"
    path.write_bytes(tiny_png(8, 6))
    uploaded = admin.upload_image(str(path), storage.id, project.id, sync=True)
    [image] = uploaded.images
    base = image["abstractImage"]
    assert base.download(str(tmp_path / "down" / "{originalFilename}"))
    assert (tmp_path / "down" / "tiny.png").read_bytes() == path.read_bytes()
    instance = image["imageInstances"][0]
    assert instance.download(str(tmp_path / "again" / "{id}.png"))
    assert (tmp_path / "again" / f"{instance.id}.png").read_bytes() == path.read_bytes()
