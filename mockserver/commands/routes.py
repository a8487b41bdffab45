"""``mockserver routes``: every operation of every mounted API, with the handler that serves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import orjson

from mockserver.commands import pack_from
from mockserver.pack import DEFAULT_PACK, Pack, pack_names
from mockserver.resources import spec_dir

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def mounted(pack: Pack) -> list[tuple[str, str, Path]]:
    """(name, base path, document) of every API the app of ``pack`` mounts: its versions, its further
    documents and the admin API."""
    from mockserver.journal import ADMIN_PREFIX  # Starlette: only when routes are listed

    apis = [(version.name, version.base_path, version.spec_path) for version in pack.versions]
    apis += [(mount.name, mount.base_path, spec_dir() / mount.spec) for mount in pack.mounts]
    apis.append(("admin", ADMIN_PREFIX, spec_dir() / "admin" / "openapi.yaml"))
    return apis


def operations(pack: Pack, names: tuple[str, ...] = ()) -> Iterator[dict[str, Any]]:
    from mockserver.specs import SpecLoader

    loader = SpecLoader()
    for name, base, path in mounted(pack):
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
@click.option("--api", "apis", multiple=True, metavar="NAME",
              help="The API pack (default webknossos) [MOCKSERVER_API]; a version name of the default pack "
                   "(v5, datastore, admin …) selects that version, as --version does.")
@click.option("--version", "names", multiple=True, metavar="NAME",
              help="Only this version or document: v1 … v5, datastore, admin … (repeatable; default all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def routes(apis: tuple[str, ...], names: tuple[str, ...], as_json: bool) -> None:
    """List every operation per API version: method, path, handler (operationId) and summary."""
    legacy = _versions_of_default()
    packs = [name for name in apis if name not in legacy]
    names = (*names, *(name for name in apis if name in legacy))
    if unknown := [name for name in packs if name not in pack_names()]:
        raise click.UsageError(f"unknown API {', '.join(unknown)}: neither an installed pack "
                               f"({', '.join(pack_names())}) nor a version of {DEFAULT_PACK} "
                               f"({', '.join(sorted(legacy))})")
    if len(packs) > 1:
        raise click.UsageError(f"one API pack at a time, got {', '.join(packs)}")
    pack = pack_from(packs[0] if packs else None)
    known = [name for name, _, _ in mounted(pack)]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise click.UsageError(f"unknown API {', '.join(unknown)} (known: {', '.join(known)})")
    found = list(operations(pack, names))
    if as_json:
        click.echo(orjson.dumps(found, option=orjson.OPT_INDENT_2).decode())
        return
    width = max(len(op["path"]) for op in found)
    for op in found:
        note = " (deprecated)" if op["deprecated"] else ""
        line = f"{op['api']:<9} {op['method']:<6} {op['path']:<{width}}  {op['operationId']}  {op['summary']}"
        click.echo(line + note)


def _versions_of_default() -> set[str]:
    """The names ``--api`` took before packs existed (versions of the WEBKNOSSOS pack), still accepted."""
    try:
        return {name for name, _, _ in mounted(pack_from(DEFAULT_PACK))}
    except click.UsageError:
        return set()
