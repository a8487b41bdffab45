"""``/datasets``: listing, reading, editing datasets; sharing tokens; createExplorational."""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import Response

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal, may_edit_dataset
from mockserver.packs.webknossos.errors import BadRequest, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import OBJECT_ID
from mockserver.packs.webknossos.handlers.explorationals import create_explorational_annotation
from mockserver.packs.webknossos.views import datasets as views
from mockserver.packs.webknossos.views.annotations import annotation as annotation_view
from mockserver.packs.webknossos.views.users import user_compact
from mockserver.readcache import cached_read
from mockserver.responses import empty_response, json_response

VALID_NAME = re.compile(r"^[A-Za-z0-9_\-.]{3,}$")


def find_organization(api: Api, name: str) -> r.Organization | None:
    return api.store.lookup(r.Organization, "name = ?", (name,))


def organization_dataset(api: Api, organization_id: str, name: str) -> r.Dataset | None:
    """The dataset of that organization with that name (no access check)."""
    return api.store.lookup(r.Dataset, "organization_id = ? AND name = ?", (organization_id, name))


def find_dataset(api: Api, organization_name: str, name: str, me: Principal | None,
                 sharing_token: str | None = None, *, unknown_organization_status: int = 404) -> r.Dataset:
    """A dataset the requester may read; hidden ones are reported as missing (404)."""
    organization = find_organization(api, organization_name)
    if organization is None:
        error = f"Organization {organization_name} could not be found"
        raise BadRequest(error) if unknown_organization_status == 400 else NotFound(error)
    dataset = organization_dataset(api, organization.id, name)
    if dataset is None or not views.may_read_dataset(api.store, dataset, me, sharing_token):
        suffix = "" if me else ". You may need to log in."
        raise NotFound(f"Dataset {name} does not exist or could not be accessed{suffix}")
    return dataset


def editable_dataset(api: Api, organization_name: str, name: str, me: Principal) -> r.Dataset:
    dataset = find_dataset(api, organization_name, name, me)
    if not may_edit_dataset(api.store, me, dataset):
        raise Forbidden()
    return dataset


@cached_read
async def list_datasets(
    api: Api,
    user: str | None = None,
    is_active: bool | None = None,
    is_unreported: bool | None = None,
    organization_name: str | None = None,
    only_my_organization: bool | None = None,
    uploader_id: str | None = None,
    folder_id: str | None = None,
    include_subfolders: bool | None = None,
    search_query: str | None = None,
    limit: int | None = None,
    compact: bool | None = None,
    is_editable: bool | None = None,
) -> Response:
    """Readable datasets, filtered; ``isEditable`` is ignored in every version (seed changelog)."""
    me = api.principal(user)
    for value in (folder_id, uploader_id):  # the real server parses both as ObjectIds first
        if value is not None and not OBJECT_ID.match(value):
            raise BadRequest(f"The passed resource id ‘{value}’ is invalid")
    where, params = ["1 = 1"], []
    if organization_name is not None:
        organization = find_organization(api, organization_name)
        where.append("organization_id = ?")
        params.append(organization.id if organization else "")
    if only_my_organization and me:
        where.append("organization_id = ?")
        params.append(me.organization_id)
    if folder_id is not None:
        folders = _folder_and_children(api, folder_id) if include_subfolders else [folder_id]
        where.append(f"folder_id IN ({', '.join('?' for _ in folders)})")
        params.extend(folders)
    needle = (search_query or "").lower()
    records = api.store.select(r.Dataset, " AND ".join(where), params, order="created DESC, id")
    records = [d for d in records if needle in d.name.lower() and views.may_read_dataset(api.store, d, me)
               and (is_active is None or d.is_active == is_active)
               and (is_unreported is None or d.is_unreported == is_unreported)]
    if limit is not None:
        records = records[:limit]
    render = views.dataset_compact if compact else views.dataset
    response = json_response([render(api.store, d, me) for d in records])
    response.headers.update({"Access-Control-Allow-Origin": "*", "Access-Control-Max-Age": "600"})
    return response


def _folder_and_children(api: Api, folder_id: str) -> list[str]:
    found, frontier = [folder_id], [folder_id]
    while frontier:
        marks = ", ".join("?" for _ in frontier)
        frontier = api.store.scalars(f"SELECT id FROM folders WHERE parent_id IN ({marks})", frontier)
        found.extend(frontier)
    return found


@cached_read
async def read_dataset(api: Api, organization_name: str, data_set_name: str, user: str | None = None,
                       sharing_token: str | None = None) -> Response:
    me = api.principal(user)
    dataset = find_dataset(api, organization_name, data_set_name, me, sharing_token, unknown_organization_status=400)
    return json_response(views.dataset(api.store, dataset, me))


async def update_dataset(api: Api, organization_name: str, data_set_name: str, body: dict[str, Any],
                         user: str | None = None) -> Response:
    """Edit metadata; like the real server, an omitted description/displayName is cleared."""
    me = api.require(user)
    dataset = editable_dataset(api, organization_name, data_set_name, me)
    changes: dict[str, Any] = {
        "is_public": bool(body["isPublic"]),
        "tags": [str(t) for t in body.get("tags") or []],
        "description": body.get("description"),
        "display_name": body.get("displayName"),
        "sorting_key": body.get("sortingKey") or dataset.created,
    }
    if body.get("folderId"):
        folder = api.store.get(r.Folder, str(body["folderId"]))
        if folder is None or folder.organization_id != dataset.organization_id:
            raise BadRequest("Folder could not be found")
        changes["folder_id"] = folder.id
    dataset = api.store.update(dataset, **changes)
    return json_response(views.dataset(api.store, dataset, me))


async def update_dataset_teams(api: Api, organization_name: str, data_set_name: str, body: list[str],
                               user: str | None = None) -> Response:
    """As the real server, a team manager changes only the teams they manage; the others stay as they were."""
    me = api.require(user)
    dataset = editable_dataset(api, organization_name, data_set_name, me)
    requested = list(dict.fromkeys(body))
    with api.store.transaction():
        for team_id in requested:
            team = api.store.get(r.Team, team_id)
            if team is None or team.organization_id != dataset.organization_id:
                raise BadRequest("Team could not be found")
        kept = [t for t in views.allowed_team_ids(api.store, dataset.id) if not me.manages(t, dataset.organization_id)]
        team_ids = list(dict.fromkeys([*(t for t in requested if me.manages(t, dataset.organization_id)), *kept]))
        api.store.delete(r.DatasetTeam, "dataset_id = ?", (dataset.id,))
        api.store.insert(*(r.DatasetTeam(dataset.id, team_id) for team_id in team_ids))
    return json_response(views.allowed_team_ids(api.store, dataset.id))


async def read_sharing_token(api: Api, organization_name: str, data_set_name: str, user: str | None = None
                             ) -> Response:
    me = api.require(user)
    dataset = find_dataset(api, organization_name, data_set_name, me)
    if dataset.sharing_token is None:
        dataset = api.store.update(dataset, sharing_token=api.ids.token(22))
    return json_response({"sharingToken": dataset.sharing_token})


async def check_new_name(api: Api, organization_name: str, data_set_name: str, user: str | None = None) -> Response:
    """v5 semantics: 200 with an empty body when the name is free, 400 otherwise."""
    me = api.require(user)
    organization = find_organization(api, organization_name)
    if organization is None:
        raise NotFound(f"Organization {organization_name} could not be found")
    if organization.id != me.organization_id:
        raise Forbidden("")
    if not VALID_NAME.match(data_set_name):
        raise BadRequest("Dataset name is invalid. Please use only letters, digits, dots, underscores and hyphens "
                         "(at least 3 characters).")
    if organization_dataset(api, organization.id, data_set_name):
        raise BadRequest("This name is already being used by a different dataset. Please choose a different name.")
    return empty_response()


@cached_read
async def read_access_list(api: Api, organization_name: str, data_set_name: str, user: str | None = None
                           ) -> Response:
    """Users who may read the dataset: its organization's admins and members of its allowed teams."""
    me = api.require(user)
    dataset = find_dataset(api, organization_name, data_set_name, me)
    users = api.store.select(
        r.User, "organization_id = ? AND is_active = 1 AND (is_admin = 1 OR is_dataset_manager = 1 OR id IN "
        "(SELECT user_id FROM memberships WHERE team_id IN (SELECT team_id FROM dataset_teams WHERE dataset_id = ?)))",
        (dataset.organization_id, dataset.id), order="lower(last_name), id")
    return json_response([user_compact(api.store, u) for u in users])


async def create_explorational(api: Api, organization_name: str, data_set_name: str, body: Any,
                               user: str | None = None) -> Response:
    me = api.require(user)
    dataset = find_dataset(api, organization_name, data_set_name, me)
    layers = api.adapter.explorational_layers(body)
    annotation = create_explorational_annotation(api, me, dataset, layers)
    return json_response(api.adapter.annotation(annotation_view(api.store, annotation, me)))
