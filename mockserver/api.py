"""What handlers receive: the shared ``Backend`` (store, settings, clock, ids) seen through one version.

``create_app`` builds one ``Backend`` and one ``Api`` per mounted version and binds the ``Api`` as
the first argument of every handler of that version (see ``resolver.py``). Nothing here is global.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable

from mockserver.auth import Principal, principal_for
from mockserver.errors import Unauthorized
from mockserver.readcache import ReadCache
from mockserver.settings import Settings
from mockserver.store import Store
from mockserver.versions.base import Adapter
from mockserver.world import WorldInfo
from mockserver.world.ids import IdFactory


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclasses.dataclass
class Backend:
    """The one world every version serves."""

    store: Store
    settings: Settings
    world: WorldInfo
    clock: Callable[[], int] = wall_clock_ms
    ids: IdFactory = dataclasses.field(default_factory=lambda: IdFactory(random.Random()))
    reads: ReadCache = dataclasses.field(init=False)
    """Responses of pure reads until the next change of the world (``readcache.py``)."""

    def __post_init__(self) -> None:
        self.reads = ReadCache(self.store, enabled=self.settings.cache_reads)


@dataclasses.dataclass(frozen=True)
class Api:
    """One API version of the backend: the adapter of that version plus the shared backend."""

    backend: Backend
    adapter: Adapter

    @property
    def store(self) -> Store:
        return self.backend.store

    @property
    def settings(self) -> Settings:
        return self.backend.settings

    def now(self) -> int:
        """Current time in ms (injectable for tests through ``Backend.clock``)."""
        return self.backend.clock()

    def new_id(self) -> str:
        return self.backend.ids.object_id(self.now())

    def new_tracing_id(self) -> str:
        return self.backend.ids.tracing_id()

    def principal(self, user: str | None) -> Principal | None:
        """The requester, or None when anonymous."""
        return principal_for(self.store, user)

    def require(self, user: str | None) -> Principal:
        """The requester of a secured route (401 if missing)."""
        principal = self.principal(user)
        if principal is None:
            raise Unauthorized()
        return principal
