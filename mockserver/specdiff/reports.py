"""Building reports from command-line arguments: which documents, which pairs, which server.

``v4`` names ``spec/webknossos/v4/openapi.yaml``; anything else is a path to an OpenAPI file
(relative ``$ref``s and YAML anchors allowed). Both are loaded with ``SpecLoader``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from mockserver.errors import ConfigurationError
from mockserver.foreign_warnings import silenced
from mockserver.resources import spec_dir
from mockserver.specdiff.behaviour import Replay, Side, replay
from mockserver.specdiff.compare import compare
from mockserver.specdiff.model import DiffReport
from mockserver.specs import SpecLoader

VERSION = re.compile(r"v(\d+)")


@dataclasses.dataclass(frozen=True)
class LiveServer:
    """Where to replay requests: a base URL and token, or (default) an in-process mock."""

    base_url: str | None = None
    token: str | None = None
    recipe: str = "tiny"
    seed: int = 1
    replay: str = "version-tour"


def versions(api: str = "webknossos") -> list[str]:
    """The version folders of ``spec/<api>/`` in order (``v1`` … ``v5``)."""
    folders = (spec_dir() / api).iterdir()
    found = [p.name for p in folders if VERSION.fullmatch(p.name) and (p / "openapi.yaml").exists()]
    return sorted(found, key=lambda name: int(name[1:]))


def document_path(argument: str) -> Path:
    """The file a ``diff`` argument names: a version (``v4``) or a path."""
    if VERSION.fullmatch(argument):
        path = spec_dir() / "webknossos" / argument / "openapi.yaml"
        if not path.exists():
            raise ConfigurationError(f"no spec for version {argument} (known: {', '.join(versions())})")
        return path
    path = Path(argument)
    if not path.is_file():
        raise ConfigurationError(f"{argument} is neither a version (v1 … v5) nor a file")
    return path


def pairs(old: str, new: str, stepwise: bool = False) -> list[tuple[str, str]]:
    """``[(old, new)]``, or with ``stepwise`` every consecutive pair of versions from ``old`` to ``new``."""
    if not stepwise:
        return [(old, new)]
    known = versions()
    if old not in known or new not in known or known.index(old) >= known.index(new):
        raise ConfigurationError(f"--stepwise needs two versions in order out of {', '.join(known)}")
    chain = known[known.index(old) : known.index(new) + 1]
    return list(itertools.pairwise(chain))


def label(argument: str) -> str:
    return argument if VERSION.fullmatch(argument) else Path(argument).name


def build(old: str, new: str, *, stepwise: bool = False, live: LiveServer | None = None) -> list[DiffReport]:
    """The reports for ``old`` → ``new``: structural, plus behaviour when ``live`` is given."""
    loader = SpecLoader()
    documents: dict[str, dict[str, Any]] = {}
    for argument in (old, new) if not stepwise else [a for pair in pairs(old, new, True) for a in pair]:
        documents.setdefault(argument, loader.load(document_path(argument)))
    reports = [
        DiffReport(label(a), label(b), tuple(compare(documents[a], documents[b]))) for a, b in pairs(old, new, stepwise)
    ]
    if live is None:
        return reports
    plan = Replay.load(live.replay)
    with connect(live) as (client, token):
        return [
            dataclasses.replace(report, behaviour=replay(
                plan, client,
                Side.from_document(report.old_label, documents[a]), Side.from_document(report.new_label, documents[b]),
                report.changes, token,
            ))
            for report, (a, b) in zip(reports, pairs(old, new, stepwise), strict=True)
        ]


@contextlib.contextmanager
def connect(live: LiveServer) -> Iterator[tuple[httpx.Client, str | None]]:
    """An HTTP client for the server to replay against, and the token to send."""
    if live.base_url:
        with httpx.Client(base_url=live.base_url, timeout=60) as client:
            yield client, live.token
        return
    with in_process(live.recipe, live.seed) as (client, token):
        yield client, live.token or token


@contextlib.contextmanager
def in_process(recipe: str, seed: int) -> Iterator[tuple[httpx.Client, str]]:
    """The mock itself, in this process (no socket), and its admin token."""
    with silenced():
        from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(recipe=recipe, seed=seed))
    with app.test_client() as client:
        yield client, app.backend.world.token("admin")

