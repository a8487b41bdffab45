"""Start-up checks of the serve options, before anything is printed as if the server were running.

``checked`` checks the log level and the port range and binds the host and port once, so that a port in
use, a host name that does not resolve or an address of another machine is found before the banner (and
its tokens) is printed. Each problem is one ``ConfigurationError`` line naming the option (and its
variable) and the fix.
"""

from __future__ import annotations

import dataclasses
import errno
import socket
from collections.abc import Callable

from uvicorn.config import LOG_LEVELS

from mockserver.errors import ConfigurationError
from mockserver.settings import Settings

BIND_ERRORS: dict[int, str] = {
    errno.EADDRINUSE: "port {port} on {host} is in use: stop what listens there, or choose another port with "
                      "--port or MOCKSERVER_PORT (0: any free one)",
    errno.EADDRNOTAVAIL: "{host} is not an address of this machine (--host, MOCKSERVER_HOST): use 127.0.0.1 (this "
                         "machine only) or 0.0.0.0 (every interface)",
    errno.EACCES: "port {port} on {host} needs privileges: choose a port from 1024 on (--port, MOCKSERVER_PORT)",
}
"""Messages of the ``bind`` failures a user can fix, by errno."""


def log_level(settings: Settings) -> None:
    if settings.log_level.lower() not in LOG_LEVELS:
        raise ConfigurationError(f"{settings.log_level!r} is not a log level (--log-level, MOCKSERVER_LOG_LEVEL): "
                                 f"use one of {', '.join(LOG_LEVELS)}")


def port_range(settings: Settings) -> None:
    if not 0 <= settings.port <= 65535:
        raise ConfigurationError(f"port {settings.port} is out of range (--port, MOCKSERVER_PORT): use 1–65535, "
                                 "or 0 for a free one")


CHECKS: tuple[Callable[[Settings], None], ...] = (log_level, port_range)


def options(settings: Settings) -> None:
    """``CHECKS`` on ``settings`` (``ConfigurationError`` naming the option and the fix)."""
    for check in CHECKS:
        check(settings)


def bound(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` as uvicorn binds it (0: a free port); a clear error if it cannot be."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except socket.gaierror as exc:
        sock.close()
        raise ConfigurationError(f"host {host!r} cannot be resolved ({exc.strerror}; --host, MOCKSERVER_HOST): use "
                                 "an address such as 127.0.0.1 or 0.0.0.0, or a host name this machine knows"
                                 ) from None
    except OSError as exc:
        sock.close()
        message = BIND_ERRORS.get(exc.errno or 0, "cannot listen on {host}:{port} ({reason}): check --host and "
                                                  "--port")
        raise ConfigurationError(message.format(host=host, port=port, reason=exc.strerror)) from None
    return sock


def checked(settings: Settings) -> Settings:
    """``settings`` after ``CHECKS`` and a trial bind of ``host``:``port`` as uvicorn binds it, with the port
    found free when it was 0 (uvicorn binds it again right after start-up)."""
    options(settings)
    with bound(settings.host, settings.port) as sock:
        return dataclasses.replace(settings, port=sock.getsockname()[1])
