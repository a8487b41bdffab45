"""The JSON:API resources of the Dataset service, as data: type, record, attributes, relationships, the
``included`` whitelist and the filters each one honours (everything else is dropped silently).

``RESOURCES`` is the registry the generic handlers (``crud.py``), the renderer (``jsonapi.py``) and the
query reader (``query.py``) look a resource up in by its path name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from mockserver.packs.idah import records as r


@dataclasses.dataclass(frozen=True)
class Relationship:
    name: str
    """The name in ``relationships`` and in ``included`` (``assigned_to``)."""
    target: str
    """The related resource's path name (``project_members``)."""
    key: str
    """belongs-to: the foreign key attribute of this record; has-many: the target's key naming this record."""
    many: bool = False
    """has-many: rendered only when included."""
    match: str = "id"
    """belongs-to: the target field the key is compared with (``account_id`` for ``assigned_to``)."""


@dataclasses.dataclass(frozen=True)
class Resource:
    name: str
    type: str
    record: Any
    """The record dataclass."""
    attributes: tuple[str, ...]
    """Visible attributes, in the order rendered (``id`` is never among them)."""
    read_only: frozenset[str] = frozenset()
    """Left out of the PATCH schema: dropped from updates."""
    relationships: tuple[Relationship, ...] = ()
    included: tuple[str, ...] = ()
    """The ``included`` whitelist (dotted paths allowed); empty: the parameter is not declared on index."""
    filters: frozenset[str] = frozenset()
    """Operator filters beyond equality on ``id`` and every attribute (``name__match``) and named filters."""
    integer_id: bool = False
    time_fields: frozenset[str] = frozenset({"created_at", "updated_at"})

    @property
    def belongs_to(self) -> tuple[Relationship, ...]:
        return tuple(rel for rel in self.relationships if not rel.many)

    def relationship(self, name: str) -> Relationship | None:
        return next((rel for rel in self.relationships if rel.name == name), None)

    def honours(self, key: str) -> bool:
        """Whether filter ``key`` (``name__match``, ``id``) is part of the resource's input schema."""
        return key == "id" or key in self.attributes or key in self.filters


def _dates(*fields: str) -> frozenset[str]:
    return frozenset(f"{field}__{op}" for field in fields for op in ("gte", "lte"))


PROJECT = Relationship("project", "projects", "project_id")
DATASET = Relationship("dataset", "datasets", "dataset_id")
ENTRY = Relationship("entry", "entries", "entry_id")
MEMBER_TIMES = ("created_at", "updated_at")

RESOURCES: dict[str, Resource] = {resource.name: resource for resource in (
    Resource("projects", "dataset:projects", r.Project,
             ("name", "description", "created_by_email", "organization_id", "created_at", "updated_at"),
             read_only=frozenset({"created_by_email", "organization_id", "created_at", "updated_at"}),
             filters=frozenset({"name__match", "created_by_email__match", "organization_id__in"})
             | _dates(*MEMBER_TIMES)),
    Resource("project_members", "dataset:project_members", r.ProjectMember,
             ("project_id", "account_id", "name", "email", "role", "invited_by_id", "disabled_at",
              "created_at", "updated_at"),
             read_only=frozenset({"project_id", "account_id", "name", "email", "invited_by_id", "created_at",
                                  "updated_at"}),
             relationships=(PROJECT,), included=("project",), integer_id=True,
             filters=frozenset({"email__match", "role__in", "enabled", "created_at__gte",
                                "created_at__lte"}),
             time_fields=frozenset({"created_at", "updated_at", "disabled_at"})),
    Resource("datasets", "dataset:datasets", r.Dataset,
             ("project_id", "name", "labels", "modality", "labeling_configuration", "workflow_configuration",
              "status", "progress", "entries_total_count", "entries_completed_count", "entries_in_progress_count",
              "created_at", "updated_at"),
             read_only=frozenset({"project_id", "modality", "status", "progress", "entries_total_count",
                                  "entries_completed_count", "entries_in_progress_count", "created_at",
                                  "updated_at"}),
             relationships=(PROJECT, Relationship("entries", "entries", "dataset_id", many=True)),
             included=("entries", "project"),
             filters=frozenset({"name__match", "status__in", "progress__gte", "progress__lte", "project_id__eq",
                                "modality__in"}) | _dates(*MEMBER_TIMES)),
    Resource("entries", "dataset:entries", r.Entry,
             ("project_id", "dataset_id", "name", "priority", "wf_step", "status", "job_id", "resource",
              "assigned_to_id", "submitted_by_id", "reviewed_by_id", "assigned_to_email", "submitted_by_email",
              "reviewed_by_email", "created_at", "updated_at"),
             read_only=frozenset({"project_id", "dataset_id", "wf_step", "status", "job_id", "assigned_to_id",
                                  "submitted_by_id", "reviewed_by_id", "assigned_to_email", "submitted_by_email",
                                  "reviewed_by_email", "created_at", "updated_at"}),
             relationships=(PROJECT, DATASET,
                            Relationship("assigned_to", "project_members", "assigned_to_id", match="account_id"),
                            Relationship("submitted_by", "project_members", "submitted_by_id", match="account_id"),
                            Relationship("reviewed_by", "project_members", "reviewed_by_id", match="account_id"),
                            Relationship("entry_stats", "entry_stats", "entry_id", many=True)),
             included=("dataset", "dataset.project", "assigned_to", "submitted_by", "reviewed_by", "entry_stats"),
             filters=frozenset({"resource__match", "status__in", "priority__in", "assigned_to_id__eq",
                                "assigned_to_id__in", "wf_step__in", "participated", "name__match", "assigned",
                                "assigned_to_email__match"})),
    Resource("annotations", "dataset:annotations", r.Annotation,
             ("project_id", "dataset_id", "entry_id", "dimensions", "annotation", "metadata", "created_by_email",
              "created_at", "updated_at"),
             read_only=frozenset({"project_id", "dataset_id", "entry_id", "created_by_email", "created_at",
                                  "updated_at"}),
             relationships=(PROJECT, DATASET, ENTRY), filters=frozenset({"updated_at__gt"})),
    Resource("note_feeds", "dataset:note_feeds", r.NoteFeed,
             ("project_id", "dataset_id", "entry_id", "annotation_id", "created_by_email", "anchor_type",
              "position", "status", "content_md", "created_at", "updated_at", "edited_at"),
             read_only=frozenset({"project_id", "dataset_id", "entry_id", "annotation_id", "created_by_email",
                                  "status", "created_at", "updated_at", "edited_at"}),
             relationships=(PROJECT, DATASET, ENTRY, Relationship("annotation", "annotations", "annotation_id"),
                            Relationship("note_comments", "note_comments", "note_feed_id", many=True)),
             included=("entry", "annotation", "note_comments"),
             filters=frozenset({"status__in", "created_by_email__match"}) | _dates(*MEMBER_TIMES),
             time_fields=frozenset({"created_at", "updated_at", "edited_at"})),
    Resource("note_comments", "dataset:note_comments", r.NoteComment,
             ("note_feed_id", "content_md", "created_by_email", "created_at", "updated_at", "edited_at"),
             read_only=frozenset({"note_feed_id", "created_by_email", "created_at", "updated_at", "edited_at"}),
             relationships=(Relationship("note_feed", "note_feeds", "note_feed_id"),), included=("note_feed",),
             filters=frozenset({"created_by_email__match"}) | _dates(*MEMBER_TIMES),
             time_fields=frozenset({"created_at", "updated_at", "edited_at"})),
    Resource("label_config_templates", "dataset:label_config_templates", r.LabelConfigTemplate,
             ("organization_id", "name", "modality", "labeling_configuration", "created_at", "updated_at"),
             read_only=frozenset({"organization_id", "created_at", "updated_at"}), integer_id=True,
             filters=frozenset({"name__match", "modality__in"})),
    Resource("entry_stats", "dataset:entry_stats", r.EntryStat,
             ("entry_id", "annotations_count", "note_feeds_count", "pending_note_feeds_count", "updated_at"),
             read_only=frozenset({"entry_id", "annotations_count", "note_feeds_count", "pending_note_feeds_count",
                                  "updated_at"}),
             relationships=(ENTRY,), included=("entry",), time_fields=frozenset({"updated_at"})),
)}
