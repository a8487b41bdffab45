"""v3: before projects were addressed by id."""

from __future__ import annotations

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.errors import NotFound
from mockserver.packs.webknossos.versions.v4 import V4
from mockserver.store import Store


class V3(V4):
    """v3: ``/projects/{name}`` routes and the ``project`` filter of ``POST /tasks/list`` use names."""

    name = "v3"
    project_key = "name"

    def find_project(self, store: Store, ref: str, organization_id: str) -> r.Project:
        project = store.one(r.Project, "name = ? AND organization_id = ?", (ref, organization_id))
        if project is None:
            raise NotFound()  # the by-name route's lookup fails without a message
        return project
