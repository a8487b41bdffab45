"""Resolving ``/annotations/{typ}/{id}``: stored annotations by id, compound annotations (reference §12).

Stored annotations (``Task``, ``Explorational``) are looked up by id alone (the path's ``typ`` is only
checked by the spec's enum) and must be readable by the requester (``views.annotations.may_read``),
else 404 ``Annotation could not be found``.

Compound annotations (``CompoundTask`` / ``CompoundProject`` / ``CompoundTaskType``) are computed from
the **finished** Task annotations of a task, project or task type, never stored as annotations. Their
merged tracings are kept as ``Tracing`` records whose ids are derived from the compound key, so
repeated requests answer the same tracing ids. Unlike the real server there is no 60-minute cache:
every request merges the current finished annotations.
"""

from __future__ import annotations

import dataclasses
import uuid

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import FORBIDDEN_TEXT, UNAUTHORIZED_TEXT, NotFound
from mockserver.packs.webknossos.handlers.common import OBJECT_ID
from mockserver.packs.webknossos.tracing_merge import merge_layers
from mockserver.packs.webknossos.views import annotations as views
from mockserver.store import Store

STORED_TYPES = frozenset({"Task", "Explorational"})
COMPOUND_TYPES = {"CompoundTask": "task", "CompoundProject": "project", "CompoundTaskType": "task type"}
_MISSING = {"CompoundTask": "Task could not be found", "CompoundProject": "Project could not be found",
            "CompoundTaskType": "Selected task type does not exist"}

NOT_FOUND = "Annotation could not be found"
NOT_FOUND_ANONYMOUS = "Annotation could not be found. If the annotation is not public, you need to log in to see it."
CANCELLED = "This annotation is marked as cancelled and cannot be viewed"
SPANNING_DATASETS = "Cannot create compound annotation spanning multiple datasets"

_TRACING_NAMESPACE = uuid.UUID("8a0f3c56-43b1-4c0e-9d3e-5b8e1f0c2a71")


def not_found(viewer: Principal | None, chain: str | None = None) -> NotFound:
    """404 ``Annotation could not be found`` (with the log-in hint for anonymous requests)."""
    return NotFound(NOT_FOUND if viewer else NOT_FOUND_ANONYMOUS, chain=chain)


def invalid_id_chain(value: str) -> str:
    return f"The passed resource id ‘{value}’ is invalid"


# stored annotations ------------------------------------------------------------------------------


def find_annotation(store: Store, viewer: Principal | None, annotation_id: str) -> r.Annotation:
    """A stored annotation the requester may read (cancelled ones included), else 404."""
    if not OBJECT_ID.match(annotation_id):
        raise not_found(viewer, invalid_id_chain(annotation_id))
    record = store.get(r.Annotation, annotation_id)
    if record is None or record.typ not in STORED_TYPES or not views.may_read(store, record, viewer):
        raise not_found(viewer)
    return record


# compound annotations ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CompoundTarget:
    """What a compound id names: ``name`` is the task id, project name or task-type summary."""

    typ: str
    id: str
    name: str
    team_id: str
    organization_id: str
    task_ids: tuple[str, ...]


def compound_target(store: Store, typ: str, target_id: str, organization_id: str) -> CompoundTarget | None:
    """The task, project or task type of a compound annotation in ``organization_id`` (None if unknown)."""
    if typ == "CompoundTask":
        task = store.get(r.Task, target_id)
        project = store.get(r.Project, task.project_id) if task else None
        if task is None or project is None or project.organization_id != organization_id:
            return None
        return CompoundTarget(typ, task.id, task.id, project.team_id, project.organization_id, (task.id,))
    if typ == "CompoundProject":
        found = store.get(r.Project, target_id)
        if found is None or found.organization_id != organization_id:
            return None
        tasks = store.scalars("SELECT id FROM tasks WHERE project_id = ? ORDER BY id", (found.id,))
        return CompoundTarget(typ, found.id, found.name, found.team_id, found.organization_id, tuple(tasks))
    if typ == "CompoundTaskType":
        task_type = store.get(r.TaskType, target_id)
        if task_type is None or task_type.organization_id != organization_id:
            return None
        tasks = store.scalars("SELECT id FROM tasks WHERE task_type_id = ? ORDER BY id", (task_type.id,))
        return CompoundTarget(typ, task_type.id, task_type.summary, task_type.team_id, task_type.organization_id,
                              tuple(tasks))
    raise ValueError(f"not a compound annotation type: {typ}")


def finished_annotations(store: Store, target: CompoundTarget) -> list[r.Annotation]:
    """The finished Task annotations of the target's tasks, oldest first."""
    if not target.task_ids:
        return []
    marks = ", ".join("?" for _ in target.task_ids)
    return store.select(r.Annotation, f"typ = 'Task' AND state = 'Finished' AND task_id IN ({marks})",
                        target.task_ids, order="id")


def may_manage(viewer: Principal, target: CompoundTarget) -> bool:
    """Team manager of the target's team, or admin of its organization."""
    return viewer.manages(target.team_id, target.organization_id)


def resolve_compound(store: Store, viewer: Principal | None, typ: str, target_id: str) -> CompoundTarget:
    """The target of a compound info/merge/duplicate request, with the real server's 404s (§12)."""
    if viewer is None:
        raise not_found(None, UNAUTHORIZED_TEXT)
    if not OBJECT_ID.match(target_id):
        raise not_found(viewer, invalid_id_chain(target_id))
    target = compound_target(store, typ, target_id, viewer.organization_id)
    if target is None:
        raise not_found(viewer, _MISSING[typ])
    if typ != "CompoundTask" and not may_manage(viewer, target):
        raise not_found(viewer, FORBIDDEN_TEXT)
    return target


def compound_tracing_id(typ: str, target_id: str, layer_typ: str) -> str:
    """The stable id of a compound's merged tracing of one layer type."""
    return str(uuid.uuid5(_TRACING_NAMESPACE, f"{typ}__{target_id}__{layer_typ}"))


def build_compound(api: Api, viewer: Principal | None, typ: str, target_id: str
                   ) -> tuple[r.Annotation, CompoundTarget]:
    """The transient compound annotation (not stored) with freshly merged tracings (stored)."""
    target = resolve_compound(api.store, viewer, typ, target_id)
    assert viewer is not None
    sources = finished_annotations(api.store, target)
    if not sources:
        raise not_found(viewer, f"We could not find finished annotations for this {COMPOUND_TYPES[typ]}")
    if len({a.dataset_id for a in sources}) > 1:
        raise not_found(viewer, SPANNING_DATASETS)
    layers = []
    with api.store.transaction():
        for content, layer_typ, name in merge_layers(api.store, [a.layers for a in sources]):
            tracing = r.Tracing(compound_tracing_id(typ, target.id, layer_typ), layer_typ, content)
            existing = api.store.get(r.Tracing, tracing.id)
            if existing is None:
                api.store.insert(tracing)
            else:
                api.store.update(existing, typ=layer_typ, content=content)
            layers.append({"tracingId": tracing.id, "typ": layer_typ, "name": name})
    now = api.now()
    record = r.Annotation(id=target.id, typ=typ, state="Active", user_id=viewer.id, dataset_id=sources[0].dataset_id,
                          layers=layers, created=now, modified=now)
    return record, target


def compound_json(api: Api, viewer: Principal, record: r.Annotation, target: CompoundTarget) -> views.JSON:
    """The latest full JSON of a compound annotation built by ``build_compound``."""
    return views.compound_annotation(api.store, record, viewer, may_manage(viewer, target))
