"""What the core knows of a world: its seed, its recipe and the users whose credentials are printed."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class KnownUser:
    """A user whose token ``mockserver serve`` prints (one per role of the pack)."""

    role: str
    id: str
    email: str
    """How the user is named (an e-mail address, a login)."""
    token: str
    credentials: tuple[tuple[str, str], ...] = ()
    """Further credentials of the user, printed under its line (name, value): e.g. a key pair the API signs
    requests with."""


@dataclasses.dataclass(frozen=True)
class WorldInfo:
    seed: int
    recipe: str
    known_users: tuple[KnownUser, ...]

    def token(self, role: str) -> str:
        return next(u.token for u in self.known_users if u.role == role)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(u.role for u in self.known_users)
