"""operationId → handler: ``<module>.<function>`` in the pack's handler package, bound to the version's context."""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from typing import Any

from connexion.exceptions import ResolverError
from connexion.resolver import Resolver


def handler_for(package: str, operation_id: str) -> Callable[..., Any]:
    """The handler function an operationId names (``tasks.read_task`` → ``<package>/tasks.py``)."""
    module_name, _, function_name = operation_id.rpartition(".")
    try:
        module = importlib.import_module(f"{package}.{module_name}")
        function: Callable[..., Any] = getattr(module, function_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ResolverError(f"no handler {package}.{operation_id}: {exc}") from exc
    return function


class PackResolver(Resolver):  # type: ignore[misc]
    """Resolves every operation of one mounted version to its handler in ``package``, ``context`` bound first
    (in the manner of Connexion's ``RelativeResolver``)."""

    def __init__(self, package: str, context: Any) -> None:
        super().__init__(function_resolver=self._bound)
        self.package, self.context = package, context

    def _bound(self, operation_id: str) -> Callable[..., Any]:
        return bind(handler_for(self.package, operation_id), self.context)


def bind(handler: Callable[..., Any], api: Any) -> Callable[..., Any]:
    """``handler`` with ``api`` as its first argument, as a coroutine function with a precomputed signature.

    Connexion inspects the handler's signature on every request; a ``functools.partial`` costs
    several times more to inspect than a function that carries its ``__signature__``. A plain (sync)
    handler is called inline on the event loop, as the async ones run: Connexion would hand it to a
    worker thread and back, which costs more than most handlers (a page of 100 IDAH entries: 20 % of
    the request), and the store is used from one thread only.
    """
    signature = inspect.signature(handler)

    async def bound_async(**kwargs: Any) -> Any:
        return await handler(api, **kwargs)

    async def bound_inline(**kwargs: Any) -> Any:
        return handler(api, **kwargs)

    bound: Any = bound_async if asyncio.iscoroutinefunction(handler) else bound_inline
    bound.__signature__ = signature.replace(parameters=list(signature.parameters.values())[1:])
    bound.__name__ = bound.__qualname__ = getattr(handler, "__name__", "handler")
    bound.__module__ = handler.__module__
    function: Callable[..., Any] = bound
    return function
