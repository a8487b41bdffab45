"""Commands of ``mockserver`` besides ``serve``; each module holds one click command, registered in ``cli.py``."""

from __future__ import annotations

from typing import Any

import click

from mockserver.errors import ConfigurationError
from mockserver.settings import Settings


def settings_from(**options: Any) -> Settings:
    """``Settings`` from ``MOCKSERVER_*`` variables and the given options (a usage error if invalid)."""
    try:
        return Settings.from_env(**options)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
