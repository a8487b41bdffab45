"""Every server option of every command has a ``MOCKSERVER_*`` variable, and says so in its help."""

from __future__ import annotations

import click
import pytest

from mockserver.cli import main
from mockserver.settings import Settings

SERVER_COMMANDS = ("serve", "seed", "admin")


@pytest.mark.parametrize("name", SERVER_COMMANDS)
def test_every_option_names_its_variable(name: str) -> None:
    command = main.commands[name]
    fields = {field.upper() for field in Settings.__dataclass_fields__}
    for param in command.params:
        if not isinstance(param, click.Option) or param.name in {"help", "dump"}:
            continue
        variable = f"MOCKSERVER_{(param.name or '').upper()}"
        assert variable in (param.help or ""), f"{name} {param.opts}"
        assert param.name.upper() in fields or param.envvar == variable, f"{name} {param.opts}"  # type: ignore[union-attr]
