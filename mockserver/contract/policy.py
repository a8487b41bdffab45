"""Which requests a contract run may send, and the resources it created (to touch and to clean up).

Every operation of every version has a ``Policy``, looked up by method and path template:

- ``READ``: never changes anything (all GET operations, and ``POST /tasks/list``, a query).
- ``CREATE``: creates a new resource; the run records what it created and deletes it at the end.
- ``ON_CREATED``: changes the resource named by its path, so it is sent only for resources this
  run created itself (fed to it by the stateful phase's links).
- ``NEVER``: changes existing data that the run did not create (users, datasets, datastores,
  someone else's task assignment) or revokes the token; never sent, not even with ``--allow-writes``.

A write operation missing from the table is treated as ``NEVER``.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


class Policy(enum.Enum):
    READ = "read"
    CREATE = "create"
    ON_CREATED = "on created"
    NEVER = "never"


POLICIES: Mapping[tuple[str, str], Policy] = {
    ("POST", "/tasks/list"): Policy.READ,
    ("POST", "/userToken/generate"): Policy.READ,  # a short-lived token for the data stores; changes nothing
    ("POST", "/projects"): Policy.CREATE,
    ("POST", "/tasks"): Policy.CREATE,
    ("POST", "/tasks/createFromFiles"): Policy.CREATE,
    ("POST", "/teams"): Policy.CREATE,
    ("POST", "/annotations/upload"): Policy.CREATE,
    ("POST", "/datasets/{organizationName}/{dataSetName}/createExplorational"): Policy.CREATE,
    ("DELETE", "/annotations/{typ}/{id}"): Policy.ON_CREATED,
    ("POST", "/annotations/{typ}/{id}/duplicate"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/edit"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/finish"): Policy.ON_CREATED,
    ("PATCH", "/annotations/{typ}/{id}/reopen"): Policy.ON_CREATED,
    ("PUT", "/annotations/{typ}/{id}/reset"): Policy.ON_CREATED,
    ("POST", "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}"): Policy.ON_CREATED,
    ("DELETE", "/projects/{id}"): Policy.ON_CREATED,
    ("PUT", "/projects/{id}"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/incrementEachTasksInstances"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/pause"): Policy.ON_CREATED,
    ("PATCH", "/projects/{id}/resume"): Policy.ON_CREATED,
    ("DELETE", "/projects/{name}"): Policy.ON_CREATED,
    ("PUT", "/projects/{name}"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/incrementEachTasksInstances"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/pause"): Policy.ON_CREATED,
    ("PATCH", "/projects/{name}/resume"): Policy.ON_CREATED,
    ("DELETE", "/tasks/{id}"): Policy.ON_CREATED,
    ("PUT", "/tasks/{id}"): Policy.ON_CREATED,
    ("POST", "/tasks/{id}/assign"): Policy.ON_CREATED,
    ("DELETE", "/teams/{id}"): Policy.ON_CREATED,
}
"""Write operations that a run with ``--allow-writes`` may send; every other write is ``NEVER``."""

SAFE_METHODS = frozenset({"GET", "HEAD"})

# Path parameters that name the resource an ON_CREATED operation changes.
TARGET_PARAMETERS = ("id", "name", "mergedId")


def policy_of(method: str, path: str) -> Policy:
    """The policy of ``METHOD /path/{template}``."""
    method = method.upper()
    if method in SAFE_METHODS:
        return Policy.READ
    return POLICIES.get((method, path), Policy.NEVER)


def is_allowed(method: str, path: str, *, allow_writes: bool) -> bool:
    """Whether an operation may be selected at all in this mode (read-only: GET and HEAD only)."""
    if not allow_writes:
        return method.upper() in SAFE_METHODS
    return policy_of(method, path) is not Policy.NEVER


@dataclass(frozen=True)
class Created:
    """One resource the run created: its kind (``projects``, ``tasks``, ``teams``, ``annotations``) and keys."""

    kind: str
    id: str
    name: str | None = None
    typ: str | None = None


# Creating operation → kind of what its response body describes.
_CREATED_KIND = {
    "/projects": "projects",
    "/tasks": "tasks",
    "/tasks/createFromFiles": "tasks",
    "/teams": "teams",
    "/annotations/upload": "annotations",
    "/datasets/{organizationName}/{dataSetName}/createExplorational": "annotations",
    "/annotations/{typ}/{id}/duplicate": "annotations",
    "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}": "annotations",
}


def created_by(path: str, body: Any) -> list[Created]:
    """The resources described by the 2xx response ``body`` of the creating operation ``path``."""
    kind = _CREATED_KIND.get(path)
    if kind is None or not isinstance(body, dict):
        return []
    if kind == "tasks":
        items = [item.get("success") for item in body.get("tasks", []) if isinstance(item, dict)]
        return [Created("tasks", str(task["id"])) for task in items if isinstance(task, dict) and "id" in task]
    if "id" not in body:
        return []
    return [Created(kind, str(body["id"]), name=body.get("name"), typ=body.get("typ"))]


class Sandbox:
    """The resources a run created; thread-safe (schemathesis sends from several workers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Created] = {}
        self._keys: set[str] = set()

    def add(self, created: Created) -> None:
        with self._lock:
            self._items[f"{created.kind}:{created.id}"] = created
            self._keys.update(key for key in (created.id, created.name) if key)

    def discard(self, kind: str, key: str) -> None:
        """Forget a resource the run deleted itself (by id, or by name for projects in v1–v3)."""
        with self._lock:
            for item_key, item in list(self._items.items()):
                if item.kind == kind and key in (item.id, item.name):
                    del self._items[item_key]

    def owns(self, key: str) -> bool:
        """Whether ``key`` (an id, or a project name) belongs to a resource this run created."""
        with self._lock:
            return key in self._keys

    def __iter__(self) -> Iterator[Created]:
        with self._lock:
            return iter(list(self._items.values()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def targets_owned(path_parameters: Mapping[str, Any], sandbox: Sandbox) -> bool:
    """Whether every resource named by ``path_parameters`` was created by this run."""
    targets = [str(path_parameters[name]) for name in TARGET_PARAMETERS if name in path_parameters]
    return bool(targets) and all(sandbox.owns(target) for target in targets)
