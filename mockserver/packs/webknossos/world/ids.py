"""Ids in the real server's formats: 24-hex ObjectIds (time-ordered) and UUID tracing ids."""

from __future__ import annotations

import random
import uuid


class IdFactory:
    """Makes ids from one random source; ObjectIds sort by the creation time they encode."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._counter = rng.getrandbits(24)

    def object_id(self, created_ms: int) -> str:
        self._counter = (self._counter + 1) & 0xFFFFFF
        return f"{created_ms // 1000 & 0xFFFFFFFF:08x}{self._rng.getrandbits(40):010x}{self._counter:06x}"

    def tracing_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def token(self, length: int = 22) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self._rng.choice(alphabet) for _ in range(length))
