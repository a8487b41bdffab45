"""Two servers side by side: the same requests, in order, to A and then B, and the differences of their answers
after normalising what legitimately differs (``mockserver compare``; ``mockserver diff --behaviour`` is the case of
two versions of one server, compared by shape and explained by structural changes).

``Plan`` (a replay or a HAR file) → ``run`` (``Comparer``: ``Normaliser`` of the pack's ``CompareProfile``,
``Renaming`` of ids) → ``Report`` → ``accept.apply`` → ``render.RENDERERS``.
"""

from __future__ import annotations

from mockserver.compare.accept import Accepted
from mockserver.compare.answers import Answer, Comparer
from mockserver.compare.engine import Explainer, run
from mockserver.compare.model import Aspect, Difference, Exchange, Report, Stale
from mockserver.compare.normalise import Normaliser, Renaming
from mockserver.compare.source import Plan, Recorded, Side, Step, Variant

__all__ = [
    "Accepted",
    "Answer",
    "Aspect",
    "Comparer",
    "Difference",
    "Exchange",
    "Explainer",
    "Normaliser",
    "Plan",
    "Recorded",
    "Renaming",
    "Report",
    "Side",
    "Stale",
    "Step",
    "Variant",
    "run",
]
