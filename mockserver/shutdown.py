"""How a foreground server ends on SIGINT or SIGTERM: cleanly, with exit status 0.

uvicorn handles both signals itself (a graceful shutdown) and then raises the captured signal again, for
the handler that was installed before it: Python's default ends the process at once on SIGTERM (no
``finally`` runs) and raises ``KeyboardInterrupt`` on SIGINT (exit status 1). ``signals_stop_the_server``
installs handlers for that second delivery that do nothing, so the code after the server runs (flush
the request log, close and checkpoint the store) and the process exits normally.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _already_handled(signum: int, frame: FrameType | None) -> None:
    """The server has shut down for this signal already; what follows it is the orderly end."""


@contextmanager
def signals_stop_the_server() -> Iterator[None]:
    """Around ``uvicorn.Server.run()``: SIGINT and SIGTERM stop the server, not the process."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {signum: signal.signal(signum, _already_handled) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
