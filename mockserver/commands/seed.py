"""``mockserver seed``: build a world without serving it; print its size or dump it as JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import orjson

from mockserver.commands import API_HELP, pack_from, settings_from
from mockserver.errors import ConfigurationError
from mockserver.foreign_warnings import silenced


@click.command()
@click.option("--api", default=None, help=API_HELP)
@click.option("--seed", type=int, default=None, help="World seed, 0 or more (default 1). [MOCKSERVER_SEED]")
@click.option("--recipe", default=None, help="default, large, tiny or a recipe YAML path. [MOCKSERVER_RECIPE]")
@click.option("--scenario", default=None, help="Scenario(s) to apply, comma-separated. [MOCKSERVER_SCENARIO]")
@click.option("--public-url", default=None, help="Base URL the world links to. [MOCKSERVER_PUBLIC_URL]")
@click.option("--dump", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the world as JSON to this file ('-': standard output), as GET /__admin/world does.")
def seed(dump: str | None, **options: Any) -> None:
    """Build the seeded world of --seed/--recipe (and --scenario); print its size, or --dump it as JSON."""
    with silenced():
        from mockserver.app import open_world
        from mockserver.dump import export_world

    settings = settings_from(**options)
    pack = pack_from(settings.api)
    try:
        store, world = open_world(settings, pack)
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if dump is None:
        click.echo(f"seed {world.seed}, recipe {world.recipe}")
        for cls in pack.schema.records:
            click.echo(f"  {cls.table:<16} {store.count(cls):>7}")
        return
    data = orjson.dumps(export_world(pack, store, world), option=orjson.OPT_INDENT_2) + b"\n"
    if dump == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(dump).write_bytes(data)
        click.echo(f"wrote {dump} ({len(data):,} bytes)", err=True)
