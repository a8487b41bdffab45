"""Responses of pure reads, kept until the world changes.

A handler decorated with ``@cached_read`` answers a repeated request (same version, same requester,
same parameters and body) with the bytes it built the first time, for as long as the store has not
changed: any write, reset, restore or import in this process, or a commit by another process on a
shared ``--state`` file, empties the cache (``Store.version()``). Only handlers that read nothing
but the store (no clock, no randomness) and write nothing may be decorated; a build during which
the store changed is not kept.

The cached body still passes response validation on every request; the validator remembers the
bodies it has accepted (``response_validation.ValidatorCache``), so a repeated body costs a lookup there too.

Each answer a decorated handler gives from this cache, or keeps in it, is noted in the ``Served`` of the
request (``SERVED``, set by the fast path, ``fastpath.py``): that answer, and only that one, may be given
again before routing and validation. The fast path keys on the credentials, not on the user they name,
so a pack's security check, like the handler, must depend on nothing but the store and the request.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, overload

import orjson
from starlette.responses import Response

if TYPE_CHECKING:
    from mockserver.store import Store

Handler = Callable[..., Awaitable[Response]]


@dataclasses.dataclass(frozen=True)
class CachedResponse:
    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    def response(self) -> Response:
        response = Response(status_code=self.status)
        response.body = self.body
        response.raw_headers = list(self.headers)
        return response


@dataclasses.dataclass(slots=True)
class Served:
    """What a ``@cached_read`` handler answered to the request in flight: its body and the store version it is
    valid at (None: no such handler answered, or its answer was not cacheable)."""

    version: tuple[int, int] | None = None
    body: bytes | None = None


SERVED: contextvars.ContextVar[Served | None] = contextvars.ContextVar("mockserver_served", default=None)
"""Set by the fast path around a request it may keep the answer of."""


def _note(version: tuple[int, int], body: bytes) -> None:
    served = SERVED.get()
    if served is not None:
        served.version, served.body = version, body


class ReadCache:
    """Up to ``max_entries`` responses, ``max_bytes`` of bodies in all, least recently used out first."""

    def __init__(self, store: Store, *, enabled: bool = True, max_entries: int = 4096,
                 max_bytes: int = 64 * 1024 * 1024) -> None:
        self.store, self.enabled = store, enabled
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Any, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._version: tuple[int, int] | None = None
        self.hits = self.misses = 0

    def get(self, key: Any) -> CachedResponse | None:
        """The response kept under ``key``; call ``version()`` first (it empties a stale cache)."""
        found = self._entries.get(key)
        if found is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return found

    def put(self, key: Any, response: Response, built_at: tuple[int, int]) -> bool:
        """Keep a 200 response built while the store was at ``built_at`` (if it still is); whether it was kept."""
        body = getattr(response, "body", None)
        if response.status_code != 200 or not isinstance(body, bytes):
            return False
        return self.keep(key, CachedResponse(response.status_code, body, tuple(response.raw_headers)), built_at)

    def keep(self, key: Any, answer: CachedResponse, built_at: tuple[int, int]) -> bool:
        """Keep ``answer`` built while the store was at ``built_at`` (if it still is and it is not too big)."""
        if len(answer.body) > self.max_bytes // 4:
            return False
        if self.store.version() != built_at or self._version != built_at:
            return False
        previous = self._entries.pop(key, None)
        self._bytes -= len(previous.body) if previous else 0
        self._entries[key] = answer
        self._bytes += len(answer.body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)
        return True

    def version(self) -> tuple[int, int]:
        """The store's version now; the cache is emptied if it differs from that of its entries."""
        version = self.store.version()
        if version != self._version:
            self._entries.clear()
            self._bytes = 0
            self._version = version
        return version


@overload
def cached_read(handler: Handler, *, unless: None = None) -> Handler: ...


@overload
def cached_read(handler: None = None, *, unless: Callable[[dict[str, Any]], bool]) -> Callable[[Handler], Handler]: ...


def cached_read(handler: Handler | None = None, *, unless: Callable[[dict[str, Any]], bool] | None = None
                ) -> Handler | Callable[[Handler], Handler]:
    """Serve ``handler``'s 200 responses from the ``ReadCache`` of its backend while the world is unchanged.

    ``unless(kwargs)`` true: build this request anew (for example a request for a random sample).
    """
    if handler is None:
        return functools.partial(_cached, unless=unless)
    return _cached(handler, unless)


def _cached(build: Handler, unless: Callable[[dict[str, Any]], bool] | None = None) -> Handler:
    @functools.wraps(build)
    async def cached(api: Any, **kwargs: Any) -> Response:
        cache: ReadCache = api.backend.reads
        skip = not cache.enabled or (unless is not None and unless(kwargs))
        key = None if skip else request_key(api, build, kwargs)
        if key is None:
            return await build(api, **kwargs)
        built_at = cache.version()
        hit = cache.get(key)
        if hit is not None:
            _note(built_at, hit.body)
            return hit.response()
        response = await build(api, **kwargs)
        if cache.put(key, response, built_at):
            _note(built_at, bytes(response.body))
        return response

    return cached


def request_key(api: Any, handler: Handler, kwargs: dict[str, Any]) -> tuple[Any, ...] | None:
    """(handler context, handler, arguments as canonical JSON), or None for arguments JSON cannot hold (files).

    ``api`` is the handler's bound context (one per mounted version, living as long as the app), so
    versions never share entries. Its ``backend.reads`` is the cache.
    """
    try:
        arguments = orjson.dumps(kwargs, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return (id(api), handler.__module__, handler.__name__, arguments)
