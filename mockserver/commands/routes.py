"""``mockserver routes``: every operation of every mounted API, with the handler that serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import orjson

from mockserver.resources import spec_dir

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def mounted() -> list[tuple[str, str, Path]]:
    """(name, base path, document) of every API the app mounts (``/api`` repeats the latest version)."""
    from mockserver.journal import ADMIN_PREFIX  # Starlette, Connexion: only when routes are listed
    from mockserver.specs import spec_path
    from mockserver.versions import ADAPTERS

    apis = [(version, f"/api/{version}", spec_path(version)) for version in ADAPTERS]
    datastore = spec_path("datastore")
    if datastore.exists():
        apis.append(("datastore", "/data", datastore))
    apis.append(("admin", ADMIN_PREFIX, spec_dir() / "admin" / "openapi.yaml"))
    return apis


def operations(names: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    from mockserver.specs import SpecLoader

    loader = SpecLoader()
    for name, base, path in mounted():
        if names and name not in names:
            continue
        for route, item in sorted(loader.load(path).get("paths", {}).items()):
            for method in METHODS:
                if method in item:
                    operation = item[method]
                    yield {"api": name, "method": method.upper(), "path": f"{base}{route.rstrip('/')}",
                           "operationId": operation.get("operationId", ""), "summary": operation.get("summary", ""),
                           "deprecated": bool(operation.get("deprecated", False))}


@click.command()
@click.option("--api", "names", multiple=True, metavar="NAME",
              help="Only this API: v1 … v5, datastore or admin (repeatable; default all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def routes(names: tuple[str, ...], as_json: bool) -> None:
    """List every operation per API version: method, path, handler (operationId) and summary."""
    known = [name for name, _, _ in mounted()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.UsageError(f"unknown API {', '.join(unknown)} (known: {', '.join(known)})")
    found = list(operations(names))
    if as_json:
        click.echo(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())
        return
    width = max(len(op["path"]) for op in found)
    for op in found:
        note = " (deprecated)" if op["deprecated"] else ""
        line = f"{op['api']:<9} {op['method']:<6} {op['path']:<{width}}  {op['operationId']}  {op['summary']}"
        click.echo(line + note)
