"""UUIDv7 ids and the service's time formats (Ruby's ``Time#to_s`` out, ISO 8601 or Ruby in)."""

from __future__ import annotations

import datetime
import functools
import random

RUBY_TIME = "%Y-%m-%d %H:%M:%S +0000"


def uuid7(ms: int, rng: random.Random) -> str:
    """A UUIDv7 of time ``ms`` (epoch milliseconds) with 74 random bits from ``rng`` (same seed, same ids)."""
    value = (ms & (2**48 - 1)) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    hexed = f"{value:032x}"  # str(uuid.UUID(int=value)), without building the UUID (worlds draw many ids)
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def ruby_time(ms: int | None) -> str | None:
    """``2026-01-14 10:23:18 +0000``: what the service renders (and JavaScript's ``new Date`` reads)."""
    if ms is None:
        return None
    return _ruby_second(ms // 1000)


@functools.lru_cache(maxsize=65536)
def _ruby_second(second: int) -> str:
    return datetime.datetime.fromtimestamp(second, datetime.UTC).strftime(RUBY_TIME)


def parse_time(text: str) -> int | None:
    """Epoch milliseconds of an ISO 8601 time (``2026-01-14T10:23:18.123Z``) or a Ruby one; None if neither."""
    for candidate in (text.replace("Z", "+00:00"), text.replace(" +0000", "+00:00")):
        try:
            parsed = datetime.datetime.fromisoformat(candidate)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        return int(parsed.timestamp() * 1000)
    return None
