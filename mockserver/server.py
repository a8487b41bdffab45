"""Run the app under uvicorn and print what a user needs to start (URL, tokens, docs)."""

from __future__ import annotations

import dataclasses
import socket

import uvicorn
from rich.console import Console

from mockserver.app import MockApp, create_app, describe
from mockserver.settings import Settings


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def banner(app: MockApp, console: Console) -> None:
    info = describe(app)
    world = app.backend.world
    console.print(f"[bold]mockserver[/bold] WEBKNOSSOS API v1–v5, seed {world.seed}, recipe {world.recipe}")
    console.print(f"  base URL  {info['url']}   (versions: {info['url']}/v1 … /v5)")
    console.print(f"  docs      {info['docs']}")
    width = max(len(email) for _, email, _ in info["users"])
    console.print(f"  [bold]{'role':<8} {'user':<{width}} X-Auth-Token[/bold]")
    for role, email, token in info["users"]:
        console.print(f"  {role:<8} {email:<{width}} {token}", highlight=False)


def run(settings: Settings) -> None:
    if settings.port == 0:
        settings = dataclasses.replace(settings, port=free_port(settings.host))
    app = create_app(settings)
    banner(app, Console(soft_wrap=True))
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level)
