"""Dataset, datastore and tracingstore shapes (reference §7.4–§7.6)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.auth import Principal, may_edit_dataset
from mockserver.packs.webknossos.views.teams import team
from mockserver.packs.webknossos.views.users import organization_name
from mockserver.store import Store

JSON = dict[str, Any]


def datastore(record: r.Datastore) -> JSON:
    return {"name": record.name, "url": record.public_url, "isScratch": record.is_scratch,
            "allowsUpload": record.allows_upload}


def tracingstore(record: r.Tracingstore) -> JSON:
    return {"name": record.name, "url": record.public_url}


def allowed_team_ids(store: Store, dataset_id: str) -> list[str]:
    return store.scalars("SELECT team_id FROM dataset_teams WHERE dataset_id = ? ORDER BY team_id", (dataset_id,))


def may_read_dataset(store: Store, record: r.Dataset, viewer: Principal | None, sharing_token: str | None = None
                     ) -> bool:
    """Public datasets, a matching sharing token, admins/dataset managers, members of an allowed team."""
    if record.is_public or (sharing_token and sharing_token == record.sharing_token):
        return True
    if viewer is None or not viewer.in_organization(record.organization_id):
        return False
    if viewer.is_admin or viewer.user.is_dataset_manager:
        return True
    return any(viewer.is_member(team_id) for team_id in allowed_team_ids(store, record.id))


def dataset(store: Store, record: r.Dataset, viewer: Principal | None) -> JSON:
    organization = organization_name(store, record.organization_id)
    teams = [team(store, t) for t in store.select(
        r.Team, "id IN (SELECT team_id FROM dataset_teams WHERE dataset_id = ?)", (record.id,), order="name")]
    data_source = {"id": {"name": record.name, "team": organization}, **record.data_source}
    store_record = store.get(r.Datastore, record.datastore_name)
    return {
        "name": record.name,
        "dataSource": data_source,
        "dataStore": datastore(store_record) if store_record else None,
        "owningOrganization": organization,
        "allowedTeams": teams,
        "allowedTeamsCumulative": teams,
        "isActive": record.is_active,
        "isPublic": record.is_public,
        "description": record.description,
        "displayName": record.display_name,
        "created": record.created,
        "isEditable": may_edit_dataset(store, viewer, record),
        "lastUsedByUser": 0,
        "logoUrl": record.logo_url,
        "sortingKey": record.sorting_key,
        "details": record.details,
        "isUnreported": record.is_unreported,
        "jobsEnabled": False,
        "tags": list(record.tags),
        "folderId": record.folder_id,
        "publication": None,
    }


def dataset_compact(store: Store, record: r.Dataset, viewer: Principal | None) -> JSON:
    layers = record.data_source.get("dataLayers", [])
    return {
        "id": record.id,
        "name": record.name,
        "owningOrganization": organization_name(store, record.organization_id),
        "folderId": record.folder_id,
        "isActive": record.is_active,
        "displayName": record.display_name,
        "created": record.created,
        "isEditable": may_edit_dataset(store, viewer, record),
        "lastUsedByUser": 0,
        "status": record.data_source.get("status", ""),
        "tags": list(record.tags),
        "isUnreported": record.is_unreported,
        "colorLayerNames": [layer["name"] for layer in layers if layer["category"] == "color"],
        "segmentationLayerNames": [layer["name"] for layer in layers if layer["category"] == "segmentation"],
    }
