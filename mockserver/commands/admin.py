"""``mockserver admin …``: the ``/__admin`` API of a running mock, from the command line (httpx)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any, NoReturn

import click
import httpx
import orjson

from mockserver.commands import settings_from
from mockserver.errors import ConfigurationError
from mockserver.settings import Settings


class AdminClient:
    """Calls ``/__admin`` of ``url`` with the key of ``settings``; failures become a message and exit status 1."""

    def __init__(self, url: str, settings: Settings) -> None:
        self.url, self.settings = url.rstrip("/"), settings
        self.client = httpx.Client(base_url=f"{self.url}/__admin", timeout=60,
                                   headers={"X-Admin-Key": settings.effective_admin_key})

    def call(self, method: str, path: str, *, about: str = "", **kwargs: Any) -> Any:
        """The JSON answer of ``method path``; ``about`` (e.g. the file sent) starts the message of a failure."""
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            fail(f"cannot reach mockserver at {self.url} ({exc}); is `mockserver serve` running?")
        if response.status_code == 401:
            fail(self.refused_key())
        if response.status_code >= 400:
            try:
                messages = "; ".join(m.get("error", "") for m in response.json()["messages"])
            except (ValueError, KeyError, TypeError, AttributeError):
                messages = response.text
            fail(f"{about}{': ' if about else ''}{method} {path}: {response.status_code} {messages}")
        return response.json() if response.content else None

    def refused_key(self) -> str:
        if self.settings.admin_key:
            return (f"{self.url} refused the X-Admin-Key given (--admin-key, MOCKSERVER_ADMIN_KEY): use the key the "
                    "server printed at start (by default it follows the server's seed)")
        return (f"{self.url} refused the X-Admin-Key of seed {self.settings.seed}: the default key follows the seed "
                "the server serves (printed at its start with the key): give that seed with --seed or "
                "MOCKSERVER_SEED, or the key with --admin-key or MOCKSERVER_ADMIN_KEY")


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def show(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


@click.group()
@click.option("--url", envvar="MOCKSERVER_URL", default=None,
              help="The running mock (default http://HOST:PORT of MOCKSERVER_HOST/PORT). [MOCKSERVER_URL]")
@click.option("--admin-key", default=None,
              help="X-Admin-Key (default: derived from --seed, as `serve` does). [MOCKSERVER_ADMIN_KEY]")
@click.option("--seed", type=int, default=None, help="Seed the server started with, as its banner says (the default "
                                                     "key follows it). [MOCKSERVER_SEED]")
@click.option("--api", default=None, envvar="MOCKSERVER_API",
              help="With `serve --api all`: the pack whose server to control (its port follows MOCKSERVER_PORT and "
                   "--ports as serve counts them). [MOCKSERVER_API]")
@click.option("--ports", default=None, help="The --ports of `serve --api all`. [MOCKSERVER_PORTS]")
@click.pass_context
def admin(context: click.Context, url: str | None, admin_key: str | None, seed: int | None, api: str | None,
          ports: str | None) -> None:
    """Control a running mock: reset, snapshots, world export/import, journal, latency, faults, scenarios."""
    settings = settings_from(admin_key=admin_key, seed=seed, ports=ports)
    if api not in (None, "all") and url is None:
        settings = server_of(settings, api)
    context.obj = AdminClient(url or settings.base_url, settings)


def server_of(settings: Settings, api: str) -> Settings:
    """The settings of ``api``'s server among those of ``serve --api all`` (its port)."""
    from mockserver.combined import planned

    try:
        plans = {plan.api: plan for plan in planned(dataclasses.replace(settings, api="all"))}
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
    if api not in plans:
        raise click.UsageError(f"unknown API pack {api!r}; installed: {', '.join(plans)}")
    return plans[api]


pass_client = click.make_pass_decorator(AdminClient)


@admin.command()
@pass_client
def info(client: AdminClient) -> None:
    """Seed, recipe, revision and the known users with their tokens."""
    show(client.call("GET", "/"))


@admin.command()
@click.option("--seed", type=int, default=None, help="Switch to the world of this seed (0 or more).")
@click.option("--recipe", default=None, help="Switch to the world of this recipe.")
@click.option("--keep-journal", is_flag=True, help="Do not clear the request journal.")
@click.option("--keep-rules", is_flag=True, help="Do not remove latency and fault rules.")
@pass_client
def reset(client: AdminClient, seed: int | None, recipe: str | None, keep_journal: bool, keep_rules: bool) -> None:
    """Back to the start of the current world (or to another seeded world), clearing journal and rules.

    The current world is the one of the last reset with --seed or --recipe, if there was one: a plain reset
    after `reset --seed 7` returns to the start of seed 7's world, not to the seed the server started with.
    """
    body: dict[str, Any] = {"journal": not keep_journal, "rules": not keep_rules}
    body.update({k: v for k, v in {"seed": seed, "recipe": recipe}.items() if v is not None})
    state = client.call("POST", "/reset", json=body)
    line = f"world: seed {state['seed']}, recipe {state['recipe']}, revision {state['revision']}"
    started = (client.settings.seed, client.settings.recipe)
    if seed is None and recipe is None and (state["seed"], state["recipe"]) != started:
        line += (" (a plain reset keeps the world of the last reset with --seed/--recipe; "
                 f"--seed {started[0]} --recipe {started[1]} returns to the start)")
    click.echo(line)


@admin.command()
@click.argument("name", required=False)
@click.option("--delete", is_flag=True, help="Forget the snapshot NAME.")
@pass_client
def snapshot(client: AdminClient, name: str | None, delete: bool) -> None:
    """Keep the world as NAME (--delete: forget it); without NAME list the snapshots."""
    if name is None:
        for item in client.call("GET", "/snapshots"):
            click.echo(f"{item['name']}  {item['bytes']:,} bytes  revision {item['revision']}")
    elif delete:
        client.call("DELETE", f"/snapshots/{name}")
        click.echo(f"deleted snapshot {name}")
    else:
        item = client.call("POST", "/snapshots", json={"name": name})
        click.echo(f"snapshot {item['name']}: {item['bytes']:,} bytes at revision {item['revision']}")


@admin.command()
@click.argument("name")
@pass_client
def restore(client: AdminClient, name: str) -> None:
    """Replace the world by the snapshot NAME."""
    state = client.call("POST", f"/snapshots/{name}/restore")
    click.echo(f"restored {name}: revision {state['revision']}")


@admin.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@pass_client
def export(client: AdminClient, file: str) -> None:
    """Write the world as JSON to FILE (default: standard output)."""
    data = orjson.dumps(client.call("GET", "/world"), option=orjson.OPT_INDENT_2) + b"\n"
    if file == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(file).write_bytes(data)


@admin.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_client
def import_(client: AdminClient, file: str) -> None:
    """Replace the world by a JSON export (from `export` or `mockserver seed --dump`)."""
    state = client.call("PUT", "/world", content=Path(file).read_bytes(),
                        headers={"Content-Type": "application/json"})
    click.echo(f"imported {file}: revision {state['revision']}")


@admin.command()
@click.option("--method", default=None, help="Only this HTTP method.")
@click.option("--path", default=None, help="Only paths matching this pattern, e.g. '/api/*/tasks/**'.")
@click.option("--limit", type=int, default=50, show_default=True, help="Newest entries to show.")
@click.option("--count", "count_only", is_flag=True, help="Print only the number of matching requests.")
@click.option("--clear", is_flag=True, help="Forget all requests.")
@click.option("--json", "as_json", is_flag=True, help="Entries as JSON.")
@pass_client
def journal(client: AdminClient, method: str | None, path: str | None, limit: int, count_only: bool, clear: bool,
            as_json: bool) -> None:
    """The latest requests the mock received, newest first."""
    if clear:
        client.call("DELETE", "/journal")
        click.echo("journal cleared")
        return
    params = {k: v for k, v in {"method": method, "path": path}.items() if v}
    if count_only:
        click.echo(client.call("GET", "/journal/count", params=params)["count"])
        return
    result = client.call("GET", "/journal", params={**params, "limit": limit})
    if as_json:
        show(result)
        return
    for entry in result["entries"]:
        query = f"?{entry['query']}" if entry["query"] else ""
        fault = f"  [{entry['fault']}]" if entry["fault"] else ""
        status = entry["status"] if entry["status"] is not None else "-"
        click.echo(f"{entry['id']:>6} {entry['method']:<6} {entry['path']}{query} {status} "
                   f"{entry['durationMs']:.1f} ms{fault}")
    click.echo(f"({len(result['entries'])} of {result['count']} matching)", err=True)


SELECTION = [
    click.option("--method", default=None, help="Only this HTTP method (default any)."),
    click.option("--nth", type=int, default=None, help="Only the n-th matching request."),
    click.option("--every", type=int, default=None, help="Every n-th matching request."),
    click.option("--times", type=int, default=None, help="At most this many times."),
    click.option("--disabled", is_flag=True, help="Add the rule switched off."),
]


def selection(function: Any) -> Any:
    for option in reversed(SELECTION):
        function = option(function)
    return function


def _add_rule(client: AdminClient, kind: str, path: str, options: dict[str, Any]) -> None:
    disabled = options.pop("disabled", False)
    body = {"kind": kind, "path": path, **{k: v for k, v in options.items() if v is not None}}
    if disabled:
        body["enabled"] = False
    rule = client.call("POST", "/rules", json=body)
    click.echo(f"rule {rule['id']}: {kind} on {rule['method']} {rule['path']}")


@admin.command()
@click.argument("path", default="/**")
@click.option("--ms", "delayMs", type=float, default=None, help="Fixed delay in milliseconds.")
@click.option("--min-ms", "minMs", type=float, default=None, help="Random delay: lower bound.")
@click.option("--max-ms", "maxMs", type=float, default=None, help="Random delay: upper bound.")
@click.option("--random-seed", "seed", default=None, help="Seed of the random delays.")
@selection
@pass_client
def latency(client: AdminClient, /, path: str, **options: Any) -> None:
    """Delay requests matching PATH (a route pattern, default all): --ms, or --min-ms/--max-ms."""
    _add_rule(client, "latency", path, options)


@admin.command()
@click.argument("kind", type=click.Choice(["status", "reset", "drop", "timeout", "truncate"]))
@click.argument("path", default="/**")
@click.option("--status", type=int, default=None, help="status: the status code (default 500).")
@click.option("--body", default=None, help="status: the body, JSON (or text).")
@click.option("--seconds", type=float, default=None, help="timeout: how long to hold the request (default 30).")
@click.option("--keep-bytes", "keepBytes", type=int, default=None, help="truncate: body bytes sent (default half).")
@selection
@pass_client
def fault(client: AdminClient, /, kind: str, path: str, body: str | None, **options: Any) -> None:
    """Inject a fault into requests matching PATH: status, reset, drop, timeout or truncate."""
    if body is not None:
        try:
            options["body"] = orjson.loads(body)
        except orjson.JSONDecodeError:
            options["body"] = body
    _add_rule(client, kind, path, options)


@admin.command()
@click.option("--enable", "enable", default=None, metavar="ID", help="Switch the rule ID on.")
@click.option("--disable", "disable", default=None, metavar="ID", help="Switch the rule ID off.")
@click.option("--delete", "delete", default=None, metavar="ID", help="Remove the rule ID.")
@click.option("--clear", is_flag=True, help="Remove every rule.")
@pass_client
def rules(client: AdminClient, enable: str | None, disable: str | None, delete: str | None, clear: bool) -> None:
    """List the latency and fault rules, or change one."""
    if clear:
        client.call("DELETE", "/rules")
    for rule_id, enabled in ((enable, True), (disable, False)):
        if rule_id:
            client.call("PATCH", f"/rules/{rule_id}", json={"enabled": enabled})
    if delete:
        client.call("DELETE", f"/rules/{delete}")
    for rule in client.call("GET", "/rules"):
        state = "on " if rule["enabled"] else "off"
        click.echo(f"{rule['id']:<5} {state} {rule['kind']:<8} {rule['method']:<6} {rule['path']}  "
                   f"matched {rule['matched']}, applied {rule['applied']}")


@admin.command()
@click.argument("name", required=False)
@pass_client
def scenario(client: AdminClient, name: str | None) -> None:
    """Load the scenario NAME (bundled) or a scenario file; without NAME list the bundled ones."""
    if name is None:
        for item in client.call("GET", "/scenarios"):
            click.echo(f"{item['name']:<40} {item['description']}")
        return
    path = Path(name)
    if path.suffix in {".yaml", ".yml"}:
        try:
            source = path.read_text()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"scenario file {name}: cannot read it ({getattr(exc, 'strerror', None) or exc})")
        applied = client.call("POST", "/scenarios", json={"name": path.stem, "source": source},
                              about=f"scenario file {name}")
    else:
        applied = client.call("POST", f"/scenarios/{name}")
    refs = ", ".join(f"{k}={v}" for k, v in applied["refs"].items())
    click.echo(f"loaded {applied['name']}" + (f": {refs}" if refs else ""))
