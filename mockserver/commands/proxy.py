"""``mockserver proxy``: check the live traffic of a deployment against the spec of one version of an API pack (and
the options ``mockserver record`` shares with it)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from mockserver.commands import API_HELP
from mockserver.errors import ConfigurationError

F = TypeVar("F", bound=Callable[..., Any])

OPTIONS = (
    click.argument("url"),
    click.option("--api", default=None, envvar="MOCKSERVER_API", help=API_HELP),
    click.option("--api-version", "version", default=None, help="The version whose spec is checked (default: latest)."),
    click.option("--spec", type=click.Path(path_type=Path, dir_okay=False), default=None,
                 help="Check against this OpenAPI document instead of the version's own (a draft of its next spec; "
                      "served under the version's base path)."),
    click.option("--host", default="127.0.0.1", show_default=True, help="Interface the proxy listens on."),
    click.option("--port", type=click.IntRange(0, 65535), default=9100, show_default=True,
                 help="Port the proxy listens on (0: a free one, printed)."),
    click.option("--report-dir", type=click.Path(path_type=Path), default=Path("proxy-report"), show_default=True,
                 help="Where proxy-report.json, junit.xml and proxy-report.html are written when the proxy stops."),
    click.option("--fail-fast", is_flag=True, help="Stop at the first violation."),
)


def proxy_options(max_body_help: str) -> Callable[[F], F]:
    """The options of ``proxy`` and ``record`` (``max_body_help``: what the body bound means for the command)."""
    def decorate(command: F) -> F:
        command = click.option("--max-body-bytes", type=click.IntRange(min=1), default=64 * 1024 * 1024,
                               show_default=True, help=max_body_help)(command)
        for option in reversed(OPTIONS):
            command = option(command)
        return command
    return decorate


def run(options: dict[str, Any], har: Path | None = None) -> None:
    """Run the proxy with the command's ``options`` (recording into ``har``), exit with its status; bad input is
    one ``error:`` line and exit 2."""
    from mockserver.proxy.run import ProxyOptions, run_proxy

    parts = urlsplit(options["url"])
    if parts.scheme not in ("http", "https") or not parts.netloc:
        click.echo(f"error: URL must be http(s)://host[:port][/path], not {options['url']!r}", err=True)
        sys.exit(2)
    try:
        sys.exit(run_proxy(ProxyOptions(
            upstream=options["url"], api=options["api"] or "webknossos", version=options["version"],
            spec=options["spec"], host=options["host"], port=options["port"], report_dir=options["report_dir"],
            fail_fast=options["fail_fast"], max_body_bytes=options["max_body_bytes"], har=har)))
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.command()
@proxy_options("Largest request body passed on (beyond: 413); answers beyond are passed on whole but not checked.")
def proxy(**options: Any) -> None:
    """Forward requests to the deployment at URL and check every answer against the spec.

    Nothing is changed in transit: answers are streamed to the client as they arrive and checked after it
    has them. Each violation (an undocumented operation, status or media type, a body that breaks its
    schema, a domain rule of the pack that one exchange shows broken) is logged as it happens, with the
    operation, the check and the JSON path; Ctrl+C, SIGTERM (or --fail-fast at the first violation) stops the
    proxy, prints the summary and writes the reports. The exit code is 1 when anything did not conform, 0
    otherwise.
    """
    run(options)
