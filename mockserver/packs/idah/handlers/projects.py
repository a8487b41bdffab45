"""``/projects``: created by admins and organisation owners; changed and deleted by the project's owners."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.idah import crud, jsonapi
from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.packs.idah.resources import RESOURCES

NAME = "projects"
RESOURCE = RESOURCES[NAME]


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)


def create(api: Idah, body: dict[str, Any]) -> Response:
    data = crud.data_of(RESOURCE, body)
    attributes = crud.attributes_of(RESOURCE, data, update=False)
    who = api.principal()
    if not attributes.get("name"):
        raise ValidationFailed("is missing", pointer="/data/attributes/name")
    organization = attributes.get("organization_id", who.organization_ids[0] if who.organization_ids else None)
    if not isinstance(organization, int) or not who.owns_organization(organization):
        raise Unauthorized("Only an admin or an owner of the organization can create projects")
    now = api.now()
    project = r.Project(crud.new_id(api, RESOURCE, data), attributes["name"], attributes.get("description"),
                        who.email, organization, now, now)
    with api.store.transaction():
        api.store.insert(project)
    return crud.shown(api, NAME, project, 201)


def owned(api: Idah, resource_id: str) -> r.Project:
    scope = api.scope()
    project: r.Project = crud.find(api, NAME, resource_id, scope)
    if not scope.owns(project):
        raise Unauthorized("Only the project owners can change the project")
    return project


def update(api: Idah, resource_id: str, body: dict[str, Any]) -> Response:
    project = owned(api, resource_id)
    return crud.updated(api, NAME, project, body)


def delete(api: Idah, resource_id: str) -> Response:
    project = owned(api, resource_id)
    busy = api.store.count(r.Dataset, "project_id = ? AND status IN ('in_progress', 'completed')", (project.id,))
    if busy:
        raise Unauthorized("Unable to delete a project with datasets in progress or completed")
    with api.store.transaction():
        for dataset in api.store.select(r.Dataset, "project_id = ?", (project.id,)):
            delete_dataset_rows(api, dataset.id)
        api.store.delete(r.ProjectMember, "project_id = ?", (project.id,))
        api.store.delete(r.Project, "id = ?", (project.id,))
    return jsonapi.no_content()


def delete_dataset_rows(api: Idah, dataset_id: str) -> None:
    """A dataset and everything under it (entries, annotations, notes)."""
    store = api.store
    store.execute("DELETE FROM note_comments WHERE note_feed_id IN (SELECT id FROM note_feeds WHERE dataset_id = ?)",
                  (dataset_id,))
    for cls in (r.NoteFeed, r.Annotation, r.Entry):
        store.delete(cls, "dataset_id = ?", (dataset_id,))
    store.delete(r.Dataset, "id = ?", (dataset_id,))
