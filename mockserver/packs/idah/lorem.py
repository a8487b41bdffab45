"""Faker's lorem ``word()`` and ``sentence()``, drawn straight from the seeded Faker's own random source.

The draws are Faker's, in the same order, so the text is the same; what goes is the provider's work around each
draw (the word list copied twice a call, the proxy, the weighting checks), which a big world pays hundreds of
thousands of times.
"""

from __future__ import annotations

import random

from faker import Faker


class Lorem:
    def __init__(self, fake: Faker) -> None:
        self.words: tuple[str, ...] = tuple(fake.get_words_list())
        self.random: random.Random = fake.random

    def word(self) -> str:
        """``fake.word()``."""
        return self.random.choice(self.words)

    def sentence(self, nb_words: int = 6) -> str:
        """``fake.sentence(nb_words)``: about ``nb_words`` words (60 to 140 %, at least one), the first titled."""
        count = max(int(nb_words * self.random.randint(60, 140) / 100), 1)
        words = [self.random.choice(self.words)] if count == 1 else self.random.choices(self.words, k=count)
        words[0] = words[0].title()
        return " ".join(words) + "."
