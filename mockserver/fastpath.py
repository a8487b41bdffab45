"""The fast path: a repeated identical read answered before routing, security and validation.

``FastPathMiddleware`` sits inside the journal, CORS, the latency and fault rules and the index page, in
front of the pack's middleware and Connexion. It keys a ``GET`` or ``HEAD`` without a body on its raw path,
query string and the request headers that can change an answer (``vary_headers``: the pack's auth header,
``Authorization``, ``Cookie``, ``Accept`` and what the pack adds). A request it has no answer for goes the
whole way; its answer is kept when a ``@cached_read`` handler gave it (``readcache.Served``), it passed
response validation (a failure is sent as a 500 instead) and it is a 200 without ``Set-Cookie``: exactly the
status, headers and body the client got. Another token, another query string or another ``Accept`` is
another key, so security still decides every first answer of a credential. Entries live in a ``ReadCache``
bound to the store's version: any write, reset, restore, import or another process's commit on a shared
``--state`` file empties it, so a token that stops being valid is never served again. ``/__admin`` never
takes this path. What the pack's middleware (inside) adds to an answer is kept with it, so it must not add
anything that changes from one request to the next.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.journal import ADMIN_PREFIX
from mockserver.readcache import SERVED, CachedResponse, ReadCache, Served

ALWAYS_VARY = ("authorization", "cookie", "accept")
"""Request headers that can change any API's answer; a pack adds its auth header and ``Pack.vary``."""

METHODS = frozenset({"GET", "HEAD"})
_BODY_HEADERS = frozenset({b"content-length", b"transfer-encoding"})


def vary_headers(auth_header: str, extra: Iterable[str] = ()) -> frozenset[bytes]:
    """The header names (lower case, as ASGI gives them) a fast-path key holds."""
    return frozenset(name.lower().encode("latin-1") for name in (*ALWAYS_VARY, auth_header, *extra))


class FastPathMiddleware:
    """Answers repeated reads from ``answers`` (see the module's docstring); learns the others' answers."""

    def __init__(self, app: ASGIApp, answers: ReadCache, vary: frozenset[bytes]) -> None:
        self.app, self.answers, self.vary = app, answers, vary

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self.key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        version = self.answers.version()
        answer = self.answers.get(key)
        if answer is not None:
            await send({"type": "http.response.start", "status": answer.status, "headers": list(answer.headers)})
            await send({"type": "http.response.body", "body": answer.body})
            return
        await self.learn(key, version, scope, receive, send)

    def key(self, scope: Scope) -> tuple[object, ...] | None:
        """(method, raw path, query, the vary headers), or None for a request this path never answers."""
        if scope["type"] != "http" or scope["method"] not in METHODS or scope["path"].startswith(ADMIN_PREFIX):
            return None
        vary = self.vary
        headers = []
        for name, value in scope["headers"]:
            if name in vary:
                headers.append((name, value))
            elif name in _BODY_HEADERS and value not in (b"0", b""):
                return None  # a read with a body: the body is not part of the key
        headers.sort()
        path = scope.get("raw_path") or scope["path"]  # as sent: a signature may cover its very bytes
        return scope["method"], scope.get("root_path", ""), path, scope.get("query_string", b""), *headers

    async def learn(self, key: tuple[object, ...], version: tuple[int, int], scope: Scope, receive: Receive,
                    send: Send) -> None:
        """Serve the request the whole way; keep its answer if a ``@cached_read`` handler gave it."""
        served = Served()
        sent: list[CachedResponse] = []
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":  # copied before the middleware outside adds its headers
                headers = tuple((bytes(name), bytes(value)) for name, value in message.get("headers", ()))
                sent.append(CachedResponse(message["status"], b"", headers))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        token = SERVED.set(served)
        try:
            await self.app(scope, receive, recording_send)
        finally:
            SERVED.reset(token)
        if len(sent) == 1 and served.version == version:
            answer = dataclasses.replace(sent[0], body=b"".join(chunks))
            if keepable(answer, served, head=scope["method"] == "HEAD"):
                self.answers.keep(key, answer, version)


def keepable(answer: CachedResponse, served: Served, *, head: bool = False) -> bool:
    """A 200 without cookies whose body is the one the ``@cached_read`` handler gave (to HEAD: that or none)."""
    if answer.status != 200 or not (answer.body == served.body or (head and not answer.body)):
        return False
    return not any(name.lower() == b"set-cookie" for name, _ in answer.headers)
