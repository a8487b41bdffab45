"""Layers: the SQL condition keeps exactly the annotations ``visible`` shows, whatever a project hides."""

from __future__ import annotations

import itertools

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.cytomine import layers
from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine

SQUARE = "POLYGON ((10 10, 10 60, 60 60, 60 10, 10 10))"


@pytest.mark.parametrize(("hide_users", "hide_admins"), list(itertools.product([False, True], repeat=2)))
def test_the_condition_keeps_what_visible_shows(cy: TestClient, cy_app: MockApp, hide_users: bool,
                                                hide_admins: bool) -> None:
    cytomine, store = Cytomine(cy_app.backend), cy_app.backend.store
    project = store.select(r.Project)[0]
    image = store.select(r.ImageInstance, "project = ?", (project.id,))[0]
    users = {user.username: user for user in store.select(r.User)}
    outsider = users["outsider"]
    with store.transaction():  # a manager who is no admin, and an author who is no member
        store.insert(r.Member(project.id, outsider.id, True, 1))
        for number, author in enumerate([outsider.id, outsider.id, 1]):
            store.insert(r.Annotation(10**9 + number, image.id, project.id, author, SQUARE, 1))
        project = store.update(project, hide_users_layers=hide_users, hide_admins_layers=hide_admins)
    everything = store.select(r.Annotation, "project = ?", (project.id,), order="id")
    assert len({annotation.user for annotation in everything}) == 4
    for viewer in users.values():
        where, params = layers.condition(cytomine, [project], viewer)
        kept = store.select(r.Annotation, f"project = ? AND {where}" if where else "project = ?",
                            (project.id, *params), order="id")
        assert kept == [a for a in everything if layers.visible(cytomine, a, viewer)], viewer.username
