"""Run the app under uvicorn: in the foreground (``mockserver serve``) or in a thread (the pytest plugin).

``run`` prints what a user needs to start (URL, tokens, docs, admin key), logs one line per request
(rate-limited, see ``requestlog``) and shuts down gracefully on SIGINT/SIGTERM: no new connections,
requests in flight get ``GRACE_SECONDS`` to finish, then the request log is flushed and the store
closed (a ``--state`` file checkpointed), and the process exits with status 0 (``shutdown``).
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import socket
import threading
import time

import uvicorn
from rich.console import Console
from uvicorn.logging import DefaultFormatter

from mockserver import preflight
from mockserver.app import MockApp, create_app, describe
from mockserver.combined import ALL, planned, stop_on_signals
from mockserver.errors import ConfigurationError
from mockserver.requestlog import RequestLog
from mockserver.settings import Settings, to_env
from mockserver.shutdown import signals_stop_the_server
from mockserver.store import Store

GRACE_SECONDS = 5
logger = logging.getLogger("mockserver")


def banner(app: MockApp, console: Console) -> None:
    info = describe(app)
    world, pack = app.backend.world, app.pack
    credentials = {u.role: u.credentials for u in world.known_users}
    names = pack.version_names
    console.print(f"[bold]mockserver[/bold] {pack.title} {names[0] if len(names) == 1 else f'{names[0]}–{names[-1]}'}, "
                  f"seed {world.seed}, recipe {world.recipe}")
    mode = app.backend.settings.mode
    store = app.backend.store
    if store.engine != "sqlite":
        console.print(f"  state       {store.location}: {store.origin}", highlight=False)
    if mode is not None:
        console.print(f"  mode        {mode}: {pack.modes[mode].description}", highlight=False)
    paths = [url.removeprefix(info["server_url"]) or "/" for url in info["versions"].values()]
    versions = paths[0] if len(paths) == 1 else f"{paths[0]} … {paths[-1]}"
    console.print(f"  server URL  {info['server_url']}   (in a browser: versions, docs, users)")
    console.print(f"  API URL     {info['api_url']}   (the latest, {info['latest']}; each version: {versions})",
                  highlight=False)
    console.print(f"  docs        {info['docs']}")
    console.print(f"  __admin     {info['admin']}   X-Admin-Key: {app.backend.settings.effective_admin_key}",
                  highlight=False)
    if info["users"]:
        width = max(len(email) for _, email, _ in info["users"])
        console.print(f"  [bold]{'role':<8} {'user':<{width}} {info['auth_header']}[/bold]")
    for role, email, token in info["users"]:
        console.print(f"  {role:<8} {email:<{width}} {token}", highlight=False)
        for name, value in credentials.get(role, ()):
            console.print(f"  {'':<8} {name} {value}", highlight=False)


def configure_logging(level: str) -> None:
    """Lines of the ``mockserver`` loggers (requests, errors) on stderr, formatted like uvicorn's."""
    if any(getattr(h, "mockserver_console", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(DefaultFormatter("%(levelprefix)s %(message)s"))
    handler.mockserver_console = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level.lower() == "trace" else level.upper())  # uvicorn's extra level
    logger.propagate = False


def flush_request_log(app: MockApp) -> None:
    for listener in app.control.journal.listeners:
        if isinstance(listener, RequestLog):
            listener.flush()


def run(settings: Settings) -> None:
    if settings.api == ALL:
        run_all(settings)
        return
    settings = preflight.checked(settings)  # bad options, a port in use: a clear error before the banner
    configure_logging(settings.log_level)
    if settings.workers > 1:
        run_workers(settings)
        return
    app = create_app(settings)
    settle()
    banner(app, Console(soft_wrap=True))
    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level=settings.log_level,
                            access_log=False, timeout_graceful_shutdown=GRACE_SECONDS)
    try:
        with signals_stop_the_server():
            uvicorn.Server(config).run()
    finally:
        flush_request_log(app)
        app.backend.store.close()


def run_all(settings: Settings) -> None:
    """Every installed pack on its own port (``combined.py``), until SIGINT/SIGTERM."""
    plans = planned(settings)
    for plan in plans:
        preflight.options(plan)
    configure_logging(settings.log_level)
    sockets: list[socket.socket] = []
    for plan in plans:  # every port first: a clear error before any banner
        try:
            sockets.append(preflight.bound(plan.host, plan.port))
        except ConfigurationError:
            for sock in sockets:
                sock.close()
            raise
    servers: list[BackgroundServer] = []
    try:
        for plan, sock in zip(plans, sockets, strict=True):
            app = create_app(dataclasses.replace(plan, port=sock.getsockname()[1]))
            banner(app, Console(soft_wrap=True))
            servers.append(BackgroundServer(app, sock, log_level=settings.log_level, grace=GRACE_SECONDS))
        settle()
        with stop_on_signals() as stop:  # before the first server answers: a client may stop us at once
            for server in servers:
                server.start()
            while not stop.wait(0.5):
                pass
    finally:
        for server in servers:
            server.stop()
            flush_request_log(server.app)
            server.app.backend.store.close()
        for sock in sockets[len(servers):]:
            sock.close()


def run_workers(settings: Settings) -> None:
    """``settings.workers`` uvicorn processes on one port, all serving the world of the ``--state`` file.

    The world is built (or opened) here first, so the workers only open it. Each worker keeps its own
    journal, rules and snapshots (``/__admin``); the world itself is shared: a write answered by one
    worker is seen by the next request to any other (``Store.version()``).
    """
    if settings.state is None:
        raise ConfigurationError("--workers needs --state FILE: every worker serves the world kept in that file")
    app = create_app(settings)
    banner(app, Console(soft_wrap=True))
    logger.info("%d workers share %s", settings.workers, settings.state)
    app.backend.store.close()
    os.environ.update(to_env(app.backend.settings))  # the world's own seed and recipe, reset_state done
    # the workers import Connexion afresh: keep its notice about Starlette's test client out of the output
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"),
                                                           "ignore:Using `httpx` with"]))
    try:
        uvicorn.run("mockserver.server:worker_app", factory=True, host=settings.host, port=settings.port,
                    workers=settings.workers, log_level=settings.log_level, access_log=False,
                    timeout_graceful_shutdown=GRACE_SECONDS)
    finally:  # the workers end without closing their stores: checkpoint the file once they are gone
        if app.backend.store.engine == "sqlite":
            Store.open(app.pack.schema, settings.state).close()


def worker_app() -> MockApp:
    """The app of one ``--workers`` process (its settings come from the ``MOCKSERVER_*`` environment)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    app = create_app(settings)
    settle()
    return app


COLLECTOR_THRESHOLDS = (20_000, 50, 100)
"""The collector's thresholds while serving. A request allocates thousands of objects and frees nearly all of them
by reference counting; at Python's default (700, 10, 10) the youngest generation was collected several times a
request for cycles that are hardly ever there (the write mix: 1,491–1,516 → 1,575–1,585 req/s)."""


def settle() -> None:
    """Keep the collector away from what start-up built (specs, routes, the world's snapshot): a full
    collection over it would cost ~50 ms in the middle of a request, every few large responses; then
    collect less often (``COLLECTOR_THRESHOLDS``)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


class BackgroundServer:
    """The app served by uvicorn in a daemon thread on an already bound socket (``url`` is final)."""

    def __init__(self, app: MockApp, sock: socket.socket, *, log_level: str | None = None, grace: int = 1) -> None:
        self.app, self.sock = app, sock
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        logging_options = {"log_config": None} if log_level is None else {"log_level": log_level}
        config = uvicorn.Config(app, access_log=False, timeout_graceful_shutdown=grace, **logging_options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]},
                                       name=f"mockserver {self.url}", daemon=True)

    def start(self, timeout: float = 30) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"mockserver did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
