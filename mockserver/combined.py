"""``mockserver serve --api all``: every installed pack at once, one port each, in one process.

WEBKNOSSOS, Label Studio and Cytomine all own ``/api/…`` at the root, and their real clients expect
root paths, so each pack gets its own app (own store, world, error format, ``/__admin``) on its own
port: the default pack on ``--port``, the others on the following ports in name order, or as given
by ``--ports name=port,…``. Each server runs in a thread; the main thread waits for SIGINT/SIGTERM
and shuts them all down (graceful, like ``serve``), then closes every store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from mockserver.errors import ConfigurationError
from mockserver.pack import DEFAULT_PACK, pack_names
from mockserver.settings import Settings
from mockserver.statefile import database_scheme

ALL = "all"


def planned(settings: Settings) -> list[Settings]:
    """The settings of each pack's server: its port and (with ``--state``) its own state file."""
    names = sorted(pack_names(), key=lambda name: (name != DEFAULT_PACK, name))
    ports = explicit_ports(settings.ports, names)
    if settings.workers > 1:
        raise ConfigurationError("--api all runs one process; --workers needs a single --api")
    plans = []
    for offset, name in enumerate(names):
        port = ports.get(name, 0 if settings.port == 0 else settings.port + offset)
        if not 0 <= port <= 65535:
            raise ConfigurationError(f"--api all: port {port} of {name} is outside 1–65535; set --port or --ports")
        plans.append(dataclasses.replace(settings, api=name, port=port, ports=None,
                                         state=state_of(settings.state, name)))
    return plans


def explicit_ports(text: str | None, names: list[str]) -> dict[str, int]:
    """``--ports webknossos=9000,labelstudio=8080`` as a mapping (names checked, ports integers)."""
    ports: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, port = item.partition("=")
        if name not in names or not port.isdigit():
            raise ConfigurationError(f"--ports takes NAME=PORT items of installed packs ({', '.join(names)}), "
                                     f"got {item!r}")
        ports[name] = int(port)
    return ports


def state_of(state: str | None, name: str) -> str | None:
    """One state file per pack: ``world.sqlite`` → ``world-webknossos.sqlite`` (a database holds every pack's world
    as it is, each in a schema of its own)."""
    if state is None or database_scheme(state):
        return state
    path = Path(state)
    return str(path.with_name(f"{path.stem}-{name}{path.suffix}"))


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event | None = None) -> Iterator[threading.Event]:
    """An event that SIGINT or SIGTERM sets while the block runs (the previous handlers come back after it)."""
    stop = stop or threading.Event()
    event = stop
    previous = {sig: signal.signal(sig, lambda *_: event.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def wait_for_signal(stop: threading.Event | None = None) -> None:
    """Block until SIGINT or SIGTERM arrives (or ``stop`` is set)."""
    with stop_on_signals(stop) as event:
        while not event.wait(0.5):
            pass
