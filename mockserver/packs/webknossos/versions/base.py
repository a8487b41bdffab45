"""The adapter protocol: how one API version differs from the latest wire shapes.

Handlers build the latest (v5) JSON through ``mockserver.packs.webknossos.views`` and pass it through the adapter of
the version that was called. The latest version's adapter changes nothing; each older version
subclasses the next newer one and overrides only what that version changed, as the real server's
``LegacyApiController`` does.
"""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.errors import NotFound
from mockserver.store import Store

JSON = dict[str, Any]

PROJECT_NOT_FOUND = "Project could not be found"


class Adapter:
    """Base of all versions: passes the views' (latest) shapes through unchanged."""

    name = "v5"
    project_key = "id"
    """How ``/projects/{…}`` routes and the ``project`` filter of ``POST /tasks/list`` name a project."""

    # responses ------------------------------------------------------------------------------------

    def annotation(self, data: JSON) -> JSON:
        """A full annotation JSON (info, finish, lists of task annotations …)."""
        return data

    def annotation_compact(self, data: JSON) -> JSON:
        """An entry of the compact annotation lists (``/user/annotations`` …)."""
        return data

    # requests -------------------------------------------------------------------------------------

    def annotation_edit(self, body: JSON) -> JSON:
        """The body of ``PATCH /annotations/{typ}/{id}/edit`` in latest terms."""
        return body

    def explorational_layers(self, body: Any) -> list[JSON]:
        """The layer parameters of ``createExplorational`` (v5: the body is already a list)."""
        return list(body)

    def find_project(self, store: Store, ref: str, organization_id: str) -> r.Project:
        """The project a route addresses (v4+: by id)."""
        project = store.get(r.Project, ref)
        if project is None or project.organization_id != organization_id:
            raise NotFound(PROJECT_NOT_FOUND)
        return project
