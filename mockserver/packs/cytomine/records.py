"""The records of the Cytomine pack: canonical rows, one table per domain, ids from one global sequence.

Times are epoch milliseconds (the wire shows them as strings). Counters (``numberOfAnnotations`` …) are not
stored: they are counted when an object is shown, so they are right after every create and delete.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from mockserver.store import Schema


@dataclasses.dataclass(frozen=True)
class Sequence:
    """The one global id sequence every domain (and every command) draws from (row id 1)."""

    table: ClassVar[str] = "id_sequence"
    id: int
    last: int


@dataclasses.dataclass(frozen=True)
class User:
    table: ClassVar[str] = "users"
    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    public_key: str
    private_key: str
    token: str
    """The bearer token of the user (the current core also accepts bearer JWTs)."""
    admin: bool
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Storage:
    table: ClassVar[str] = "storages"
    id: int
    name: str
    user: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class UploadedFile:
    table: ClassVar[str] = "uploaded_files"
    id: int
    storage: int
    user: int
    original_filename: str
    filename: str
    ext: str
    content_type: str
    size: int
    status: int
    parent: int | None
    created: int
    updated: int | None = None
    content: str | None = None
    """The bytes sent to ``/upload``, base64-encoded (None for seeded and registered files)."""


@dataclasses.dataclass(frozen=True)
class AbstractImage:
    table: ClassVar[str] = "abstract_images"
    id: int
    uploaded_file: int | None
    original_filename: str
    width: int
    height: int
    depth: int
    channels: int
    magnification: int | None
    physical_size_x: float | None
    content_type: str
    user: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class AbstractSlice:
    """One plane (channel, z, time) of an abstract image."""

    table: ClassVar[str] = "abstract_slices"
    id: int
    image: int
    uploaded_file: int | None
    mime: str
    channel: int
    z_stack: int
    time: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Ontology:
    table: ClassVar[str] = "ontologies"
    id: int
    name: str
    user: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Term:
    table: ClassVar[str] = "terms"
    id: int
    name: str
    ontology: int
    color: str
    comment: str | None
    parent: int | None
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Project:
    table: ClassVar[str] = "projects"
    id: int
    name: str
    ontology: int | None
    user: int
    """The creator (a manager of the project)."""
    created: int
    updated: int | None = None
    blind_mode: bool = False
    is_closed: bool = False
    is_read_only: bool = False
    is_restricted: bool = False
    hide_users_layers: bool = False
    hide_admins_layers: bool = False


@dataclasses.dataclass(frozen=True)
class Member:
    """A user of a project: a contributor, or a manager (``/admin.json``)."""

    table: ClassVar[str] = "members"
    primary_key: ClassVar[tuple[str, ...]] = ("project", "user")
    project: int
    user: int
    manager: bool
    created: int


@dataclasses.dataclass(frozen=True)
class ImageInstance:
    table: ClassVar[str] = "image_instances"
    id: int
    base_image: int
    project: int
    user: int
    instance_filename: str | None
    created: int
    updated: int | None = None
    reviewed: bool = False


@dataclasses.dataclass(frozen=True)
class SliceInstance:
    """An abstract slice in a project's image; the server makes them with the image instance."""

    table: ClassVar[str] = "slice_instances"
    id: int
    image: int
    base_slice: int
    project: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Annotation:
    """A user annotation: WKT in image pixels, origin bottom-left."""

    table: ClassVar[str] = "annotations"
    id: int
    image: int
    project: int
    user: int
    location: str
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class AnnotationTerm:
    table: ClassVar[str] = "annotation_terms"
    id: int
    annotation: int
    term: int
    user: int
    created: int


@dataclasses.dataclass(frozen=True)
class Property:
    """A key-value pair on any domain object (``domainClassName`` + ``domainIdent``)."""

    table: ClassVar[str] = "properties"
    id: int
    domain_class: str
    domain_ident: int
    key: str
    value: str
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Tag:
    table: ClassVar[str] = "tags"
    id: int
    name: str
    user: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class TagAssociation:
    table: ClassVar[str] = "tag_associations"
    id: int
    tag: int
    domain_class: str
    domain_ident: int
    created: int


@dataclasses.dataclass(frozen=True)
class Description:
    """The rich-text description of a domain object (one per object)."""

    table: ClassVar[str] = "descriptions"
    id: int
    domain_class: str
    domain_ident: int
    data: str
    created: int
    updated: int | None = None


AUTHORITIES = ("ROLE_USER", "ROLE_ADMIN", "ROLE_SUPER_ADMIN", "ROLE_GUEST")
ADMIN_AUTHORITIES = frozenset({"ROLE_ADMIN", "ROLE_SUPER_ADMIN"})
"""Roles that make a user a superadmin (``User.admin``)."""


@dataclasses.dataclass(frozen=True)
class Role:
    """An application role (``ROLE_USER``, ``ROLE_ADMIN`` …)."""

    table: ClassVar[str] = "roles"
    id: int
    authority: str
    created: int


@dataclasses.dataclass(frozen=True)
class UserRole:
    table: ClassVar[str] = "user_roles"
    id: int
    user: int
    role: int
    created: int


@dataclasses.dataclass(frozen=True)
class RelationTerm:
    """The ``parent`` relation: ``term1`` is the parent of ``term2`` (kept in step with ``Term.parent``)."""

    table: ClassVar[str] = "relation_terms"
    id: int
    term1: int
    term2: int
    created: int


@dataclasses.dataclass(frozen=True)
class Track:
    table: ClassVar[str] = "tracks"
    id: int
    name: str
    image: int
    project: int
    color: str
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class AnnotationTrack:
    table: ClassVar[str] = "annotation_tracks"
    id: int
    annotation: int
    track: int
    created: int


@dataclasses.dataclass(frozen=True)
class AttachedFile:
    """A file attached to a domain object; its bytes kept base64-encoded."""

    table: ClassVar[str] = "attached_files"
    id: int
    domain_class: str
    domain_ident: int
    filename: str
    content: str
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class Review:
    """A reviewed annotation: the validated copy of a user annotation (its ``parent``) with the reviewer's terms."""

    table: ClassVar[str] = "reviews"
    id: int
    parent: int
    image: int
    project: int
    user: int
    location: str
    terms: list[int]
    created: int


@dataclasses.dataclass(frozen=True)
class ImageGroup:
    """A named group of a project's images (e.g. the stains of one slide)."""

    table: ClassVar[str] = "image_groups"
    id: int
    name: str
    project: int
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class ImageGroupImage:
    table: ClassVar[str] = "image_group_images"
    id: int
    image_group: int
    image: int
    created: int


@dataclasses.dataclass(frozen=True)
class AnnotationGroup:
    """Annotations that show the same object across the images of an image group."""

    table: ClassVar[str] = "annotation_groups"
    id: int
    project: int
    image_group: int
    type: str
    created: int
    updated: int | None = None


@dataclasses.dataclass(frozen=True)
class AnnotationLink:
    table: ClassVar[str] = "annotation_links"
    id: int
    annotation_group: int
    annotation: int
    image: int
    created: int


@dataclasses.dataclass(frozen=True)
class AnnotationFilter:
    """A saved annotation query of a project: a name, the users and the terms it shows."""

    table: ClassVar[str] = "annotation_filters"
    id: int
    name: str
    project: int
    user: int
    users: list[int]
    terms: list[int]
    created: int
    updated: int | None = None


RECORD_TYPES = (User, Sequence, Storage, UploadedFile, AbstractImage, AbstractSlice, Ontology, Term, Project, Member,
                ImageInstance, SliceInstance, Annotation, AnnotationTerm, Property, Tag, TagAssociation, Description,
                Role, UserRole, RelationTerm, Track, AnnotationTrack, AttachedFile, Review,
                ImageGroup, ImageGroupImage, AnnotationGroup, AnnotationLink, AnnotationFilter)
SCHEMA = Schema(RECORD_TYPES, (
    "CREATE UNIQUE INDEX IF NOT EXISTS ix_cy_users_public_key ON users(public_key)",
    "CREATE INDEX IF NOT EXISTS ix_cy_users_token ON users(token)",
    "CREATE INDEX IF NOT EXISTS ix_cy_terms_ontology ON terms(ontology)",
    'CREATE INDEX IF NOT EXISTS ix_cy_members_user ON members("user")',
    "CREATE INDEX IF NOT EXISTS ix_cy_images_project ON image_instances(project)",
    "CREATE INDEX IF NOT EXISTS ix_cy_annotations_image_created ON annotations(image, created, id)",
    "CREATE INDEX IF NOT EXISTS ix_cy_abstract_slices_image ON abstract_slices(image)",
    "CREATE INDEX IF NOT EXISTS ix_cy_slice_instances_image ON slice_instances(image)",
    "CREATE INDEX IF NOT EXISTS ix_cy_annotations_project_created ON annotations(project, created, id)",
    "CREATE INDEX IF NOT EXISTS ix_cy_annotation_terms_annotation_term ON annotation_terms(annotation, term)",
    # a page of annotations reads its tracks and reviews by annotation (a scan of each table without these)
    "CREATE INDEX IF NOT EXISTS ix_cy_annotation_tracks_annotation_track ON annotation_tracks(annotation, track)",
    "CREATE INDEX IF NOT EXISTS ix_cy_reviews_parent ON reviews(parent)",
    "CREATE INDEX IF NOT EXISTS ix_cy_properties_domain ON properties(domain_ident, key)",
    "CREATE INDEX IF NOT EXISTS ix_cy_tag_associations_domain ON tag_associations(domain_ident)",
), retired_indexes=(
    "ix_cy_annotations_image",  # served by ix_cy_annotations_image_created, which also orders an image's pages
    "ix_cy_annotations_project",  # likewise by ix_cy_annotations_project_created
    "ix_cy_annotation_terms_annotation",  # by ix_cy_annotation_terms_annotation_term, which covers a page's terms
))
