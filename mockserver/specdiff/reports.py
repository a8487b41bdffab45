"""Building reports from command-line arguments: which documents, which pairs, which server.

A version name of the pack (``v4`` of WEBKNOSSOS, ``0.8`` of Label Studio) names its spec; anything
else is a path to an OpenAPI file (relative ``$ref``s and YAML anchors allowed). Both are loaded with
``SpecLoader``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from mockserver.errors import ConfigurationError
from mockserver.foreign_warnings import silenced
from mockserver.pack import DEFAULT_PACK, Pack, load_pack
from mockserver.specdiff.behaviour import Replay, Side, replay
from mockserver.specdiff.compare import compare
from mockserver.specdiff.model import DiffReport
from mockserver.specs import SpecLoader


@dataclasses.dataclass(frozen=True)
class LiveServer:
    """Where to replay requests: a base URL and token, or (default) an in-process mock of the pack."""

    base_url: str | None = None
    token: str | None = None
    recipe: str | None = None
    """The in-process mock's recipe (None: the pack's ``DiffProfile.recipe``)."""
    seed: int = 1
    replay: str | None = None
    """A replay name or file (None: the pack's ``DiffProfile.replay``)."""


def versions(api: str = DEFAULT_PACK) -> list[str]:
    """The versions of the pack with a document, oldest first (``v1`` … ``v5``; diff-only ones included)."""
    return [version.name for version in load_pack(api).documented_versions]


def document_path(argument: str, api: str = DEFAULT_PACK) -> Path:
    """The file a ``diff`` argument names: a version of the pack (``v4``) or a path."""
    known = versions(api)
    if argument in known:
        return load_pack(api).documented_version(argument).spec_path
    path = Path(argument)
    if not path.is_file():
        raise ConfigurationError(f"{argument} is neither a version of {api} ({', '.join(known)}) nor a file")
    return path


def pairs(old: str, new: str, stepwise: bool = False, api: str = DEFAULT_PACK) -> list[tuple[str, str]]:
    """``[(old, new)]``, or with ``stepwise`` every consecutive pair of versions from ``old`` to ``new``."""
    if not stepwise:
        return [(old, new)]
    known = versions(api)
    if old not in known or new not in known or known.index(old) >= known.index(new):
        raise ConfigurationError(f"--stepwise needs two versions in order out of {', '.join(known)}")
    chain = known[known.index(old) : known.index(new) + 1]
    return list(itertools.pairwise(chain))


def label(argument: str, api: str = DEFAULT_PACK) -> str:
    return argument if argument in versions(api) else Path(argument).name


def build(old: str, new: str, *, stepwise: bool = False, live: LiveServer | None = None,
          api: str = DEFAULT_PACK) -> list[DiffReport]:
    """The reports for ``old`` → ``new``: structural, plus behaviour when ``live`` is given."""
    loader = SpecLoader()
    documents: dict[str, dict[str, Any]] = {}
    chosen = pairs(old, new, stepwise, api)
    for argument in [a for pair in chosen for a in pair]:
        documents.setdefault(argument, loader.load(document_path(argument, api)))
    reports = [
        DiffReport(label(a, api), label(b, api), tuple(compare(documents[a], documents[b]))) for a, b in chosen
    ]
    if live is None:
        return reports
    pack = load_pack(api)
    plan = Replay.load(pack, live.replay or _default_replay(pack))
    with connect(live, pack) as (client, token):
        return [
            dataclasses.replace(report, behaviour=replay(
                plan, client,
                Side.from_document(report.old_label, documents[a]), Side.from_document(report.new_label, documents[b]),
                report.changes, token, pack.auth_header,
            ))
            for report, (a, b) in zip(reports, chosen, strict=True)
        ]


def _default_replay(pack: Pack) -> str:
    if pack.diff.replay is None:
        raise ConfigurationError(f"the {pack.name} pack has no replay for --behaviour; name one with --replay")
    return pack.diff.replay


@contextlib.contextmanager
def connect(live: LiveServer, pack: Pack) -> Iterator[tuple[httpx.Client, str | None]]:
    """An HTTP client for the server to replay against, and the token to send."""
    if live.base_url:
        with httpx.Client(base_url=live.base_url, timeout=60) as client:
            yield client, live.token
        return
    with in_process(pack, live.recipe or pack.diff.recipe, live.seed) as (client, token):
        yield client, live.token or token


@contextlib.contextmanager
def in_process(pack: Pack, recipe: str, seed: int) -> Iterator[tuple[httpx.Client, str | None]]:
    """The mock of ``pack`` itself, in this process (no socket), and the token of its first known user."""
    with silenced():
        from mockserver.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(api=pack.name, recipe=recipe, seed=seed), pack=pack)
    users = app.backend.world.known_users
    with app.test_client() as client:
        yield client, users[0].token if users else None

