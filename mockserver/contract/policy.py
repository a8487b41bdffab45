"""Which requests a contract run may send, and the resources it created (to touch and to clean up).

Every operation of every version has a ``Policy``, looked up by method and path template in the
pack's table (``ContractProfile.policies``):

- ``READ``: never changes anything (all GET operations, and queries sent with POST).
- ``CREATE``: creates a new resource; the run records what it created and deletes it at the end.
- ``ON_CREATED``: changes the resource named by its path, so it is sent only for resources this
  run created itself (fed to it by the stateful phase's links).
- ``NEVER``: changes existing data that the run did not create (users, datasets, someone else's
  assignment) or revokes the token; never sent, not even with ``--allow-writes``.

A write operation missing from the table is treated as ``NEVER``.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class Policy(enum.Enum):
    READ = "read"
    CREATE = "create"
    ON_CREATED = "on created"
    NEVER = "never"


SAFE_METHODS = frozenset({"GET", "HEAD"})

Policies = Mapping[tuple[str, str], Policy]
"""(METHOD, path template) → policy of the write operations a run with ``--allow-writes`` may send."""


def policy_of(policies: Policies, method: str, path: str) -> Policy:
    """The policy of ``METHOD /path/{template}``."""
    method = method.upper()
    if method in SAFE_METHODS:
        return Policy.READ
    return policies.get((method, path), Policy.NEVER)


def is_allowed(policies: Policies, method: str, path: str, *, allow_writes: bool) -> bool:
    """Whether an operation may be selected at all in this mode (read-only: GET and HEAD only)."""
    if not allow_writes:
        return method.upper() in SAFE_METHODS
    return policy_of(policies, method, path) is not Policy.NEVER


@dataclass(frozen=True)
class Created:
    """One resource the run created: its kind (a pack's word: ``projects``, ``tasks`` …) and keys."""

    kind: str
    id: str
    name: str | None = None
    typ: str | None = None


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


def targets_owned(path_parameters: Mapping[str, Any], sandbox: Sandbox, names: Sequence[str]) -> bool:
    """Whether every resource named by ``path_parameters`` (those in ``names``) was created by this run."""
    targets = [str(path_parameters[name]) for name in names if name in path_parameters]
    return bool(targets) and all(sandbox.owns(target) for target in targets)
