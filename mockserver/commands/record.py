"""``mockserver record``: ``mockserver proxy`` that also records every exchange into a HAR 1.2 file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from mockserver.commands import API_HELP
from mockserver.errors import ConfigurationError


@click.command()
@click.argument("url")
@click.option("--api", default=None, envvar="MOCKSERVER_API", help=API_HELP)
@click.option("--api-version", "version", default=None, help="The version whose spec is checked (default: latest).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=Path("traffic.har"),
              show_default=True, help="The HAR file the exchanges are recorded into.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the proxy listens on.")
@click.option("--port", type=click.IntRange(0, 65535), default=9100, show_default=True,
              help="Port the proxy listens on (0: a free one, printed).")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("proxy-report"), show_default=True,
              help="Where proxy-report.json, junit.xml and proxy-report.html are written when the proxy stops.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first violation.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True,
              help="Largest request body passed on (beyond: 413, not recorded); answers beyond are passed on "
                   "whole, recorded cut at the bound and not checked.")
def record(**options: Any) -> None:
    """Forward requests to the deployment at URL, check every answer against the spec and record every exchange.

    The checks and reports are those of `mockserver proxy`. The HAR file is written every few seconds while
    traffic flows and once more when the proxy stops (Ctrl+C, SIGTERM, or --fail-fast at the first violation),
    each time whole and atomically. Credentials (the pack's auth header, Authorization, cookies, and their values
    wherever else they occur) are redacted; `mockserver replay --header` puts yours back in their place.
    """
    from mockserver.proxy.run import ProxyOptions, run_proxy

    parts = urlsplit(options["url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        click.echo(f"error: URL must be http(s)://host[:port][/path], not {options['url']!r}", err=True)
        sys.exit(2)
    try:
        sys.exit(run_proxy(ProxyOptions(
            upstream=options["url"], api=options["api"] or "webknossos", version=options["version"],
            host=options["host"], port=options["port"], report_dir=options["report_dir"],
            fail_fast=options["fail_fast"], max_body_bytes=options["max_body_bytes"], har=options["output"])))
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
