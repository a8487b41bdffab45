"""``mockserver proxy``: check the live traffic of a deployment against the spec of one version of an API pack."""

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
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the proxy listens on.")
@click.option("--port", type=click.IntRange(0, 65535), default=9100, show_default=True,
              help="Port the proxy listens on (0: a free one, printed).")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("proxy-report"), show_default=True,
              help="Where proxy-report.json, junit.xml and proxy-report.html are written when the proxy stops.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first violation.")
@click.option("--max-body-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024, show_default=True,
              help="Largest request body passed on (beyond: 413); answers beyond are passed on whole but not "
                   "checked.")
def proxy(**options: Any) -> None:
    """Forward requests to the deployment at URL and check every answer against the spec.

    Nothing is changed in transit: answers are streamed to the client as they arrive and checked after it
    has them. Each violation (an undocumented operation, status or media type, a body that breaks its
    schema) is logged as it happens, with the operation, the check and the JSON path; Ctrl+C, SIGTERM (or
    --fail-fast at the first violation) stops the proxy, prints the summary and writes the reports. The exit
    code is 1 when anything did not conform, 0 otherwise.
    """
    from mockserver.proxy.run import ProxyOptions, run_proxy

    parts = urlsplit(options["url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.UsageError(f"URL must be http(s)://host[:port][/path], not {options['url']!r}")
    try:
        sys.exit(run_proxy(ProxyOptions(
            upstream=options["url"], api=options["api"] or "webknossos", version=options["version"],
            host=options["host"], port=options["port"], report_dir=options["report_dir"],
            fail_fast=options["fail_fast"], max_body_bytes=options["max_body_bytes"])))
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
