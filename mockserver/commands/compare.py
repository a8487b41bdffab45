"""``mockserver compare``: the same requests to two servers, the differences of their answers.

Exit codes: 0 done (with ``--fail-on-difference``: nothing unexpected, nothing stale); 1 an unexpected difference or
a stale accepted one under ``--fail-on-difference``; 2 bad input (one ``error:`` line).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click
import httpx

from mockserver.commands import API_HELP
from mockserver.errors import ConfigurationError
from mockserver.pack import Pack, Version, load_pack

if TYPE_CHECKING:
    from mockserver.compare import Explainer, Report, Side

FORMATS = ("text", "markdown", "html", "json", "junit")


@click.command()
@click.argument("a")
@click.argument("b")
@click.option("--api", default=None, envvar="MOCKSERVER_API", help=API_HELP)
@click.option("--replay", default=None, help="The requests: a replay of the pack (fixtures/<pack>/replays/) or a "
                                             "replay YAML file (default: the pack's diff replay).")
@click.option("--har", type=click.Path(path_type=Path), default=None,
              help="The requests: the entries of a HAR file, sent as recorded (named by their comments).")
@click.option("--accept", type=click.Path(path_type=Path), default=None,
              help="A YAML list of accepted differences (exchange or request, differs, reason).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Report format(s), repeatable (default: text).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write each format's report into this directory (compare-report.md/.html/.json/.txt, junit.xml) "
                   "and print the summary.")
@click.option("--fail-on-difference", is_flag=True,
              help="Exit with 1 on a difference neither accepted nor explained, or on a stale accepted one.")
@click.option("--header", "headers", multiple=True, help="'Name: value' sent to both sides (repeatable).")
@click.option("--header-a", "headers_a", multiple=True, help="'Name: value' sent to A only (its credentials).")
@click.option("--header-b", "headers_b", multiple=True, help="'Name: value' sent to B only.")
@click.option("--api-version-a", "version_a", default=None, help="The version A serves (default: told by A's path).")
@click.option("--api-version-b", "version_b", default=None, help="The version B serves (default: told by B's path).")
@click.option("--shapes-only", is_flag=True, help="Compare keys and value types of bodies, never their values.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for each answer.")
def compare(**options: Any) -> None:
    """Send the same requests, in order, to A and then B (base URLs) and report how the answers differ.

    \b
      mockserver compare http://real:8080 http://127.0.0.1:9000 --api labelstudio --har flows.har
      mockserver compare http://127.0.0.1:9000/api/v4 http://127.0.0.1:9000/api/v5 --api webknossos \\
          --header 'X-Auth-Token: secret' --format markdown -o report/

    Status, media type, the headers the pack names and the bodies are compared after normalising what
    legitimately differs (the pack's compare profile: times, ids, ports, temporary paths …). Each difference is
    named by its spec operation; between two versions, by the structural changes that explain it.
    """
    try:
        sys.exit(run(**options))
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def run(a: str, b: str, api: str | None, replay: str | None, har: Path | None, accept: Path | None,
        formats: Sequence[str], output: Path | None, fail_on_difference: bool, headers: Sequence[str],
        headers_a: Sequence[str], headers_b: Sequence[str], version_a: str | None, version_b: str | None,
        shapes_only: bool, timeout: float) -> int:
    """Compare, write the reports, return the exit code."""
    from mockserver.compare import Comparer, Normaliser, Plan
    from mockserver.compare import accept as accepting
    from mockserver.compare import run as compare_run

    pack = load_pack(api or "webknossos")
    if replay and har:
        raise ConfigurationError("name the requests with --replay or --har, not both")
    plan = Plan.from_har(har) if har else Plan.load(pack, replay or _default_replay(pack))
    entries = accepting.load(accept) if accept else []
    shared = _headers(headers)
    sides = [side(pack, url, version, {**shared, **_headers(own)})
             for url, version, own in ((a, version_a, headers_a), (b, version_b, headers_b))]
    explainer = _explainer(sides[0], sides[1])
    with httpx.Client(timeout=timeout) as client, httpx.Client(timeout=timeout) as client_b:  # cookies per side
        for found, label in zip(sides, "AB", strict=True):
            _reachable(client, label, found.origin)
        report = compare_run(plan, client, sides[0], sides[1],
                             Comparer(Normaliser(pack.compare), values=not shapes_only), explainer, client_b)
    report = accepting.apply(report, entries)
    write(report, list(dict.fromkeys(formats or ["text"])), output)
    return 1 if fail_on_difference and report.fails() else 0


def write(report: Report, formats: Sequence[str], output: Path | None) -> None:
    """Each format to standard output, or into ``output`` (then the summary to standard output)."""
    from mockserver.compare.render import RENDERERS, summary

    if output is None:
        for name in formats:
            click.echo(RENDERERS[name][0](report), nl=False)
        return
    try:
        output.mkdir(parents=True, exist_ok=True)
        for name in formats:
            render, file_name = RENDERERS[name]
            (output / file_name).write_text(render(report), encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot write reports into {output}: {exc.strerror}") from exc
    click.echo(summary(report))


def side(pack: Pack, url: str, version_name: str | None, headers: dict[str, str]) -> Side:
    """A side of the comparison: the URL's origin, the version it serves (named, or told by the URL's path) and
    that version's spec."""
    from mockserver.compare import Side
    from mockserver.specs import SpecLoader

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(f"{url!r} is not a base URL (http(s)://host[:port][/path])")
    version = pack.version(version_name) if version_name else version_of(pack, parts.path.rstrip("/"))
    document = SpecLoader().load(version.spec_path)
    return Side(f"{url} ({version.name})", f"{parts.scheme}://{parts.netloc}", version.base_path, document, headers)


def version_of(pack: Pack, path: str) -> Version:
    """The version a base URL's path serves: the one mounted there, the latest at the pack's latest path or at the
    root."""
    for version in pack.versions:
        if version.base_path.rstrip("/") == path:
            return version
    if path in ("", pack.latest_path):
        return pack.latest
    raise ConfigurationError(f"cannot tell which version of {pack.name} is served at {path!r}; name it with "
                             f"--api-version-a/-b ({', '.join(pack.version_names)})")


def _explainer(a: Side, b: Side) -> Explainer | None:
    """Between two versions: the structural changes of their specs explain the differences."""
    if a.document is None or b.document is None or a.document == b.document:
        return None
    from mockserver.specdiff.behaviour import explainer
    from mockserver.specdiff.compare import compare

    return explainer(compare(a.document, b.document))


def _headers(raw: Sequence[str]) -> dict[str, str]:
    found = {}
    for item in raw:
        name, colon, value = item.partition(":")
        if not colon or not name.strip():
            raise ConfigurationError(f"a header is 'Name: value', not {item!r}")
        found[name.strip()] = value.strip()
    return found


def _reachable(client: httpx.Client, label: str, origin: str) -> None:
    try:
        client.request("HEAD", origin + "/")
    except httpx.HTTPError as exc:
        raise ConfigurationError(f"cannot reach {label} at {origin}: {type(exc).__name__} {exc}".rstrip()) from exc


def _default_replay(pack: Pack) -> str:
    if pack.diff.replay is None:
        raise ConfigurationError(f"the {pack.name} pack has no default replay; name the requests with --replay or "
                                 "--har")
    return pack.diff.replay


