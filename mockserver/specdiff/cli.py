"""``mockserver diff``: what changed between two API versions, structurally and (optionally) in behaviour.

Exit codes: 0 no change at or above ``--fail-on`` (and, with ``--fail-on-unexplained``, no
unexplained behaviour difference); 1 otherwise; 2 bad arguments or unreadable specs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from mockserver.errors import ConfigurationError
from mockserver.pack import DEFAULT_PACK
from mockserver.specdiff.model import DiffReport, Severity
from mockserver.specdiff.render import RENDERERS, print_terminal

FORMATS = ["terminal", *sorted(RENDERERS)]


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--api", envvar="MOCKSERVER_API", default=DEFAULT_PACK, show_default=True,
              help="The API pack whose versions OLD and NEW name. [MOCKSERVER_API]")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="terminal", show_default=True,
              help="Report format (terminal = coloured table; text = the same without colours).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=None,
              help="Exit with 1 if a change is at least this severe.")
@click.option("--fail-on-unexplained", is_flag=True, help="Exit with 1 if a behaviour difference is unexplained.")
@click.option("--stepwise", is_flag=True, help="Compare every consecutive pair of versions from OLD to NEW.")
@click.option("--behaviour", is_flag=True, help="Also replay fixed requests against both versions of a live server.")
@click.option("--base-url", envvar="MOCKSERVER_DIFF_BASE_URL", default=None,
              help="Server root to replay against (default: the mock, in process). [MOCKSERVER_DIFF_BASE_URL]")
@click.option("--token", envvar="MOCKSERVER_DIFF_TOKEN", default=None,
              help="Token for the replay, sent in the pack's auth header (default: the mock's first known user, "
                   "WEBKNOSSOS: the admin). [MOCKSERVER_DIFF_TOKEN]")
@click.option("--recipe", default=None, help="World recipe of the in-process mock (default: the pack's; tiny).")
@click.option("--seed", type=int, default=1, show_default=True, help="World seed of the in-process mock.")
@click.option("--replay", default=None,
              help="The requests to replay: a name in fixtures/<pack>/replays/ or a YAML file "
                   "(default: the pack's; version-tour).")
def diff(**options: Any) -> None:
    """Report what changed from OLD to NEW (versions of the pack such as v4, or OpenAPI files).

    \b
      mockserver diff v4 v5
      mockserver diff OLD.yaml NEW.yaml --format html -o report.html
      mockserver diff v4 v5 --behaviour [--base-url URL --token T]
      mockserver diff v1 v5 --fail-on breaking
    """
    sys.exit(run(**options))


def run(
    old: str,
    new: str,
    api: str,
    output_format: str,
    output: Path | None,
    fail_on: str | None,
    fail_on_unexplained: bool,
    stepwise: bool,
    behaviour: bool,
    base_url: str | None,
    token: str | None,
    recipe: str | None,
    seed: int,
    replay: str | None,
) -> int:
    """Build, write and judge the reports; returns the exit code."""
    from mockserver.specdiff.reports import LiveServer, build  # Connexion: only when a diff runs

    live = LiveServer(base_url, token, recipe, seed, replay) if behaviour else None
    try:
        reports = build(old, new, stepwise=stepwise, live=live, api=api)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
    write(reports, output_format, output)
    return exit_code(reports, Severity(fail_on) if fail_on else None, fail_on_unexplained)


def write(reports: list[DiffReport], output_format: str, output: Path | None) -> None:
    if output_format == "terminal" and output is None:
        print_terminal(reports, Console(soft_wrap=False))
        return
    renderer = RENDERERS["text" if output_format == "terminal" else output_format]
    text = renderer(reports)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


def exit_code(reports: list[DiffReport], fail_on: Severity | None, fail_on_unexplained: bool) -> int:
    if fail_on is not None and any(report.fails(fail_on) for report in reports):
        return 1
    if fail_on_unexplained and any(report.behaviour and report.behaviour.unexplained for report in reports):
        return 1
    return 0
