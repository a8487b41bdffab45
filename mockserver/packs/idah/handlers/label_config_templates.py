"""``/label_config_templates``: reusable labeling configurations of an organisation (integer ids); members of
the organisation read them, its owners (and admins) write them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES

NAME = "label_config_templates"
RESOURCE = RESOURCES[NAME]
OWNERS_ONLY = "Only an owner of the organization can change templates"


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    data = crud.data_of(RESOURCE, body)
    crud.client_id(data)  # checked like every create's; the template's id is an integer of the service's
    attributes = crud.attributes_of(RESOURCE, data, update=False)
    who = api.principal()
    organization = attributes.get("organization_id", who.organization_ids[0] if who.organization_ids else None)
    if not isinstance(organization, int) or not who.owns_organization(organization):
        raise Unauthorized(OWNERS_ONLY)
    for required in ("name", "modality"):
        if not attributes.get(required):
            raise ValidationFailed("is missing", pointer=f"/data/attributes/{required}")
    now = api.now()
    template = r.LabelConfigTemplate(api.next_int_id("label_config_templates"), organization, attributes["name"],
                                     attributes["modality"], attributes.get("labeling_configuration") or {}, now, now)
    with api.store.transaction():
        api.store.insert(template)
    return crud.shown(api, NAME, template, 201)


def _owned(api: Idah, resource_id: str) -> r.LabelConfigTemplate:
    scope = api.scope()
    template: r.LabelConfigTemplate = crud.find(api, NAME, resource_id, scope)
    if not scope.who.owns_organization(template.organization_id):
        raise Unauthorized(OWNERS_ONLY)
    return template


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    template = _owned(api, resource_id)
    return crud.updated(api, NAME, template, body)


def delete(api: Idah, resource_id: str) -> Response:
    template = _owned(api, resource_id)
    with api.store.transaction():
        api.store.delete(r.LabelConfigTemplate, "id = ?", (template.id,))
    return jsonapi.no_content()
