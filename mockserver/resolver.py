"""operationId → handler: ``<module>.<function>`` in ``mockserver.handlers``, bound to one ``Api``."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

from connexion.exceptions import ResolverError
from connexion.resolver import Resolver

from mockserver.api import Api

HANDLER_PACKAGE = "mockserver.handlers"


def handler_for(operation_id: str) -> Callable[..., Any]:
    """The handler function an operationId names (``tasks.read_task`` → ``handlers/tasks.py``)."""
    module_name, _, function_name = operation_id.rpartition(".")
    try:
        module = importlib.import_module(f"{HANDLER_PACKAGE}.{module_name}")
        function: Callable[..., Any] = getattr(module, function_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ResolverError(f"no handler {HANDLER_PACKAGE}.{operation_id}: {exc}") from exc
    return function


class VersionResolver(Resolver):  # type: ignore[misc]
    """Resolves every operation of one mounted API version to its handler with that version's ``Api`` bound."""

    def __init__(self, api: Api) -> None:
        super().__init__(function_resolver=self._bound)
        self.api = api

    def _bound(self, operation_id: str) -> Callable[..., Any]:
        return functools.partial(handler_for(operation_id), self.api)
