"""``mockserver replay``: send the requests of a HAR recording to another deployment and compare the answers."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
import httpx

from mockserver.errors import ConfigurationError

HEADER = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*)$")


@click.command()
@click.argument("recording", metavar="HAR")
@click.option("--against", required=True, metavar="URL",
              help="The deployment the requests go to (each request's path and query under URL).")
@click.option("--api", default=None, help="Also check every answer against this pack's spec (`mockserver packs`).")
@click.option("--api-version", "version", default=None, help="The version whose spec is checked (default: latest).")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Sent with every request instead of the recorded header of that name (repeatable): your "
                   "credentials in place of the redacted ones.")
@click.option("--ignore-json-key", "ignored", multiple=True, metavar="KEY",
              help="A JSON object key whose values are not compared, wherever it occurs (repeatable).")
@click.option("--report-dir", type=click.Path(path_type=Path), default=None,
              help="Write replay-report.json there (with --api also the proxy's reports).")
def replay(**options: Any) -> None:
    """Send every request recorded in HAR, in order, to URL and compare each answer with the recorded one.

    Compared: the status, the media type and the body (JSON as parsed values, anything else as bytes; bodies
    the recording cut are not compared). Each differing exchange gets a line, then the summary. Redacted
    credential headers are left out unless --header gives them. Exit 0 when every answer is the same (and,
    with --api, conforms), 1 otherwise, 2 for bad input (an unreadable recording, a bad URL, a deployment not
    reachable at the first request). A request that gets no answer later is a difference of its own.
    """
    from mockserver.proxy.replay import ReplayOptions, run_replay

    try:
        parts = urlsplit(options["against"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigurationError(f"--against must be http(s)://host[:port][/path], not {options['against']!r}")
        httpx.URL(options["against"])
        if options["version"] and not options["api"]:
            raise ConfigurationError("--api-version needs --api (the pack whose spec is checked)")
        sys.exit(run_replay(ReplayOptions(
            har=Path(options["recording"]), against=options["against"], api=options["api"],
            version=options["version"], headers=tuple(_header(value) for value in options["headers"]),
            ignored_keys=frozenset(options["ignored"]), report_dir=options["report_dir"])))
    except (ConfigurationError, ValueError, httpx.InvalidURL) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _header(value: str) -> tuple[str, str]:
    matched = HEADER.match(value)
    if matched is None:
        raise ConfigurationError(f"--header must be 'Name: value', not {value!r}")
    return matched.group(1), matched.group(2).strip()
