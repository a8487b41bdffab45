"""The ``Backend``: one served world (store, settings, world info, clock, read caches) and its pack.

``create_app`` builds one ``Backend`` and hands it to the pack's ``context`` factory once per mounted
version; what that returns is bound as the first argument of every handler of the version (see
``resolver.py``). Nothing here is global.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mockserver import statefile
from mockserver.readcache import ReadCache
from mockserver.settings import Settings
from mockserver.store import Store
from mockserver.world import WorldInfo

if TYPE_CHECKING:
    from mockserver.pack import Pack


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class Backend:
    """The one world every version of a pack serves."""

    def __init__(self, store: Store, settings: Settings, world: WorldInfo, pack: Pack,
                 clock: Callable[[], int] = wall_clock_ms) -> None:
        self.store, self.settings, self.pack, self.clock = store, settings, pack, clock
        self._world = world
        self._seen = store.version()
        self.reads = ReadCache(store, enabled=settings.cache_reads)
        """Responses of pure reads until the next change of the world (``readcache.py``)."""
        self.answers = ReadCache(store, enabled=settings.cache_reads and settings.fast_path)
        """Whole answers of repeated identical reads, given before routing (``fastpath.py``)."""

    @property
    def world(self) -> WorldInfo:
        """Seed, recipe and known users of the world served now. A store shared with other servers (a
        ``--state`` file of several workers, PostgreSQL) may have been switched to another world by one of them
        (an admin reset with another seed or recipe, an import, a restored snapshot): after any change to the
        store the world is read again from it, so that every server names the same users and tokens."""
        if self.store.shared:
            version = self.store.version()
            if version != self._seen:
                self._seen = version
                self._world = self._reopened() or self._world
        return self._world

    @world.setter
    def world(self, world: WorldInfo) -> None:
        self._world, self._seen = world, self.store.version()

    def _reopened(self) -> WorldInfo | None:
        found = statefile.identity(self.store)
        if found is None:
            return None
        world = self.pack.open_world(self.store, found.seed, found.recipe)
        return self._world if world == self._world else world
