"""UUIDv7 ids and Ruby times: the fast forms give exactly what the standard library's would."""

from __future__ import annotations

import datetime
import random
import uuid

import pytest

from mockserver.packs.idah.ids import ruby_time, uuid7


@pytest.mark.parametrize("seed", range(5))
def test_a_uuid7_is_the_canonical_text_of_its_bits(seed: int) -> None:
    ms = 1_700_000_000_000 + seed * 123_457
    drawn, again = random.Random(seed), random.Random(seed)
    for _ in range(200):
        value = (ms << 80 | 0x7 << 76 | again.getrandbits(12) << 64 | 0b10 << 62 | again.getrandbits(62))
        made = uuid7(ms, drawn)
        assert made == str(uuid.UUID(int=value))
        assert uuid.UUID(made).version == 7 and uuid.UUID(made).variant == uuid.RFC_4122


@pytest.mark.parametrize("ms", [0, 999, 1_000, 1_768_386_198_123, 1_768_386_198_999, -1, -1_500, 253_402_300_799_999])
def test_a_ruby_time_is_the_second_the_milliseconds_fall_in(ms: int) -> None:
    assert ruby_time(ms) == datetime.datetime.fromtimestamp(ms / 1000, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
    assert ruby_time(ms) == ruby_time(ms)  # the cached form too
