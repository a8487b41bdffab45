"""Warnings that third-party packages raise about each other while we import them.

Connexion 3.3 (the newest release) imports ``jsonschema.RefResolver`` and ``RefResolutionError``,
deprecated since jsonschema 4.18, and ``starlette.testclient``, which asks for ``httpx2`` instead of
``httpx``. None of it is ours to fix (``httpx2`` would change the type of the in-process test client
that users handle as an ``httpx.Client``), and none of it is the user's: a project that runs its
tests with ``-W error`` must not fail at the first ``mockserver`` fixture. ``silenced()`` ignores
exactly these warnings, by message, category and the module that triggers them, only around our
own imports of those packages; every other warning keeps the filters of the caller.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import NamedTuple


class ForeignWarning(NamedTuple):
    message: str
    """Regular expression matching the start of the warning's text."""
    category: type[Warning]
    module: str
    """Regular expression matching the module the warning is attributed to (the one that imports)."""


FOREIGN_WARNINGS = (
    ForeignWarning(re.escape("jsonschema.RefResolver is deprecated"), DeprecationWarning, r"connexion\."),
    ForeignWarning(re.escape("jsonschema.exceptions.RefResolutionError is deprecated"), DeprecationWarning,
                   r"connexion\."),
    # StarletteDeprecationWarning is a UserWarning subclass; starlette itself is not imported here.
    ForeignWarning(re.escape("Using `httpx` with `starlette.testclient` is deprecated"), UserWarning,
                   r"connexion\."),
)


@contextmanager
def silenced() -> Iterator[None]:
    """Inside: the ``FOREIGN_WARNINGS`` are ignored; the caller's filters are restored on exit."""
    with warnings.catch_warnings():
        for foreign in FOREIGN_WARNINGS:
            warnings.filterwarnings("ignore", foreign.message, foreign.category, foreign.module)
        yield


def import_quietly(name: str) -> ModuleType:
    """``importlib.import_module(name)`` with the ``FOREIGN_WARNINGS`` of its imports silenced."""
    with silenced():
        return importlib.import_module(name)
