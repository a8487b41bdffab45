"""Canonical records of the WEBKNOSSOS world.

Records are version-agnostic: they hold what the server knows, not what any API version sends.
Views (``mockserver.packs.webknossos.views``) turn them into the latest wire shape, version adapters
(``mockserver.packs.webknossos.versions``) rewrite that for older versions. Each record class maps to one SQLite
table (``Store`` derives the DDL from the dataclass fields); ``dict``/``list`` fields are stored as
JSON text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from mockserver.store import Schema

JSON = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Organization:
    table: ClassVar[str] = "organizations"
    id: str
    name: str
    display_name: str
    created: int


@dataclass(frozen=True, slots=True)
class Team:
    table: ClassVar[str] = "teams"
    id: str
    name: str
    organization_id: str


@dataclass(frozen=True, slots=True)
class User:
    table: ClassVar[str] = "users"
    id: str
    email: str
    first_name: str
    last_name: str
    organization_id: str
    token: str
    created: int
    last_activity: int
    is_admin: bool = False
    is_dataset_manager: bool = False
    is_active: bool = True
    is_organization_owner: bool = False
    is_super_user: bool = False
    is_email_verified: bool = True
    experiences: JSON = field(default_factory=dict)
    last_task_type_id: str | None = None
    selected_theme: str = "auto"


@dataclass(frozen=True, slots=True)
class Membership:
    """A user's membership in a team (``teams[]`` of the user JSON)."""

    table: ClassVar[str] = "memberships"
    primary_key: ClassVar[tuple[str, ...]] = ("user_id", "team_id")
    user_id: str
    team_id: str
    is_team_manager: bool = False


@dataclass(frozen=True, slots=True)
class Datastore:
    table: ClassVar[str] = "datastores"
    primary_key: ClassVar[tuple[str, ...]] = ("name",)
    name: str
    url: str
    public_url: str
    key: str
    is_scratch: bool = False
    allows_upload: bool = True


@dataclass(frozen=True, slots=True)
class Tracingstore:
    table: ClassVar[str] = "tracingstores"
    primary_key: ClassVar[tuple[str, ...]] = ("name",)
    name: str
    url: str
    public_url: str


@dataclass(frozen=True, slots=True)
class Folder:
    table: ClassVar[str] = "folders"
    id: str
    name: str
    organization_id: str
    parent_id: str | None = None


@dataclass(frozen=True, slots=True)
class Dataset:
    table: ClassVar[str] = "datasets"
    id: str
    organization_id: str
    name: str
    datastore_name: str
    folder_id: str
    data_source: JSON
    created: int
    sorting_key: int
    is_active: bool = True
    is_public: bool = False
    is_unreported: bool = False
    description: str | None = None
    display_name: str | None = None
    tags: list[str] = field(default_factory=list)
    details: JSON | None = None
    logo_url: str = "/assets/images/mpi-logos.svg"
    sharing_token: str | None = None


@dataclass(frozen=True, slots=True)
class DatasetTeam:
    """A team granted read access to a dataset (``allowedTeams``)."""

    table: ClassVar[str] = "dataset_teams"
    primary_key: ClassVar[tuple[str, ...]] = ("dataset_id", "team_id")
    dataset_id: str
    team_id: str


@dataclass(frozen=True, slots=True)
class TaskType:
    table: ClassVar[str] = "task_types"
    id: str
    organization_id: str
    summary: str
    description: str
    team_id: str
    settings: JSON
    tracing_type: str
    recommended_configuration: JSON | None = None


@dataclass(frozen=True, slots=True)
class Script:
    table: ClassVar[str] = "scripts"
    id: str
    name: str
    gist: str
    owner_id: str


@dataclass(frozen=True, slots=True)
class Project:
    table: ClassVar[str] = "projects"
    id: str
    organization_id: str
    name: str
    team_id: str
    owner_id: str
    priority: int
    created: int
    paused: bool = False
    expected_time: int | None = None
    is_blacklisted_from_report: bool = False


@dataclass(frozen=True, slots=True)
class Task:
    """A task; ``total_instances`` and ``pending_instances`` are the server's own counters."""

    table: ClassVar[str] = "tasks"
    id: str
    project_id: str
    task_type_id: str
    dataset_id: str
    needed_experience_domain: str
    needed_experience_value: int
    total_instances: int
    pending_instances: int
    edit_position: list[int]
    edit_rotation: list[float]
    created: int
    script_id: str | None = None
    bounding_box: JSON | None = None
    creation_info: str | None = None
    description: str | None = None
    base_tracing_id: str | None = None


@dataclass(frozen=True, slots=True)
class Annotation:
    """A stored annotation (Task or Explorational). Compound annotations are computed, not stored."""

    table: ClassVar[str] = "annotations"
    id: str
    typ: str
    state: str
    user_id: str
    dataset_id: str
    layers: list[JSON]
    created: int
    modified: int
    task_id: str | None = None
    name: str = ""
    description: str = ""
    visibility: str = "Internal"
    tags: list[str] = field(default_factory=list)
    view_configuration: JSON | None = None
    tracing_time: int | None = None
    others_may_edit: bool = False


@dataclass(frozen=True, slots=True)
class AnnotationTeam:
    """A team an annotation is shared with."""

    table: ClassVar[str] = "annotation_teams"
    primary_key: ClassVar[tuple[str, ...]] = ("annotation_id", "team_id")
    annotation_id: str
    team_id: str


@dataclass(frozen=True, slots=True)
class Tracing:
    """The content of one annotation layer: a skeleton (trees, nodes, …) or a volume's metadata."""

    table: ClassVar[str] = "tracings"
    id: str
    typ: str
    content: JSON


@dataclass(frozen=True, slots=True)
class LoggedTime:
    table: ClassVar[str] = "logged_times"
    id: str
    user_id: str
    year: int
    month: int
    duration_seconds: int
    annotation_id: str | None = None


@dataclass(frozen=True, slots=True)
class ShortLink:
    table: ClassVar[str] = "short_links"
    id: str
    key: str
    long_link: str


@dataclass(frozen=True, slots=True)
class DatastoreToken:
    """A token from ``POST /userToken/generate``: the datastore (``/data/...``) reads with the user's rights."""

    table: ClassVar[str] = "datastore_tokens"
    primary_key: ClassVar[tuple[str, ...]] = ("token",)
    token: str
    user_id: str
    expires: int


RECORD_TYPES: tuple[type[Any], ...] = (
    Organization,
    Team,
    User,
    Membership,
    Datastore,
    Tracingstore,
    Folder,
    Dataset,
    DatasetTeam,
    TaskType,
    Script,
    Project,
    Task,
    Annotation,
    AnnotationTeam,
    Tracing,
    LoggedTime,
    ShortLink,
    DatastoreToken,
)


INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_users_token ON users(token)",
    "CREATE INDEX IF NOT EXISTS ix_memberships_team ON memberships(team_id)",
    # task lists are filtered by project or type and ordered by (created, id): no sort, LIMIT stops early
    "CREATE INDEX IF NOT EXISTS ix_tasks_project_created ON tasks(project_id, created, id)",
    "CREATE INDEX IF NOT EXISTS ix_tasks_type_created ON tasks(task_type_id, created, id)",
    # covering: a task's instance counts and tracing time, a user's tasks (no table rows read)
    "CREATE INDEX IF NOT EXISTS ix_annotations_task_state ON annotations(task_id, state, tracing_time)",
    "CREATE INDEX IF NOT EXISTS ix_annotations_user_task_state ON annotations(user_id, typ, task_id, state)",
    "CREATE INDEX IF NOT EXISTS ix_datasets_org_name ON datasets(organization_id, name)",
    "CREATE INDEX IF NOT EXISTS ix_projects_name ON projects(organization_id, name)",
    "CREATE INDEX IF NOT EXISTS ix_logged_times_user ON logged_times(user_id)",
)
RETIRED_INDEXES = ("ix_tasks_project", "ix_tasks_type", "ix_annotations_task", "ix_annotations_user",
                   "ix_annotations_user_task")
"""Indexes of earlier versions, superseded by the ones above (dropped from ``--state`` files)."""

LIVE_STATES = "('Active', 'Finished', 'Initializing')"
"""Every annotation state but ``Cancelled``, as an SQL list. ``state IN LIVE_STATES`` lets the indexes on (…, state)
seek the live annotations instead of reading past the cancelled ones: a task requested and cancelled again and again
keeps every cancelled annotation, and ``state != 'Cancelled'`` would cost more with each of them."""

STATE_FILTERS = {True: "state = 'Finished'", False: "state IN ('Active', 'Initializing')",
                 None: f"state IN {LIVE_STATES}"}
"""The ``isFinished`` filter of annotation lists (None: every annotation that is not cancelled)."""

SCHEMA = Schema(RECORD_TYPES, INDEXES, RETIRED_INDEXES)
"""The store tables of the WEBKNOSSOS pack."""
