"""``/data/zarr``: the datastore's zarr (v2) streaming of datasets, as ``Dataset.open_remote`` reads it.

The ``user`` argument is the raw token (``?token=`` or ``X-Auth-Token``): a datastore token from
``/userToken/generate``, a personal token or the dataset's sharing token. The mock holds no voxels,
so chunks are zeros.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import datastore_principal
from mockserver.packs.webknossos.errors import NotFound
from mockserver.packs.webknossos.handlers.datasets import find_organization, organization_dataset
from mockserver.packs.webknossos.views import zarr as views
from mockserver.packs.webknossos.views.datasets import may_read_dataset
from mockserver.responses import json_response, text_response

NO_ACCESS = "Token may be expired, consider reloading. Access forbidden: No read access on dataset"
DATASOURCE_NOT_FOUND = "Datasource not found on datastore server"
INVALID_COORDINATES = "The requested chunk coordinates are in an invalid format. Expected c.x.y.z"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Max-Age": "600"}

Build = Callable[[r.Dataset, str], Response]


def readable_dataset(api: Api, organization_name: str, name: str, token: str | None) -> r.Dataset | None:
    """The dataset if ``token`` (or anonymity) may read it, as the datastore asks WEBKNOSSOS."""
    organization = find_organization(api, organization_name)
    if organization is None:
        return None
    dataset = organization_dataset(api, organization.id, name)
    if dataset is None:
        return None
    reader = datastore_principal(api.store, token, api.now())
    sharing_token = token if reader is None else None
    return dataset if may_read_dataset(api.store, dataset, reader, sharing_token) else None


def serve(api: Api, organization_name: str, name: str, token: str | None, build: Build) -> Response:
    """Check read access (403 in plain text, as the datastore), then answer with ``build``."""
    dataset = readable_dataset(api, organization_name, name, token)
    if dataset is None:
        response = text_response(NO_ACCESS, 403)
    elif not dataset.is_active or "dataLayers" not in dataset.data_source:
        raise NotFound(DATASOURCE_NOT_FOUND)
    else:
        response = build(dataset, organization_name)
    response.headers.update(CORS)
    return response


def html_response(page: str) -> Response:
    return text_response(page, media_type="text/html; charset=UTF-8")


def data_layer(dataset: r.Dataset, name: str) -> dict[str, Any]:
    found = views.layer(dataset, name)
    if found is None:
        raise NotFound(DATASOURCE_NOT_FOUND)
    return found


def mag_of(data_layer_json: dict[str, Any], literal: str) -> list[int]:
    mag = views.parse_mag(literal)
    if mag is None:
        raise NotFound(f"Supplied \u201c{literal}\u201d is not a valid mag format. Please use \u201cx-y-z\u201d")
    if mag not in data_layer_json["resolutions"]:
        raise NotFound(f"DataLayer \u201c{data_layer_json['name']}\u201d does not have mag \u201c{literal}\u201d")
    return mag


async def list_dataset(api: Api, organization_name: str, data_set_name: str, user: str | None = None) -> Response:
    return serve(api, organization_name, data_set_name, user, lambda d, org: html_response(
        views.directory_page(f"{org}/{d.name}", views.dataset_entries(d))))


async def read_dataset_zgroup(api: Api, organization_name: str, data_set_name: str, user: str | None = None
                              ) -> Response:
    dataset = readable_dataset(api, organization_name, data_set_name, user)
    response = json_response({"zarr_format": 2}) if dataset else text_response(NO_ACCESS, 403)
    response.headers.update(CORS)
    return response


async def read_datasource_properties(api: Api, organization_name: str, data_set_name: str,
                                     user: str | None = None) -> Response:
    return serve(api, organization_name, data_set_name, user,
                 lambda d, org: json_response(views.datasource_properties(d, org)))


async def read_layer_zgroup(api: Api, organization_name: str, data_set_name: str, data_layer_name: str,
                            user: str | None = None) -> Response:
    def build(dataset: r.Dataset, _org: str) -> Response:
        data_layer(dataset, data_layer_name)
        return json_response({"zarr_format": 2})

    return serve(api, organization_name, data_set_name, user, build)


async def read_layer_zattrs(api: Api, organization_name: str, data_set_name: str, data_layer_name: str,
                            user: str | None = None) -> Response:
    return serve(api, organization_name, data_set_name, user, lambda d, _org: json_response(
        views.ngff_attributes(data_layer(d, data_layer_name), d.data_source["scale"])))


async def list_layer(api: Api, organization_name: str, data_set_name: str, data_layer_name: str,
                     user: str | None = None) -> Response:
    return serve(api, organization_name, data_set_name, user, lambda d, org: html_response(views.directory_page(
        f"{org}/{d.name}/{data_layer_name}", views.layer_entries(data_layer(d, data_layer_name)))))


async def read_zarray(api: Api, organization_name: str, data_set_name: str, data_layer_name: str, mag: str,
                      user: str | None = None) -> Response:
    def build(dataset: r.Dataset, _org: str) -> Response:
        found = data_layer(dataset, data_layer_name)
        return json_response(views.zarray(found, mag_of(found, mag)))

    return serve(api, organization_name, data_set_name, user, build)


async def list_mag(api: Api, organization_name: str, data_set_name: str, data_layer_name: str, mag: str,
                   user: str | None = None) -> Response:
    def build(dataset: r.Dataset, org: str) -> Response:
        mag_of(data_layer(dataset, data_layer_name), mag)
        return html_response(views.directory_page(f"{org}/{dataset.name}/{data_layer_name}/{mag}", [".zarray"]))

    return serve(api, organization_name, data_set_name, user, build)


async def read_chunk(api: Api, organization_name: str, data_set_name: str, data_layer_name: str, mag: str,
                     coordinates: str, user: str | None = None) -> Response:
    def build(dataset: r.Dataset, _org: str) -> Response:
        found = data_layer(dataset, data_layer_name)
        chunk = views.parse_chunk(coordinates)
        if chunk is None:
            raise NotFound(INVALID_COORDINATES)
        if chunk[0] != 0:
            raise NotFound("First Channel must be 0")
        mag_of(found, mag)
        return Response(bytes(views.chunk_size(found)), media_type="application/octet-stream")

    return serve(api, organization_name, data_set_name, user, build)
