"""``/annotations`` (JSON:API; the frontend writes through ``POST /annotations/_rpc`` only, see ``rpc.py``)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import annotating, crud, jsonapi
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.resources import RESOURCES

NAME = "annotations"
RESOURCE = RESOURCES[NAME]


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    data = crud.data_of(RESOURCE, body)
    params = {**(data.get("attributes") or {}), "entry_id": crud.linked_id(data, "entry")
              or (data.get("attributes") or {}).get("entry_id")}
    annotation = annotating.create(api, api.scope(), params, crud.client_id(data))
    return crud.shown(api, NAME, annotation, 201)


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    attributes = crud.changes_of(RESOURCE, body)
    return crud.shown(api, NAME, annotating.update(api, api.scope(), resource_id, attributes))


def delete(api: Idah, resource_id: str) -> Response:
    annotating.delete(api, api.scope(), resource_id)
    return jsonapi.no_content()
