"""The records of the IDAH pack: the IAM accounts the tokens name, and the Dataset service's tables.

Times are UTC epoch milliseconds (rendered the Ruby way by ``clock.ruby_time``); UUIDv7 strings identify
projects, datasets, entries, annotations and notes, integers accounts, members and label-config templates.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from mockserver.store import Schema


@dataclasses.dataclass(frozen=True)
class Account:
    """An IAM account (not served by the Dataset service; its id is what ``*_by_id`` fields hold)."""

    table: ClassVar[str] = "accounts"
    id: int
    email: str
    name: str
    role: str
    """The global role of the token's ``r`` claim: ``admin``, ``org_owner`` or ``user``."""
    organization_id: int
    password: str


@dataclasses.dataclass(frozen=True)
class Project:
    table: ClassVar[str] = "projects"
    id: str
    name: str
    description: str | None
    created_by_email: str
    organization_id: int
    created_at: int
    updated_at: int


@dataclasses.dataclass(frozen=True)
class ProjectMember:
    table: ClassVar[str] = "project_members"
    id: int
    project_id: str
    account_id: int
    name: str
    email: str
    role: str
    """``project_owner``, ``annotator`` or ``reviewer``."""
    invited_by_id: int | None
    disabled_at: int | None
    created_at: int
    updated_at: int


@dataclasses.dataclass(frozen=True)
class Dataset:
    table: ClassVar[str] = "datasets"
    id: str
    project_id: str
    name: str
    labels: list[Any]
    modality: str
    labeling_configuration: dict[str, Any]
    workflow_configuration: dict[str, Any]
    status: str
    progress: float
    entries_total_count: int
    entries_completed_count: int
    entries_in_progress_count: int
    created_at: int
    updated_at: int


@dataclasses.dataclass(frozen=True)
class Entry:
    table: ClassVar[str] = "entries"
    id: str
    project_id: str
    dataset_id: str
    name: str | None
    priority: int
    wf_step: str
    status: str
    job_id: str | None
    resource: str
    assigned_to_id: int | None
    submitted_by_id: int | None
    reviewed_by_id: int | None
    assigned_to_email: str | None
    submitted_by_email: str | None
    reviewed_by_email: str | None
    created_at: int
    updated_at: int


@dataclasses.dataclass(frozen=True)
class Annotation:
    table: ClassVar[str] = "annotations"
    id: str
    project_id: str
    dataset_id: str
    entry_id: str
    dimensions: dict[str, Any]
    annotation: dict[str, Any]
    metadata: dict[str, Any]
    shapes: dict[str, Any]
    """``write_shape`` sub-shapes by key, merged into ``dimensions`` on read."""
    created_by_email: str
    created_at: int
    updated_at: int


@dataclasses.dataclass(frozen=True)
class NoteFeed:
    table: ClassVar[str] = "note_feeds"
    id: str
    project_id: str
    dataset_id: str
    entry_id: str
    annotation_id: str | None
    created_by_email: str
    anchor_type: str
    position: dict[str, Any] | None
    status: str
    content_md: str
    created_at: int
    updated_at: int
    edited_at: int | None


@dataclasses.dataclass(frozen=True)
class NoteComment:
    table: ClassVar[str] = "note_comments"
    id: str
    note_feed_id: str
    content_md: str
    created_by_email: str
    created_at: int
    updated_at: int
    edited_at: int | None


@dataclasses.dataclass(frozen=True)
class LabelConfigTemplate:
    table: ClassVar[str] = "label_config_templates"
    id: int
    organization_id: int
    name: str
    modality: str
    labeling_configuration: dict[str, Any]
    created_at: int
    updated_at: int


SCHEMA = Schema(
    (Account, Project, ProjectMember, Dataset, Entry, Annotation, NoteFeed, NoteComment, LabelConfigTemplate),
    ("CREATE INDEX IF NOT EXISTS ix_idah_members_project ON project_members(project_id, account_id)",
     "CREATE INDEX IF NOT EXISTS ix_idah_entries_resource ON entries(dataset_id, resource)",
     "CREATE INDEX IF NOT EXISTS ix_idah_annotations_entry ON annotations(entry_id)",
     "CREATE INDEX IF NOT EXISTS ix_idah_note_feeds_entry ON note_feeds(entry_id)"),
    retired_indexes=("ix_idah_entries_dataset",),  # a prefix of ix_idah_entries_resource
)


@dataclasses.dataclass(frozen=True)
class EntryStat:
    """Per-entry statistics, derived from the entry's annotations and notes on every read (no table)."""

    id: str
    """The entry's id."""
    entry_id: str
    annotations_count: int
    note_feeds_count: int
    pending_note_feeds_count: int
    updated_at: int
