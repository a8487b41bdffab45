"""mockserver: spec-first, stateful mocks and contract checks for annotation-platform APIs, one pack per API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.settings import Settings
    from mockserver.store import Store

__all__ = ["Settings", "Store", "__version__", "create_app"]

_EXPORTS = {"create_app": "mockserver.app", "Settings": "mockserver.settings", "Store": "mockserver.store"}


def __getattr__(name: str) -> Any:
    """Import the public names on first use (so ``mockserver --help`` does not load Connexion)."""
    if name in _EXPORTS:
        from mockserver.foreign_warnings import import_quietly

        return getattr(import_quietly(_EXPORTS[name]), name)
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
