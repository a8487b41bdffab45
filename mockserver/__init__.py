"""mockserver: a spec-first, stateful mock and contract checker for the WEBKNOSSOS REST API."""

from __future__ import annotations

__version__ = "0.1.0"

from mockserver.app import create_app
from mockserver.settings import Settings
from mockserver.store import Store

__all__ = ["Settings", "Store", "__version__", "create_app"]
