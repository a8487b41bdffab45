"""Tracks (named, coloured groups of annotations in an image) and the annotations in them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine import views
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import DomainError, Forbidden, NotFound
from mockserver.packs.cytomine.handlers.common import an_object, create, id_field, listed, text_field
from mockserver.packs.cytomine.handlers.images import readable_image
from mockserver.responses import json_response


def _writable_project(cy: Cytomine, project_id: int, me: r.User) -> r.Project:
    project = cy.readable_project(project_id, me)
    if not cy.can_write_in(project, me):
        raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    return project


async def list_tracks_of_project(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                                 offset: int | None = None) -> Response:
    project = cy.readable_project(id_, cy.me(user))
    found = cy.store.select(r.Track, "project = ?", (project.id,), order="id")
    return listed([views.track(cy, t) for t in found], max_, offset)


async def list_tracks_of_image(cy: Cytomine, id_: int, user: str | None = None, max_: int | None = None,
                               offset: int | None = None) -> Response:
    image = readable_image(cy, id_, cy.me(user))
    found = cy.store.select(r.Track, "image = ?", (image.id,), order="id")
    return listed([views.track(cy, t) for t in found], max_, offset)


def _new_track(cy: Cytomine, me: r.User, body: dict[str, Any]) -> dict[str, Any]:
    name = text_field(body, "name", "Track") or ""
    image = readable_image(cy, id_field(body, "image", "Track") or 0, me)
    _writable_project(cy, image.project, me)
    if cy.store.one(r.Track, "name = ? AND image = ?", (name, image.id)):
        raise DomainError(f"Track {name} already exist in image {image.id}", status=409)
    color = str(body["color"]) if isinstance(body.get("color"), str) else "#000000"
    record = r.Track(cy.new_id(), name, image.id, image.project, color, cy.now())
    cy.store.insert(record)
    return cy.command("track", views.track(cy, record), "Add", f"Track {record.id} ({name}) added",
                      imageID=image.id)


async def create_track(cy: Cytomine, body: Any, user: str | None = None) -> Response:
    me = cy.me(user)
    return create(cy, body, lambda item: _new_track(cy, me, item), "tracks")


def _track(cy: Cytomine, track_id: int, me: r.User, write: bool = False) -> r.Track:
    found = cy.store.get(r.Track, track_id)
    if found is None:
        raise NotFound.of("Track", track_id)
    if write:
        _writable_project(cy, found.project, me)
    else:
        cy.readable_project(found.project, me)
    return found


async def read_track(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    return json_response(views.track(cy, _track(cy, id_, cy.me(user))))


async def update_track(cy: Cytomine, id_: int, body: Any, user: str | None = None) -> Response:
    me, body = cy.me(user), an_object(body)
    with cy.store.transaction():
        record = _track(cy, id_, me, write=True)
        name = text_field(body, "name", "Track") if "name" in body else record.name
        color = body.get("color") if isinstance(body.get("color"), str) else record.color
        record = cy.store.update(record, name=name or record.name, color=color, updated=cy.now())
        return json_response(cy.command("track", views.track(cy, record), "Edit",
                                        f"Track {record.id} ({record.name}) edited"))


async def delete_track(cy: Cytomine, id_: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        record = _track(cy, id_, me, write=True)
        shown = views.track(cy, record)
        cy.store.delete(r.AnnotationTrack, "track = ?", (record.id,))
        cy.store.delete(r.Track, "id = ?", (record.id,))
        return json_response(cy.command("track", shown, "Delete", f"Track {record.id} ({record.name}) deleted"))


def _pair(cy: Cytomine, annotation_id: int, track_id: int, me: r.User, write: bool) -> tuple[r.Annotation, r.Track]:
    annotation = cy.store.get(r.Annotation, annotation_id)
    if annotation is None:
        raise NotFound.of("Annotation", annotation_id)
    track = _track(cy, track_id, me, write)
    if track.image != annotation.image:
        raise DomainError(f"Track {track.id} is not in the image of annotation {annotation.id}")
    return annotation, track


async def add_annotation_track(cy: Cytomine, annotation: int, track: int, body: Any = None,
                               user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        found, chosen = _pair(cy, annotation, track, me, write=True)
        if cy.store.one(r.AnnotationTrack, "annotation = ? AND track = ?", (found.id, chosen.id)):
            raise DomainError(f"Annotation {found.id} is already in track {chosen.id}", status=409)
        record = r.AnnotationTrack(cy.new_id(), found.id, chosen.id, cy.now())
        cy.store.insert(record)
        return json_response(cy.command("annotationtrack", views.annotation_track(cy, record), "Add",
                                        f"Annotation {found.id} added to track {chosen.name}"))


def _annotation_track(cy: Cytomine, annotation: int, track: int) -> r.AnnotationTrack:
    found = cy.store.one(r.AnnotationTrack, "annotation = ? AND track = ?", (annotation, track))
    if found is None:
        raise NotFound(f"AnnotationTrack not found with filters : {{annotation={annotation}, track={track}}}")
    return found


async def read_annotation_track(cy: Cytomine, annotation: int, track: int, user: str | None = None) -> Response:
    _pair(cy, annotation, track, cy.me(user), write=False)
    return json_response(views.annotation_track(cy, _annotation_track(cy, annotation, track)))


async def remove_annotation_track(cy: Cytomine, annotation: int, track: int, user: str | None = None) -> Response:
    me = cy.me(user)
    with cy.store.transaction():
        _pair(cy, annotation, track, me, write=True)
        record = _annotation_track(cy, annotation, track)
        cy.store.delete(r.AnnotationTrack, "id = ?", (record.id,))
        return json_response(cy.command("annotationtrack", views.annotation_track(cy, record), "Delete",
                                        f"Annotation {annotation} removed from track {track}"))
