"""Uploaded files, ``POST /upload``, abstract slices and slice instances, thumbnails, windows and crops."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.packs.cytomine.imaging import jpeg, png
from tests.packs.cytomine.conftest import created

Role = Callable[[str], dict[str, str]]


def storage(cy: TestClient, as_role: Role) -> dict[str, Any]:
    found: dict[str, Any] = cy.get("/api/storage.json", headers=as_role("admin")).json()["collection"][0]
    return found


def project(cy: TestClient, as_role: Role) -> dict[str, Any]:
    found: dict[str, Any] = cy.get("/api/project.json", headers=as_role("admin")).json()["collection"][0]
    return found


def size_of(picture: bytes) -> tuple[int, int]:
    if picture.startswith(b"\x89PNG"):
        width, height = struct.unpack(">II", picture[16:24])
        return width, height
    at = picture.index(b"\xff\xc0")
    height, width = struct.unpack(">HH", picture[at + 5:at + 9])
    return width, height


def test_uploaded_file_lifecycle(cy: TestClient, as_role: Role) -> None:
    admin, store = as_role("admin"), storage(cy, as_role)
    body = {"originalFilename": "scan.svs", "size": 10, "storage": store["id"]}
    record = created(cy.post("/api/uploadedfile.json", json=body, headers=admin), "uploadedfile")
    assert (record["status"], record["ext"], record["class"]) == (0, "svs", "be.cytomine.domain.image.UploadedFile")
    edited = created(cy.put(f"/api/uploadedfile/{record['id']}.json", json={**record, "status": 100}, headers=admin),
                     "uploadedfile")
    assert edited["status"] == 100
    assert record["id"] in [f["id"] for f in cy.get("/api/uploadedfile.json", headers=admin).json()["collection"]]
    assert cy.get("/api/uploadedfile.json", headers=as_role("user")).json()["size"] == 0  # not their storage
    assert cy.delete(f"/api/uploadedfile/{record['id']}.json", headers=admin).status_code == 200
    assert cy.get(f"/api/uploadedfile/{record['id']}.json", headers=admin).status_code == 404


def test_a_file_whose_images_are_in_a_project_is_kept(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    used = cy.get("/api/uploadedfile.json", headers=admin).json()["collection"][0]
    assert cy.delete(f"/api/uploadedfile/{used['id']}.json", headers=admin).status_code == 400


@pytest.mark.parametrize("sync", ["True", "False"])
def test_upload_creates_the_file_the_image_and_the_instance(cy: TestClient, as_role: Role, sync: str) -> None:
    admin, store, p = as_role("admin"), storage(cy, as_role), project(cy, as_role)
    query = {"idStorage": store["id"], "storage": store["id"], "sync": sync, "idProject": p["id"],
             "projects": p["id"], "keys": "origin", "values": "demo"}
    response = cy.post("/upload", params=query, files={"files[]": ("tiny.png", png(30, 20), "image/png")},
                       headers=admin)
    assert response.status_code == 200, response.text
    [answer] = response.json()
    assert answer["name"] == "tiny.png" and answer["uploadedFile"]["status"] == 100
    images = cy.get(f"/api/project/{p['id']}/imageinstance.json", headers=admin).json()
    assert images["size"] == p["numberOfImages"] + 1
    if sync == "True":
        [image] = answer["images"]
        assert (image["image"]["width"], image["image"]["height"]) == (30, 20)
        assert [i["project"] for i in image["imageInstances"]] == [p["id"]]
        base = image["image"]
        properties = cy.get(f"/api/domain/{base['class']}/{base['id']}/property.json", headers=admin).json()
        assert [(x["key"], x["value"]) for x in properties["collection"]] == [("origin", "demo")]
    else:
        assert answer["images"] == []


def test_upload_refusals(cy: TestClient, as_role: Role) -> None:
    store = storage(cy, as_role)
    files = {"files[]": ("tiny.png", png(3, 2), "image/png")}
    assert cy.post("/upload", files=files, headers=as_role("admin")).status_code == 400  # no storage
    as_user = cy.post("/upload", params={"storage": store["id"]}, files=files, headers=as_role("user"))
    assert as_user.status_code == 403
    assert cy.post("/upload", params={"storage": store["id"]}, files=files).status_code == 401
    other = cy.post("/upload", params={"storage": store["id"]}, files={"other": ("a.txt", b"x", "text/plain")},
                    headers=as_role("admin"))
    assert other.status_code == 400 and "errors" in other.json()
    form = cy.post("/upload", params={"storage": store["id"]}, data={"x": "y"}, headers=as_role("admin"))
    assert form.status_code == 415 and "errors" in form.json()


def test_slices(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = cy.get(f"/api/project/{project(cy, as_role)['id']}/imageinstance.json", headers=admin).json()[
        "collection"][0]
    planes = cy.get(f"/api/abstractimage/{image['baseImage']}/abstractslice.json", headers=admin).json()
    assert planes["size"] == 1 and planes["collection"][0]["class"] == "be.cytomine.domain.image.AbstractSlice"
    upload = planes["collection"][0]["uploadedFile"]
    assert cy.get(f"/api/uploadedfile/{upload}/abstractslice.json", headers=admin).json()["size"] == 1
    extra = created(cy.post("/api/abstractslice.json", json={"image": image["baseImage"], "channel": 1},
                            headers=admin), "abstractslice")
    assert cy.post("/api/abstractslice.json", json={"image": image["baseImage"], "channel": 1},
                   headers=admin).status_code == 409
    assert cy.get(f"/api/abstractslice/{extra['id']}.json", headers=admin).json()["channel"] == 1
    instances = cy.get(f"/api/imageinstance/{image['id']}/sliceinstance.json", headers=admin).json()["collection"]
    reference = cy.get(f"/api/imageinstance/{image['id']}/sliceinstance/reference.json", headers=admin).json()
    assert [s["id"] for s in instances] == [reference["id"]] and reference["image"] == image["id"]
    assert cy.get(f"/api/sliceinstance/{reference['id']}.json", headers=admin).json() == reference
    assert cy.post("/api/sliceinstance.json", json={"image": image["id"]}, headers=admin).status_code == 409
    annotation = cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()["collection"][0]
    assert annotation["slice"] == reference["id"]


@pytest.mark.parametrize("format_", ["png", "jpg"])
def test_pictures_have_the_asked_size(cy: TestClient, as_role: Role, format_: str) -> None:
    admin = as_role("admin")
    image = cy.get(f"/api/project/{project(cy, as_role)['id']}/imageinstance.json", headers=admin).json()[
        "collection"][0]
    thumb = cy.get(f"/api/imageinstance/{image['id']}/thumb.{format_}", params={"maxSize": 256}, headers=admin)
    assert thumb.headers["content-type"] == ("image/png" if format_ == "png" else "image/jpeg")
    width, height = size_of(thumb.content)
    assert max(width, height) == 256 and abs(width / height - image["width"] / image["height"]) < 0.02
    window = cy.get(f"/api/imageinstance/{image['id']}/window-10-20-300-200.{format_}", headers=admin)
    assert size_of(window.content) == (300, 200)
    annotation = cy.get("/api/annotation.json", params={"image": image["id"]}, headers=admin).json()["collection"][0]
    crop_url = annotation["cropURL"].replace("crop.png", f"mask.{format_}").split("127.0.0.1:9000")[1]
    assert cy.get(crop_url, params={"maxSize": 64}, headers=admin).status_code == 200
    assert cy.get(f"/api/imageinstance/{image['id']}/thumb.tif", headers=admin).status_code == 400
    assert cy.get(f"/api/imageinstance/{image['id']}/thumb.png", headers=as_role("guest")).status_code == 403


def test_the_jpeg_writer_makes_baseline_frames() -> None:
    picture = jpeg(17, 9)
    assert picture.startswith(b"\xff\xd8") and picture.endswith(b"\xff\xd9") and size_of(picture) == (17, 9)


def test_downloads_give_the_uploaded_bytes_or_a_picture(cy: TestClient, as_role: Role) -> None:
    admin, store, p = as_role("admin"), storage(cy, as_role), project(cy, as_role)
    sent = png(12, 7)
    answer = cy.post("/upload", params={"storage": store["id"], "projects": p["id"], "sync": "true"},
                     files={"files[]": ("tiny.png", sent, "image/png")}, headers=admin).json()[0]
    [image] = answer["images"]
    assert cy.get(f"/api/abstractimage/{image['image']['id']}/download", headers=admin).content == sent
    assert cy.get(f"/api/imageinstance/{image['imageInstances'][0]['id']}/download", headers=admin).content == sent
    seeded = cy.get(f"/api/project/{p['id']}/imageinstance.json", params={"sort": "id", "order": "asc"},
                    headers=admin).json()["collection"][0]
    picture = cy.get(f"/api/imageinstance/{seeded['id']}/download", headers=admin).content
    assert max(size_of(picture)) == 1024


def test_abstract_image_edit_and_delete(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    image = created(cy.post("/api/abstractimage.json", json={"originalFilename": "a.png", "width": 10, "height": 5},
                            headers=admin), "abstractimage")
    edited = created(cy.put(f"/api/abstractimage/{image['id']}.json", json={**image, "width": 20}, headers=admin),
                     "abstractimage")
    assert (edited["width"], edited["height"]) == (20, 5)
    used = cy.get(f"/api/project/{project(cy, as_role)['id']}/imageinstance.json", headers=admin).json()[
        "collection"][0]["baseImage"]
    assert cy.delete(f"/api/abstractimage/{used}.json", headers=admin).status_code == 400
    assert cy.delete(f"/api/abstractimage/{image['id']}.json", headers=admin).status_code == 200
    assert cy.get(f"/api/abstractimage/{image['id']}/abstractslice.json", headers=admin).status_code == 404
