"""``mockserver import-world``: recorded traffic (a HAR file) → the scenario of the world it shows."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mockserver import har, scenarios
from mockserver.commands import API_HELP
from mockserver.errors import ConfigurationError
from mockserver.pack import DEFAULT_PACK, load_pack
from mockserver.traffic_world import to_yaml


@click.command("import-world")
@click.argument("har_file", metavar="TRAFFIC.har", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--api", default=None, envvar="MOCKSERVER_API", help=API_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the scenario to this file (default: standard output).")
def import_world(har_file: Path, api: str | None, output: Path | None) -> None:
    """Make a scenario from recorded traffic: the world as the answers last showed it, in the pack's scenario
    steps, ready for `serve --recipe empty --scenario FILE` (or POST /__admin/scenarios). A one-line summary of what
    was mapped and what was not goes to standard error; unusable input exits with status 2."""
    try:
        pack = load_pack(api or DEFAULT_PACK)
        if pack.world_from_traffic is None:
            raise ConfigurationError(f"the {pack.name} pack cannot map recorded traffic to a world")
        imported = pack.world_from_traffic(har.read(har_file))
        if not imported.steps:
            raise ConfigurationError(f"the {pack.name} pack maps nothing of {har_file} ({imported.summary()})")
        text = to_yaml(imported, origin=har_file.name)
        scenarios.parse(pack, text, origin=str(output or "<output>"))  # what it wrote loads as it is
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if output is None or str(output) == "-":
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc.strerror}", err=True)
            sys.exit(2)
    click.echo(imported.summary(), err=True)
