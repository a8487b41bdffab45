"""Annotation shapes: full (reference §7.7.1) and compact (§7.7.2), with per-requester restrictions."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.views.datasets import datastore, tracingstore
from mockserver.packs.webknossos.views.tasks import task as task_view
from mockserver.packs.webknossos.views.teams import team
from mockserver.packs.webknossos.views.users import organization_name, user_compact
from mockserver.packs.webknossos.world.generate import default_settings
from mockserver.packs.webknossos.world.skeletons import skeleton_stats
from mockserver.store import Store

JSON = dict[str, Any]


def tracing_type(layers: list[JSON]) -> str:
    kinds = {layer["typ"] for layer in layers}
    if kinds == {"Skeleton", "Volume"}:
        return "hybrid"
    return "volume" if kinds == {"Volume"} else "skeleton"


def tags(record: r.Annotation, dataset_name: str) -> list[str]:
    """User tags plus the dataset name plus the tracing type, without duplicates."""
    return list(dict.fromkeys([*record.tags, dataset_name, tracing_type(record.layers)]))


def stats(store: Store, record: r.Annotation) -> JSON:
    skeleton = next((layer for layer in record.layers if layer["typ"] == "Skeleton"), None)
    tracing = store.get(r.Tracing, skeleton["tracingId"]) if skeleton else None
    return skeleton_stats(tracing.content) if tracing else {}


def task_team_id(store: Store, record: r.Annotation) -> str | None:
    if record.task_id is None:
        return None
    values = store.scalars("SELECT p.team_id FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.id = ?",
                           (record.task_id,))
    return str(values[0]) if values else None


def is_manager_of_annotation(store: Store, record: r.Annotation, viewer: Principal) -> bool:
    """Admin of the owner's organization, or manager of the task's team or of a team of the owner."""
    owner = store.get(r.User, record.user_id)
    if owner is None or not viewer.in_organization(owner.organization_id):
        return False
    if viewer.is_admin:
        return True
    team_id = task_team_id(store, record)
    if team_id and viewer.manages(team_id):
        return True
    owner_teams = store.remember(("memberships",), ("team ids", owner.id), lambda: store.scalars(
        "SELECT team_id FROM memberships WHERE user_id = ?", (owner.id,)))
    return any(viewer.manages(t) for t in owner_teams)


def may_read(store: Store, record: r.Annotation, viewer: Principal | None) -> bool:
    """The real server's row-level rule: Public; Internal within the organization; owner; managers."""
    if record.visibility == "Public":
        return True
    if viewer is None:
        return False
    if viewer.id == record.user_id:
        return True
    if is_manager_of_annotation(store, record, viewer):
        return True
    owner = store.get(r.User, record.user_id)
    return record.visibility == "Internal" and owner is not None and viewer.in_organization(owner.organization_id)


def restrictions(store: Store, record: r.Annotation, viewer: Principal | None) -> JSON:
    readable = may_read(store, record, viewer)
    owner = viewer is not None and viewer.id == record.user_id
    manager = viewer is not None and is_manager_of_annotation(store, record, viewer)
    return {
        "allowAccess": readable,
        "allowUpdate": owner or (record.others_may_edit and readable and viewer is not None),
        "allowFinish": (owner or manager) and record.state == "Active",
        "allowDownload": readable,
    }


def shared_teams(store: Store, annotation_id: str) -> list[JSON]:
    records = store.select(r.Team, "id IN (SELECT team_id FROM annotation_teams WHERE annotation_id = ?)",
                           (annotation_id,), order="name")
    return [team(store, t) for t in records]


def _heading(record: r.Annotation) -> JSON:
    """The fields that open both annotation shapes, full and compact (in their order)."""
    return {"modified": record.modified, "state": record.state, "id": record.id, "name": record.name,
            "description": record.description}


def annotation(store: Store, record: r.Annotation, viewer: Principal | None) -> JSON:
    dataset = store.get(r.Dataset, record.dataset_id)
    dataset_name = dataset.name if dataset else ""
    owner = store.get(r.User, record.user_id)
    owner_json = user_compact(store, owner) if owner else None
    task_record = store.get(r.Task, record.task_id) if record.task_id else None
    type_record = store.get(r.TaskType, task_record.task_type_id) if task_record else None
    datastore_record = store.get(r.Datastore, dataset.datastore_name) if dataset else None
    tracingstore_record = store.lookup(r.Tracingstore, "1 = 1")
    return {
        **_heading(record),
        "viewConfiguration": record.view_configuration,
        "typ": record.typ,
        "task": task_view(store, task_record) if task_record else None,
        "stats": stats(store, record),
        "restrictions": restrictions(store, record, viewer),
        "formattedHash": record.id[-6:],
        "annotationLayers": [dict(layer) for layer in record.layers],
        "dataSetName": dataset_name,
        "organization": organization_name(store, dataset.organization_id) if dataset else "",
        "dataStore": datastore(datastore_record) if datastore_record else None,
        "tracingStore": tracingstore(tracingstore_record) if tracingstore_record else None,
        "visibility": record.visibility,
        "settings": dict(type_record.settings) if type_record else default_settings(tracing_type(record.layers)),
        "tracingTime": record.tracing_time,
        "teams": shared_teams(store, record.id),
        "tags": tags(record, dataset_name),
        "user": owner_json,
        "owner": owner_json,
        "contributors": [],
        "othersMayEdit": record.others_may_edit,
    }


def annotation_compact(store: Store, record: r.Annotation) -> JSON:
    dataset = store.get(r.Dataset, record.dataset_id)
    dataset_name = dataset.name if dataset else ""
    owner = store.get(r.User, record.user_id)
    return {
        **_heading(record),
        "typ": record.typ,
        "stats": stats(store, record),
        "formattedHash": record.id[-6:],
        "annotationLayers": [dict(layer) for layer in record.layers],
        "dataSetName": dataset_name,
        "organization": organization_name(store, dataset.organization_id) if dataset else "",
        "visibility": record.visibility,
        "tracingTime": record.tracing_time,
        "teams": shared_teams(store, record.id),
        "tags": tags(record, dataset_name),
        "owner": {"id": owner.id, "firstName": owner.first_name, "lastName": owner.last_name} if owner else None,
        "othersMayEdit": record.others_may_edit,
    }


def compound_annotation(store: Store, record: r.Annotation, viewer: Principal, allow_access: bool) -> JSON:
    """A compound annotation (§12): the full shape of a transient ``record`` (id = task/project/task-type
    id, owner = the requester, merged layers) with ``stats`` ``{}`` and the compound restrictions."""
    data = annotation(store, record, viewer)
    data["stats"] = {}
    data["restrictions"] = {"allowAccess": allow_access, "allowUpdate": False, "allowFinish": False,
                            "allowDownload": allow_access}
    return data
