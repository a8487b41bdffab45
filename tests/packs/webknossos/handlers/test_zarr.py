"""The datastore's zarr streaming (``/data/zarr``), as ``Dataset.open_remote`` of the Python client reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r

L4 = "/data/zarr/sample_organization/l4_sample"
NO_ACCESS = "Token may be expired, consider reloading. Access forbidden: No read access on dataset"


def hrefs(page: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)">', page)


def datastore_token(client: TestClient, auth: Any, role: str) -> str:
    token = client.post("/api/v5/userToken/generate", headers=auth(role)).json()["token"]
    assert isinstance(token, str) and token
    return token


def l4(app: MockApp) -> r.Dataset:
    dataset = app.backend.store.one(r.Dataset, "name = ?", ("l4_sample",))
    assert dataset is not None
    return dataset


def test_dataset_folder_lists_properties_group_and_layers(client: TestClient, auth: Any, app: MockApp) -> None:
    response = client.get(L4, headers=auth("admin"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    layers = [layer["name"] for layer in l4(app).data_source["dataLayers"]]
    assert hrefs(response.text) == ["datasource-properties.json", ".zgroup", *layers]
    assert response.headers["access-control-allow-origin"] == "*"


def test_datasource_properties_in_zarr_form(client: TestClient, auth: Any, app: MockApp) -> None:
    body = client.get(f"{L4}/datasource-properties.json", headers=auth("admin")).json()
    source = l4(app).data_source
    assert body["id"] == {"name": "l4_sample", "team": "sample_organization"} and body["scale"] == source["scale"]
    color, segmentation = body["dataLayers"]
    assert color["dataFormat"] == "zarr" and color["numChannels"] == 1 and "largestSegmentId" not in color
    assert [m["mag"] for m in color["mags"]] == source["dataLayers"][0]["resolutions"]
    assert color["mags"][0]["axisOrder"] == {"x": 1, "y": 2, "z": 3, "c": 0}
    assert segmentation["largestSegmentId"] == source["dataLayers"][1]["largestSegmentId"]


def test_head_has_the_length_of_get(client: TestClient, auth: Any) -> None:
    path = f"{L4}/datasource-properties.json"
    got = client.get(path, headers=auth("admin"))
    head = client.head(path, headers=auth("admin"))
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(got.content)


def test_layer_and_mag_folders_and_headers(client: TestClient, auth: Any, app: MockApp) -> None:
    layer = l4(app).data_source["dataLayers"][0]
    box = layer["boundingBox"]
    listing = hrefs(client.get(f"{L4}/color", headers=auth("admin")).text)
    assert listing[:2] == [".zattrs", ".zgroup"] and "1" in listing and "2-2-1" in listing
    assert hrefs(client.get(f"{L4}/color/2-2-1", headers=auth("admin")).text) == [".zarray"]
    zarray = client.get(f"{L4}/color/2-2-1/.zarray", headers=auth("admin")).json()
    end = [box["topLeft"][0] + box["width"], box["topLeft"][1] + box["height"], box["topLeft"][2] + box["depth"]]
    assert zarray["shape"] == [1, end[0] // 2, end[1] // 2, end[2]]
    assert (zarray["dtype"], zarray["order"], zarray["chunks"]) == ("|u1", "F", [1, 32, 32, 32])
    assert client.get(f"{L4}/segmentation/1/.zarray", headers=auth("admin")).json()["dtype"] == "<u4"
    assert client.get(f"{L4}/.zgroup", headers=auth("admin")).json() == {"zarr_format": 2}
    zattrs = client.get(f"{L4}/color/.zattrs", headers=auth("admin")).json()
    assert [d["path"] for d in zattrs["multiscales"][0]["datasets"]][:2] == ["1", "2-2-1"]


def test_chunks_are_zeros_of_one_bucket(client: TestClient, auth: Any) -> None:
    color = client.get(f"{L4}/color/1/0.100.100.20", headers=auth("admin"))
    assert color.status_code == 200 and color.content == bytes(32**3)
    assert len(client.get(f"{L4}/segmentation/1/0.0.0.0", headers=auth("admin")).content) == 4 * 32**3


@pytest.mark.parametrize(("path", "message"), [
    ("/color/1/zarr.json", "The requested chunk coordinates are in an invalid format. Expected c.x.y.z"),
    ("/color/1/.zattrs", "The requested chunk coordinates are in an invalid format. Expected c.x.y.z"),
    ("/color/3/.zarray", "DataLayer “color” does not have mag “3”"),
    ("/color/x-y/.zarray", "Supplied “x-y” is not a valid mag format. Please use “x-y-z”"),
    ("/nothing", "Datasource not found on datastore server"),
])
def test_missing_entries_are_404(client: TestClient, auth: Any, path: str, message: str) -> None:
    response = client.get(f"{L4}{path}", headers=auth("admin"))
    assert response.status_code == 404 and response.json()["messages"][0]["error"] == message


def test_tokens_header_query_datastore_and_sharing(client: TestClient, auth: Any, tokens: dict[str, str],
                                                  app: MockApp) -> None:
    private = next(d for d in app.backend.store.select(r.Dataset, "is_public = 0 AND is_active = 1", order="name")
                   if not client.get(f"/api/v5/datasets/sample_organization/{d.name}", headers=auth("user")).is_success)
    path = f"/data/zarr/sample_organization/{private.name}"
    anonymous = client.get(path)
    assert anonymous.status_code == 403 and anonymous.text == NO_ACCESS
    assert anonymous.headers["content-type"].startswith("text/plain")
    assert client.get(path, headers=auth("user")).status_code == 403
    assert client.get(path, headers={"X-Auth-Token": "not-a-token"}).status_code == 403
    assert client.get(path, headers=auth("admin")).status_code == 200
    assert client.get(path, params={"token": tokens["admin"]}).status_code == 200
    assert client.get(path, headers={"X-Auth-Token": datastore_token(client, auth, "admin")}).status_code == 200
    sharing = client.get(f"/api/v5/datasets/sample_organization/{private.name}/sharingToken",
                         headers=auth("admin")).json()["sharingToken"]
    assert client.get(path, params={"token": sharing}).status_code == 200


def test_public_dataset_is_readable_anonymously(client: TestClient, app: MockApp) -> None:
    public = app.backend.store.one(r.Dataset, "is_public = 1 AND is_active = 1")
    assert public is not None
    assert client.get(f"/data/zarr/sample_organization/{public.name}").status_code == 200


def test_inactive_dataset_and_unknown_names(client: TestClient, auth: Any, app: MockApp) -> None:
    inactive = app.backend.store.one(r.Dataset, "is_active = 0")
    assert inactive is not None
    response = client.get(f"/data/zarr/sample_organization/{inactive.name}", headers=auth("admin"))
    assert response.status_code == 404
    assert client.get("/data/zarr/sample_organization/missing", headers=auth("admin")).status_code == 403
    assert client.get("/data/zarr/nobody/l4_sample", headers=auth("admin")).status_code == 403


def test_datastore_tokens_are_stored_and_expire(client: TestClient, auth: Any, app: MockApp) -> None:
    token = datastore_token(client, auth, "admin")
    record = app.backend.store.one(r.DatastoreToken, "token = ?", (token,))
    me = client.get("/api/v5/user", headers=auth("admin")).json()
    assert record is not None and record.user_id == me["id"]
    assert client.post("/api/v5/userToken/generate").json() == {"token": ""}
    app.backend.store.update(record, expires=0)
    assert client.get(L4, headers={"X-Auth-Token": token}).status_code == 403
