"""The ``mockserver`` command: a thin click group, one function call per command."""

from __future__ import annotations

import sys
from typing import Any

import click

from mockserver.commands.admin import admin
from mockserver.commands.compare import compare
from mockserver.commands.contract import contract
from mockserver.commands.import_world import import_world
from mockserver.commands.proxy import proxy
from mockserver.commands.record import record
from mockserver.commands.replay import replay
from mockserver.commands.routes import routes
from mockserver.commands.seed import seed
from mockserver.errors import ConfigurationError
from mockserver.foreign_warnings import silenced
from mockserver.settings import Settings
from mockserver.specdiff.cli import diff


def _settings(**options: Any) -> Settings:
    try:
        return Settings.from_env(**options)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group()
@click.version_option(package_name="mockserver")
def main() -> None:
    """Spec-first mocks and contract checks for annotation-platform APIs, one pack per API (`mockserver packs`)."""


@main.command()
def packs() -> None:
    """List the installed API packs with their versions and spec documents."""
    from mockserver.pack import load_pack, pack_names

    for name in pack_names():
        try:
            pack = load_pack(name)
        except ConfigurationError as exc:
            click.echo(f"{name}: cannot load ({exc})")
            continue
        click.echo(f"{name:<12} {pack.title}")
        for version in pack.versions:
            click.echo(f"  {version.name:<12} {version.base_path or '/':<16} spec/{version.spec}")
        for version in pack.diff_only:
            click.echo(f"  {version.name:<12} {'(diff only)':<16} spec/{version.spec}")


@main.command()
@click.option("--api", default=None, help="The API pack to serve (default webknossos; `mockserver packs` lists "
                                          "them; all: every pack, one port each). [MOCKSERVER_API]")
@click.option("--ports", default=None, help="With --api all: NAME=PORT,… (default: --port for webknossos, the next "
                                            "ports for the others in name order). [MOCKSERVER_PORTS]")
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1). [MOCKSERVER_HOST]")
@click.option("--port", type=int, default=None, help="Port, 1–65535 (default 9000; 0 picks a free one). "
                                                    "[MOCKSERVER_PORT]")
@click.option("--seed", type=int, default=None, help="World seed, 0 or more (default 1). [MOCKSERVER_SEED]")
@click.option("--recipe", default=None, help="default, large, tiny or a recipe YAML path. [MOCKSERVER_RECIPE]")
@click.option("--state", default=None, help="SQLite file, or PostgreSQL URL (postgresql://user:password@host:5432/db), "
                                            "that keeps the world across restarts; an existing world is resumed "
                                            "(joined) with its own seed and recipe. [MOCKSERVER_STATE]")
@click.option("--reset-state", "reset_state", flag_value=True, default=None,
              help="Build the world of --seed and --recipe anew in the --state file instead of resuming the one it "
                   "holds. [MOCKSERVER_RESET_STATE=true]")
@click.option("--public-url", default=None, help="Base URL if not http://HOST:PORT. [MOCKSERVER_PUBLIC_URL]")
@click.option("--log-level", default=None, help="critical, error, warning, info (default), debug or trace. "
                                                 "[MOCKSERVER_LOG_LEVEL]")
@click.option("--no-validate-responses", "validate_responses", flag_value=False, default=None,
              help="Skip response validation (faster; the mock may then drift from its spec). "
                   "[MOCKSERVER_VALIDATE_RESPONSES=false]")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Server processes sharing the world of --state (default 1). [MOCKSERVER_WORKERS]")
@click.option("--no-read-cache", "cache_reads", flag_value=False, default=None,
              help="Build every read anew instead of answering repeated reads of an unchanged world from a "
                   "cache. [MOCKSERVER_CACHE_READS=false]")
@click.option("--no-fast-path", "fast_path", flag_value=False, default=None,
              help="Send repeated identical reads through routing, security and validation again instead of "
                   "answering them before (off with --no-read-cache). [MOCKSERVER_FAST_PATH=false]")
@click.option("--scenario", default=None, help="Scenario(s) to load at start, comma-separated (bundled name or "
                                                "YAML path). [MOCKSERVER_SCENARIO]")
@click.option("--admin-key", default=None, help="X-Admin-Key of /__admin (default: derived from the seed). "
                                                 "[MOCKSERVER_ADMIN_KEY]")
@click.option("--cors-origins", default=None, help="CORS origins, comma-separated, '*' for any (default: no "
                                                    "CORS). [MOCKSERVER_CORS_ORIGINS]")
@click.option("--journal-size", type=int, default=None, help="Requests kept in the journal (default 1000). "
                                                              "[MOCKSERVER_JOURNAL_SIZE]")
@click.option("--request-log-limit", type=int, default=None, help="Request log lines per second, the rest summed "
                                                                   "up (default 10; 0: off). "
                                                                   "[MOCKSERVER_REQUEST_LOG_LIMIT]")
@click.option("--username", default=None, help="HTTP Basic user name, with --password (packs with Basic auth: "
                                                "labelstudio; its default user is ls). [MOCKSERVER_USERNAME]")
@click.option("--password", default=None, help="Ask for HTTP Basic credentials (packs with Basic auth only). "
                                                "[MOCKSERVER_PASSWORD]")
@click.option("--mode", default=None, help="A further way of running the API the pack offers (labelstudio: "
                                            "multi-session, a project per session cookie). [MOCKSERVER_MODE]")
def serve(**options: Any) -> None:
    """Start the mock of one API pack: every version on one seeded world; prints URL, tokens and docs link."""
    with silenced():
        from mockserver.server import run

    try:
        run(_settings(**options))
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


main.add_command(diff)
main.add_command(contract)
main.add_command(proxy)
main.add_command(compare)
main.add_command(record)
main.add_command(replay)
main.add_command(admin)
main.add_command(routes)
main.add_command(seed)
main.add_command(import_world)
