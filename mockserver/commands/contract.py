"""``mockserver contract``: check a deployment against the spec of one version of an API pack."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from mockserver.commands import API_HELP
from mockserver.errors import ConfigurationError


@click.command()
@click.argument("url")
@click.option("--api", default=None, envvar="MOCKSERVER_API", help=API_HELP)
@click.option("--api-version", "version", default=None,
              help="The version whose spec is checked (default: the pack's latest; WEBKNOSSOS: v1 … v5).")
@click.option("--token", envvar=["MOCKSERVER_TOKEN", "WK_TOKEN"], default=None,
              help="Token of the user to test as, sent in the pack's auth header (WEBKNOSSOS: X-Auth-Token). "
                   "[MOCKSERVER_TOKEN, or WK_TOKEN] (prefer the variable: arguments show up in ps)")
@click.option("--public-key", envvar="MOCKSERVER_PUBLIC_KEY", default=None,
              help="Public key of the user to test as, for APIs that sign each request with a key pair (Cytomine); "
                   "with --private-key, instead of --token. [MOCKSERVER_PUBLIC_KEY]")
@click.option("--private-key", envvar="MOCKSERVER_PRIVATE_KEY", default=None,
              help="Its private key (never sent, never printed). [MOCKSERVER_PRIVATE_KEY] (prefer the variable)")
@click.option("--allow-writes", is_flag=True,
              help="Also send POST/PUT/PATCH/DELETE, to resources the run creates itself (deleted at the end).")
@click.option("--rate-limit", default="10/s", show_default=True, help="Maximum request rate: 10/s, 600/m or off.")
@click.option("--max-requests", type=int, default=5000, show_default=True, help="Stop after this many (0: no limit).")
@click.option("--max-time", type=int, default=600, show_default=True, help="Time budget in seconds (0: none).")
@click.option("--max-examples", type=int, default=10, show_default=True, help="Generated cases per operation.")
@click.option("--phases", default="examples,coverage,fuzzing,stateful", show_default=True,
              help="Comma-separated schemathesis phases.")
@click.option("--operation", "operations", multiple=True,
              help='Only this operation, e.g. "GET /tasks/{id}" (repeatable).')
@click.option("--report", default="", help="Reports to write: junit, html (comma-separated).")
@click.option("--report-dir", type=click.Path(path_type=Path), default=Path("contract-report"), show_default=True)
@click.option("--seed", type=int, default=None, help="Seed of the generated data (reproduce a run).")
@click.option("--workers", type=int, default=1, show_default=True, help="Concurrent schemathesis workers.")
@click.option("--min-coverage", type=float, default=100.0, show_default=True,
              help="Percent of the selected operations that must get a 2xx (else exit 1; the run lists the others "
                   "with the reason).")
def contract(**options: Any) -> None:
    """Check the deployment at URL against the spec of one version of an API pack.

    Runs schemathesis (every check that applies, and the stateful phase over the specs' links) plus
    the pack's domain checks. Read-only (GET/HEAD) unless --allow-writes. The exit code is 0 only
    when no check failed.
    """
    from mockserver.contract import ContractOptions, run_contract

    try:
        settings = ContractOptions(
            base_url=options["url"], api=options["api"] or "webknossos", version=options["version"],
            token=options["token"], public_key=options["public_key"], private_key=options["private_key"],
            allow_writes=options["allow_writes"], rate_limit=options["rate_limit"],
            max_requests=options["max_requests"] or None, max_time=options["max_time"] or None,
            max_examples=options["max_examples"], phases=_csv(options["phases"]),
            operations=tuple(options["operations"]), reports=_csv(options["report"]),
            report_dir=options["report_dir"], workers=options["workers"], seed=options["seed"],
            min_coverage=options["min_coverage"])
        sys.exit(run_contract(settings))
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
