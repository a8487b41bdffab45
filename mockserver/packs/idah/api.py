"""What IDAH handlers get first: the backend, the caller, the scope of what they see, the clock and new ids."""

from __future__ import annotations

import dataclasses
import random
import threading

from connexion import request

from mockserver.backend import Backend
from mockserver.packs.idah.auth import Principal, principal_of, token_of
from mockserver.packs.idah.errors import NotAuthenticated
from mockserver.packs.idah.ids import uuid7
from mockserver.packs.idah.visibility import Scope
from mockserver.store import Store


@dataclasses.dataclass(eq=False)
class Idah:
    backend: Backend
    rng: random.Random = dataclasses.field(init=False)
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"idah-ids-{self.backend.settings.seed}")

    @property
    def store(self) -> Store:
        return self.backend.store

    def now(self) -> int:
        """Epoch milliseconds."""
        return self.backend.clock()

    def new_uuid(self) -> str:
        with self.lock:
            return uuid7(self.now(), self.rng)

    def next_int_id(self, table: str) -> int:
        return int(self.store.scalars(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")[0])

    def principal(self) -> Principal:
        """The caller (security already checked the token; this reads its claims)."""
        who = principal_of(token_of(request.headers))
        if who is None:
            raise NotAuthenticated("unauthorized_access")
        return who

    def scope(self) -> Scope:
        return Scope(self.store, self.principal())
