"""Activity records (positions, annotation actions, project connections, image consultations): the mock records
no activity, so these collections are empty; the routes check the caller and the object as the real ones do."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import NotFound
from mockserver.packs.cytomine.handlers.common import listed
from mockserver.packs.cytomine.handlers.images import readable_image


async def image_positions(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    readable_image(cy, id_, cy.me(user))
    return listed([])


async def slice_positions(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    plane = cy.store.get(r.SliceInstance, id_)
    if plane is None:
        raise NotFound.of("SliceInstance", id_)
    readable_image(cy, plane.image, me)
    return listed([])


async def annotation_actions(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    readable_image(cy, id_, cy.me(user))
    return listed([])


def _project_user(cy: Cytomine, project_id: int, user_id: int, user: str | None) -> None:
    cy.readable_project(project_id, cy.me(user))
    if cy.store.get(r.User, user_id) is None:
        raise NotFound.of("User", user_id)


async def project_connections(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    _project_user(cy, id_, user_id, user)
    return listed([])


async def image_consultations(cy: Cytomine, id_: int, user_id: int, user: str | None = None) -> Response:
    _project_user(cy, id_, user_id, user)
    return listed([])
