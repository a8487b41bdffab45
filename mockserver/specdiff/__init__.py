"""Version-diff reports: what changed between two API descriptions, structurally and in behaviour.

``compare(old, new)`` takes two resolved OpenAPI 3 documents (plain dicts, e.g. from
``mockserver.specs.SpecLoader``) and returns ``Change``s; ``replay`` runs a ``Replay`` against
two versions of a live server and explains the differences with those changes; the renderers turn
``DiffReport``s into Markdown, HTML, JSON or JUnit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.compare import Aspect, Difference
from mockserver.specdiff.behaviour import Replay, Side, replay
from mockserver.specdiff.compare import compare
from mockserver.specdiff.model import (
    BehaviourReport,
    Change,
    DiffReport,
    Kind,
    Location,
    Section,
    Severity,
)
from mockserver.specdiff.render import to_dict, to_html, to_json, to_junit, to_markdown

if TYPE_CHECKING:
    from mockserver.specdiff.reports import build

__all__ = [
    "Aspect",
    "BehaviourReport",
    "Change",
    "DiffReport",
    "Difference",
    "Kind",
    "Location",
    "Replay",
    "Section",
    "Severity",
    "Side",
    "build",
    "compare",
    "replay",
    "to_dict",
    "to_html",
    "to_json",
    "to_junit",
    "to_markdown",
]


def __getattr__(name: str) -> Any:
    """``build`` on first use: it loads specs with Connexion, which the other commands of ``mockserver`` do not need."""
    if name == "build":
        from mockserver.specdiff.reports import build

        return build
    raise AttributeError(f"module 'mockserver.specdiff' has no attribute {name!r}")
