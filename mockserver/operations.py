"""Connexion's per-operation handler wiring, built once per operation instead of on every request.

Connexion 3's ``AsyncApp`` builds, for every request, a new decorator chain around the handler: the
``StarletteDecorator``, the URI parser of the operation's parameters, the parameter decorator (which
inspects the handler's signature) and the response decorator; and it turns every parameter name into its
Pythonic form with a handful of regular expressions. All of that depends on the operation alone. Here an
operation builds its chain on its first request and keeps it; names are converted once each. What a handler
receives, and what the client gets, is the same.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import _receive, _scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator, pythonic, sanitized

from mockserver.arguments import ArgumentPlan, adopt_resolved


@functools.lru_cache(maxsize=4096)
def _pythonic(name: str) -> str:
    return str(pythonic(name))


@functools.lru_cache(maxsize=4096)
def _sanitized(name: str) -> str:
    return str(sanitized(name))


class _ParameterDecorator(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's parameter decorator; a request without a form body takes the operation's ``ArgumentPlan``."""

    def __init__(self, *, framework: Any, pythonic_params: bool = False) -> None:
        super().__init__(framework=framework, pythonic_params=pythonic_params)
        self.sanitize_fn = _pythonic if pythonic_params else _sanitized

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        general: Callable[..., Any] = super().__call__(function)
        plan = ArgumentPlan.of(function, self.sanitize_fn)
        if plan is None:
            return general

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            kwargs = await plan.arguments(request)
            return await general(request) if kwargs is None else await function(**kwargs)

        return wrapper


class _Decorator(StarletteDecorator):  # type: ignore[misc]
    """Builds the decorated handler and the URI parser on the operation's first request, then reuses them."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        built: tuple[Any, Callable[..., Any]] | None = None

        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            nonlocal built
            if built is None:  # the operation (a context variable) is known only inside a request
                built = (self.uri_parser, self.decorate(function))
            parser, decorated = built
            request = self.framework.get_request(uri_parser=parser, scope=_scope.get(), receive=_receive.get())
            return await decorated(adopt_resolved(request))

        return wrapper


class Operation(AsyncOperation):  # type: ignore[misc]
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _Decorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class Api(AsyncApi):  # type: ignore[misc]
    """An ``AsyncApi`` whose operations keep their handler wiring (``MockApp`` mounts every API with it)."""

    def make_operation(self, spec_operation: Any) -> Operation:
        return Operation(spec_operation.function, jsonifier=self.jsonifier, operation_id=spec_operation.operation_id,
                         pythonic_params=self.pythonic_params)

