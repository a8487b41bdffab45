"""Running the proxy: the options, the uvicorn server, the summary and reports (and the recording) when it stops."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import click
import uvicorn

from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.proxy.exchange import Inspector
from mockserver.proxy.forward import Proxy
from mockserver.proxy.recording import Recorder
from mockserver.proxy.report import Findings, log_to_stderr
from mockserver.proxy.spec_check import SpecCheck
from mockserver.shutdown import signals_stop_the_server


@dataclasses.dataclass(frozen=True)
class ProxyOptions:
    upstream: str
    api: str = "webknossos"
    version: str | None = None
    spec: Path | None = None
    """Another document of the version to check against (``--spec``)."""
    host: str = "127.0.0.1"
    port: int = 9100
    report_dir: Path = Path("proxy-report")
    fail_fast: bool = False
    max_body_bytes: int = 64 * 1024 * 1024
    har: Path | None = None
    """Record every exchange into this HAR file (``mockserver record``)."""


def run_proxy(options: ProxyOptions) -> int:
    """Serve until stopped; 1 when an exchange did not conform (``ConfigurationError`` for unknown packs or
    versions, a port that cannot be had, a recording that cannot be written)."""
    pack = load_pack(options.api)
    check = SpecCheck(pack, options.version, spec=options.spec)
    server: uvicorn.Server | None = None

    def stop() -> None:
        if options.fail_fast and server is not None:
            server.should_exit = True

    findings = Findings(on_first=stop)
    recorder = None
    if options.har is not None:
        recorder = Recorder(options.har, findings, [pack.auth_header] if pack.auth_header else [])
        recorder.start()
    inspector = Inspector(check, findings, options.max_body_bytes, (recorder,) if recorder else ())
    app = Proxy(options.upstream, inspector, max_body_bytes=options.max_body_bytes, auth_header=pack.auth_header)
    log_to_stderr()
    listening = _listen(options.host, options.port)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                                           server_header=False, date_header=False))
    host, port = listening.getsockname()[:2]
    name = "record" if recorder else "proxy"
    click.echo(f"mockserver {name} on http://{host}:{port}: {pack.title} {check.version} spec, forwarding to "
               f"{options.upstream}" + (f", recording to {options.har}" if options.har else ""), err=True)
    with signals_stop_the_server():  # SIGINT and SIGTERM: the summary, the reports and the recording still follow
        server.run(sockets=[listening])
    inspector.drain()  # the lifespan's shutdown did; again for a server that stopped before it
    for line in findings.summary():
        click.echo(line)
    for path in findings.write(options.report_dir):
        click.echo(f"report: {path}")
    if recorder is not None:
        recorder.write()
        click.echo(f"recorded: {len(recorder.entries)} exchanges in {options.har}")
    return findings.exit_code


def _listen(host: str, port: int) -> socket.socket:
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(128)  # connections wait in the backlog until the server accepts them
    except OSError as exc:
        listening.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return listening
