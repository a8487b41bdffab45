"""The ``Backend``: one served world (store, settings, world info, clock, read caches) and its pack.

``create_app`` builds one ``Backend`` and hands it to the pack's ``context`` factory once per mounted
version; what that returns is bound as the first argument of every handler of the version (see
``resolver.py``). Nothing here is global.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from mockserver.readcache import ReadCache
from mockserver.settings import Settings
from mockserver.store import Store
from mockserver.world import WorldInfo

if TYPE_CHECKING:
    from mockserver.pack import Pack


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclasses.dataclass(eq=False)
class Backend:
    """The one world every version of a pack serves."""

    store: Store
    settings: Settings
    world: WorldInfo
    pack: Pack
    clock: Callable[[], int] = wall_clock_ms
    reads: ReadCache = dataclasses.field(init=False)
    """Responses of pure reads until the next change of the world (``readcache.py``)."""
    answers: ReadCache = dataclasses.field(init=False)
    """Whole answers of repeated identical reads, given before routing (``fastpath.py``)."""

    def __post_init__(self) -> None:
        self.reads = ReadCache(self.store, enabled=self.settings.cache_reads)
        self.answers = ReadCache(self.store, enabled=self.settings.cache_reads and self.settings.fast_path)
