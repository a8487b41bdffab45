"""Lorem: the words and sentences a seeded Faker's lorem provider gives, drawn the cheap way."""

from __future__ import annotations

import pytest
from faker import Faker

from mockserver.packs.idah.lorem import Lorem


def seeded(seed: int) -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


@pytest.mark.parametrize("seed", range(5))
def test_words_and_sentences_are_fakers_own_in_the_same_order(seed: int) -> None:
    fake, drawn = seeded(seed), seeded(seed)
    lorem = Lorem(drawn)
    for size in (6, 1, 2, 10) * 50:  # one word is drawn another way than several
        assert lorem.word() == fake.word()
        assert lorem.sentence(size) == fake.sentence(size)
    assert drawn.name() == fake.name()  # the seeded source is left where Faker would have left it
