"""What WEBKNOSSOS handlers receive: the core's ``Backend`` seen through one version (its adapter).

The pack's ``context`` factory builds one ``Api`` per mounted version; the core binds it as the first
argument of every handler of that version. Ids (ObjectIds, tracing ids, tokens) come from one
``IdFactory`` per backend.
"""

from __future__ import annotations

import dataclasses
import random
import weakref

from mockserver.backend import Backend
from mockserver.packs.webknossos.auth import Principal, principal_for
from mockserver.packs.webknossos.errors import Unauthorized
from mockserver.packs.webknossos.versions.base import Adapter
from mockserver.packs.webknossos.world.ids import IdFactory
from mockserver.settings import Settings
from mockserver.store import Store

_IDS: weakref.WeakKeyDictionary[Backend, IdFactory] = weakref.WeakKeyDictionary()


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

    @property
    def ids(self) -> IdFactory:
        """The id source of the backend (one per backend, shared by its versions)."""
        ids = _IDS.get(self.backend)
        if ids is None:
            ids = _IDS[self.backend] = IdFactory(random.Random())
        return ids

    def new_id(self) -> str:
        return self.ids.object_id(self.now())

    def new_tracing_id(self) -> str:
        return self.ids.tracing_id()

    def principal(self, user: str | None) -> Principal | None:
        """The requester, or None when anonymous."""
        return principal_for(self.store, user)

    def require(self, user: str | None) -> Principal:
        """The requester of a secured route (401 if missing)."""
        principal = self.principal(user)
        if principal is None:
            raise Unauthorized()
        return principal
