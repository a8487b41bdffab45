"""``mockserver record``: ``mockserver proxy`` that also records every exchange into a HAR 1.2 file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mockserver.commands.proxy import proxy_options, run


@click.command()
@proxy_options("Largest request body passed on (beyond: 413, not recorded); answers beyond are passed on whole, "
               "recorded cut at the bound and not checked.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("traffic.har"),
              show_default=True, help="The HAR file the exchanges are recorded into.")
def record(output: Path, **options: Any) -> None:
    """Forward requests to the deployment at URL, check every answer against the spec and record every exchange.

    The checks and reports are those of `mockserver proxy`. The HAR file is written every few seconds while
    traffic flows and once more when the proxy stops (Ctrl+C, SIGTERM, or --fail-fast at the first violation),
    each time whole and atomically. Credentials (the pack's auth header, Authorization, cookies, and their values
    wherever else they occur) are redacted; `mockserver replay --header` puts yours back in their place.
    """
    run(options, har=output)
