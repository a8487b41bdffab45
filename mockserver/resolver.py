"""operationId → handler: ``<module>.<function>`` in ``mockserver.handlers``, bound to one ``Api``."""

from __future__ import annotations

import asyncio
import importlib
import inspect
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
        return bind(handler_for(operation_id), self.api)


def bind(handler: Callable[..., Any], api: Api) -> Callable[..., Any]:
    """``handler`` with ``api`` as its first argument, as a plain function with a precomputed signature.

    Connexion inspects the handler's signature on every request; a ``functools.partial`` costs
    several times more to inspect than a function that carries its ``__signature__``.
    """
    signature = inspect.signature(handler)

    async def bound_async(**kwargs: Any) -> Any:
        return await handler(api, **kwargs)

    def bound_sync(**kwargs: Any) -> Any:
        return handler(api, **kwargs)

    bound: Any = bound_async if asyncio.iscoroutinefunction(handler) else bound_sync
    bound.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])
    bound.__name__ = bound.__qualname__ = getattr(handler, "__name__", "handler")
    bound.__module__ = handler.__module__
    function: Callable[..., Any] = bound
    return function
