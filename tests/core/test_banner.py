"""The start-up banner prints each known user's further credentials under its line."""

from __future__ import annotations

import dataclasses
import io

from rich.console import Console

from mockserver import Settings, create_app
from mockserver.pack import Pack
from mockserver.server import banner


def test_credentials_are_printed_under_their_user(echo: Pack) -> None:
    app = create_app(Settings(api="echo", seed=3))
    world = app.backend.world
    first = dataclasses.replace(world.known_users[0], credentials=(("publicKey", "pub-1"), ("privateKey", "priv-1")))
    app.backend.world = dataclasses.replace(world, known_users=(first, *world.known_users[1:]))
    out = io.StringIO()
    banner(app, Console(file=out, width=200))
    lines = [line.split() for line in out.getvalue().splitlines()]
    at = lines.index([first.role, first.email.split()[0], *first.email.split()[1:], first.token])
    assert lines[at + 1:at + 3] == [["publicKey", "pub-1"], ["privateKey", "priv-1"]]
    assert lines[at + 3][0] == world.known_users[1].role  # users without credentials get no extra lines
