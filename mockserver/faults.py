"""Latency and faults per route pattern, switched on and off at run time (``/__admin/rules``).

A ``Rule`` pairs a ``RoutePattern`` with an effect from ``EFFECTS`` (latency, status, reset, drop,
timeout, truncate) and a selection (``nth`` matching request only, ``every`` n-th, at most ``times``).
``FaultMiddleware`` applies the enabled rules in the order they were added; with no enabled rule it
is one attribute read per request. Connection-level faults reach the socket through the ASGI
server's ``receive`` (uvicorn); in-process clients (no socket) get a ``ConnectionResetError``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import random
import socket
import struct
import threading
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.errors import ConfigurationError
from mockserver.journal import ADMIN_PREFIX, current_request
from mockserver.pack import ErrorFormat
from mockserver.patterns import RoutePattern
from mockserver.responses import send_response

FAULT_TEXT = "Injected fault (mockserver)"
"""The error text of a ``status`` rule without a body (written in the API's own error format)."""


@dataclasses.dataclass(frozen=True)
class Call:
    """The request a rule acts on."""

    app: ASGIApp
    scope: Scope
    receive: Receive
    send: Send
    errors: ErrorFormat | None = None
    """The error format of the API the request is for."""


class Effect(Protocol):
    kind: ClassVar[str]
    keys: ClassVar[frozenset[str]]

    def to_json(self) -> dict[str, Any]: ...

    async def apply(self, call: Call) -> bool:
        """Act on the request; True when it was answered (or refused) and must not reach the app."""
        ...


def _number(params: Mapping[str, Any], key: str, default: float | None = None, *, minimum: float = 0) -> float:
    value = params.get(key, default)
    if value is None:
        raise ConfigurationError(f"{key} is required")
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise ConfigurationError(f"{key} must be a number >= {minimum}, got {value!r}")
    return float(value)


class Connection:
    """The client connection behind an ASGI ``receive`` (uvicorn's request cycle), if there is one."""

    def __init__(self, receive: Receive) -> None:
        self.cycle = getattr(receive, "__self__", None)
        self.transport: asyncio.Transport | None = getattr(self.cycle, "transport", None)

    async def close(self, *, reset: bool, fault: str) -> None:
        """Close without (the rest of) a response: RST when ``reset``, else FIN."""
        if self.transport is None:
            raise ConnectionResetError(f"mockserver fault {fault!r}: connection closed (in-process, no socket)")
        pending = current_request()
        if pending is not None:
            pending.finish()
        sock = self.transport.get_extra_info("socket")
        if reset and sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()
        for _ in range(200):  # let the server see the disconnect, so it does not answer or log an error
            if getattr(self.cycle, "disconnected", True):
                return
            await asyncio.sleep(0.005)


class _LocalTransport:
    """Stands in for a socket in process: closing it marks the request as cut off."""

    def __init__(self, cycle: _LocalCycle) -> None:
        self.cycle = cycle

    def get_extra_info(self, name: str) -> Any:
        return None

    def abort(self) -> None:
        self.cycle.disconnected = True


class _LocalCycle:
    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.transport = _LocalTransport(self)
        self.disconnected = False

    async def receive(self) -> Message:
        return await self._receive()


class InProcess:
    """Wraps an app for in-process clients (httpx ``ASGITransport``, starlette ``TestClient``): a
    connection fault (reset, drop, timeout, truncate) raises ``ConnectionResetError`` in the client,
    as a closed socket would make a network client fail."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cycle = _LocalCycle(receive)
        await self.app(scope, cycle.receive, send)
        if cycle.disconnected:
            raise ConnectionResetError(f"mockserver fault: connection closed ({scope['method']} {scope['path']})")


@dataclasses.dataclass(frozen=True)
class Latency:
    """Wait ``delayMs``, or a seeded-random time in ``[minMs, maxMs]``, then let the request through."""

    kind: ClassVar[str] = "latency"
    keys: ClassVar[frozenset[str]] = frozenset({"delayMs", "minMs", "maxMs", "seed"})
    delay_ms: float | None
    min_ms: float
    max_ms: float
    rng: random.Random = dataclasses.field(compare=False, repr=False)
    seed: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> Latency:
        seed = str(params.get("seed", seed))
        if "delayMs" in params:
            delay = _number(params, "delayMs")
            return cls(delay, delay, delay, random.Random(seed), seed)
        low, high = _number(params, "minMs"), _number(params, "maxMs")
        if high < low:
            raise ConfigurationError("maxMs must be >= minMs")
        return cls(None, low, high, random.Random(seed), seed)

    def to_json(self) -> dict[str, Any]:
        if self.delay_ms is not None:
            return {"delayMs": self.delay_ms}
        return {"minMs": self.min_ms, "maxMs": self.max_ms, "seed": self.seed}

    async def apply(self, call: Call) -> bool:
        delay = self.delay_ms if self.delay_ms is not None else self.rng.uniform(self.min_ms, self.max_ms)
        await asyncio.sleep(delay / 1000)
        return False


@dataclasses.dataclass(frozen=True)
class StatusFault:
    """Answer with ``status`` and ``body`` (JSON; a string is sent as text; none: the API's own error
    format with ``FAULT_TEXT``) instead of the app."""

    kind: ClassVar[str] = "status"
    keys: ClassVar[frozenset[str]] = frozenset({"status", "body"})
    status: int
    body: Any

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> StatusFault:
        status = int(_number(params, "status", 500, minimum=100))
        if status > 599:
            raise ConfigurationError(f"status must be a HTTP status code, got {status}")
        return cls(status, params.get("body"))

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "body": self.body}

    async def apply(self, call: Call) -> bool:
        await send_response(call.send, self.status, *self.rendered(call.errors))
        return True


    def rendered(self, errors: ErrorFormat | None) -> tuple[bytes, str, dict[str, str]]:
        if self.body is None and errors is not None:
            return errors.render(self.status, FAULT_TEXT)
        if self.body is None or isinstance(self.body, str):
            return (self.body or FAULT_TEXT).encode(), "text/plain; charset=utf-8", {}
        return orjson.dumps(self.body), "application/json", {}


@dataclasses.dataclass(frozen=True)
class ResetFault:
    """Reset the connection (TCP RST) before any response byte."""

    kind: ClassVar[str] = "reset"
    keys: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> ResetFault:
        return cls()

    def to_json(self) -> dict[str, Any]:
        return {}

    async def apply(self, call: Call) -> bool:
        await Connection(call.receive).close(reset=True, fault=self.kind)
        return True


@dataclasses.dataclass(frozen=True)
class DropFault:
    """Close the connection (FIN) without answering."""

    kind: ClassVar[str] = "drop"
    keys: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> DropFault:
        return cls()

    def to_json(self) -> dict[str, Any]:
        return {}

    async def apply(self, call: Call) -> bool:
        await Connection(call.receive).close(reset=False, fault=self.kind)
        return True


@dataclasses.dataclass(frozen=True)
class TimeoutFault:
    """Never answer: hold the request until the client gives up (at most ``seconds``), then close."""

    kind: ClassVar[str] = "timeout"
    keys: ClassVar[frozenset[str]] = frozenset({"seconds"})
    seconds: float

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> TimeoutFault:
        return cls(_number(params, "seconds", 30.0))

    def to_json(self) -> dict[str, Any]:
        return {"seconds": self.seconds}

    async def apply(self, call: Call) -> bool:
        async def until_disconnect() -> None:
            while (await call.receive())["type"] != "http.disconnect":
                pass

        try:
            await asyncio.wait_for(until_disconnect(), self.seconds)
        except TimeoutError:
            await Connection(call.receive).close(reset=False, fault=self.kind)
        return True


@dataclasses.dataclass(frozen=True)
class TruncateFault:
    """Send the app's status and headers but only the first ``keepBytes`` (default: half) of the body."""

    kind: ClassVar[str] = "truncate"
    keys: ClassVar[frozenset[str]] = frozenset({"keepBytes"})
    keep_bytes: int | None

    @classmethod
    def from_params(cls, params: Mapping[str, Any], seed: str) -> TruncateFault:
        keep = params.get("keepBytes")
        return cls(None if keep is None else int(_number(params, "keepBytes")))

    def to_json(self) -> dict[str, Any]:
        return {"keepBytes": self.keep_bytes}

    async def apply(self, call: Call) -> bool:
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await call.app(call.scope, call.receive, capture)
        body = b"".join(chunks)
        keep = len(body) // 2 if self.keep_bytes is None else min(self.keep_bytes, max(len(body) - 1, 0))
        await call.send(start)
        await call.send({"type": "http.response.body", "body": body[:keep], "more_body": True})
        await Connection(call.receive).close(reset=False, fault=self.kind)
        return True


EFFECTS: dict[str, Any] = {effect.kind: effect for effect in
                           (Latency, StatusFault, ResetFault, DropFault, TimeoutFault, TruncateFault)}
"""kind → effect class (``from_params(params, seed)``)."""

SELECTION_KEYS = frozenset({"kind", "method", "path", "enabled", "nth", "every", "times"})


@dataclasses.dataclass
class Rule:
    """An effect on the requests matching ``route``, selected by ``nth`` / ``every`` / ``times``."""

    id: str
    route: RoutePattern
    effect: Effect
    enabled: bool = True
    nth: int | None = None
    every: int = 1
    times: int | None = None
    matched: int = 0
    applied: int = 0

    def select(self) -> bool:
        """Count a matching request; True when this one gets the effect."""
        self.matched += 1
        chosen = self.matched == self.nth if self.nth is not None else self.matched % self.every == 0
        if not chosen or (self.times is not None and self.applied >= self.times):
            return False
        self.applied += 1
        return True

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.effect.kind, "method": self.route.method or "*",
                "path": self.route.path, "enabled": self.enabled, "nth": self.nth, "every": self.every,
                "times": self.times, "matched": self.matched, "applied": self.applied, **self.effect.to_json()}


def _count(params: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = params.get(key, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ConfigurationError(f"{key} must be a positive integer, got {value!r}")
    return value


class RuleSet:
    """The rules of one server; ``active`` is an immutable tuple swapped on every change."""

    def __init__(self, seed: int = 1) -> None:
        self.seed = seed
        self._rules: dict[str, Rule] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.active: tuple[Rule, ...] = ()

    def add(self, params: Mapping[str, Any]) -> Rule:
        """A new rule from the admin API's JSON (``{"kind": "latency", "path": "/api/**", "delayMs": 200}``)."""
        kind = params.get("kind")
        if kind not in EFFECTS:
            raise ConfigurationError(f"unknown rule kind {kind!r} (known: {', '.join(sorted(EFFECTS))})")
        unknown = set(params) - SELECTION_KEYS - EFFECTS[kind].keys
        if unknown:
            raise ConfigurationError(f"unknown key(s) for a {kind} rule: {', '.join(sorted(unknown))}")
        route = RoutePattern.of(params.get("method"), params.get("path"))
        with self._lock:
            rule_id = f"r{next(self._ids)}"
            effect = EFFECTS[kind].from_params(params, f"{self.seed}:{route.method}:{route.path}")
            rule = Rule(rule_id, route, effect, bool(params.get("enabled", True)), _count(params, "nth", None),
                        _count(params, "every", 1) or 1, _count(params, "times", None))
            self._rules[rule_id] = rule
            self._refresh()
        return rule

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def all(self) -> list[Rule]:
        return list(self._rules.values())

    def set_enabled(self, rule_id: str, enabled: bool) -> Rule | None:
        with self._lock:
            rule = self._rules.get(rule_id)
            if rule is not None:
                rule.enabled = enabled
                self._refresh()
        return rule

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            found = self._rules.pop(rule_id, None) is not None
            self._refresh()
        return found

    def clear(self) -> None:
        """Remove every rule; ids start again at ``r1``."""
        with self._lock:
            self._rules.clear()
            self._ids = itertools.count(1)
            self._refresh()

    def _refresh(self) -> None:
        self.active = tuple(rule for rule in self._rules.values() if rule.enabled)


class FaultMiddleware:
    """Applies the enabled rules of ``rules`` to requests outside ``/__admin``."""

    def __init__(self, app: ASGIApp, rules: RuleSet, errors: ErrorFormat | None = None) -> None:
        self.app, self.rules, self.errors = app, rules, errors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        active = self.rules.active
        if not active or scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        call = Call(self.app, scope, receive, send, self.errors)
        for rule in active:
            if rule.route.matches(scope["method"], scope["path"]) and rule.select():
                pending = current_request()
                if pending is not None:
                    pending.fault = rule.effect.kind if pending.fault is None else f"{pending.fault}+{rule.effect.kind}"
                if await rule.effect.apply(call):
                    return
        await self.app(scope, receive, send)
