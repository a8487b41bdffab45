"""Commands of ``mockserver`` besides ``serve``; each module holds one click command, registered in ``cli.py``."""

from __future__ import annotations

from typing import Any

import click

from mockserver.errors import ConfigurationError
from mockserver.pack import Pack, load_pack
from mockserver.settings import Settings

API_HELP = "The API pack (default webknossos; `mockserver packs` lists them). [MOCKSERVER_API]"


def settings_from(**options: Any) -> Settings:
    """``Settings`` from ``MOCKSERVER_*`` variables and the given options (a usage error if invalid)."""
    try:
        return Settings.from_env(**options)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc


def pack_from(name: str | None) -> Pack:
    """The pack ``name`` names (None: ``MOCKSERVER_API`` or the default), a usage error if unknown."""
    try:
        return load_pack(name or Settings.from_env().api)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
