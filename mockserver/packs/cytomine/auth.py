"""Who is asking: the ``CYTOMINE <publicKey>:<signature>`` HMAC of both client generations, or a bearer token.

``signature = base64(HMAC-SHA1(privateKey, token))`` where the token is ``METHOD``, an empty Content-MD5, the
content type and the ``date`` header joined by newlines (client 4.x); the legacy form (client 2.x/3.x, the
Spring and Grails cores) appends the path with its query as sent. The server also tries an empty content type.
The date is not checked for freshness (a 4.x signature has no path, so it is replayable within a second anyway).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
from collections.abc import Callable, Iterator, Mapping
from email.utils import formatdate
from typing import Any

from connexion.security import ApiKeySecurityHandler

from mockserver.packs.cytomine.records import User
from mockserver.store import Store


def sign(private_key: str, token: str) -> str:
    digest = hmac.new(private_key.encode(), token.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def current_token(method: str, content_type: str, date: str) -> str:
    """What client 4.x signs: the method, an empty Content-MD5, the content type and the date."""
    return f"{method}\n\n{content_type}\n{date}"


def tokens(method: str, content_type: str, date: str, path: str) -> Iterator[str]:
    """Every token a real core accepts for this request: both generations, with and without the content type."""
    for media in dict.fromkeys((content_type, "")):
        current = current_token(method, media, date)
        yield current
        yield f"{current}\n{path}"


def http_date(when: float | None = None) -> str:
    """The ``date`` header as the client writes it: ``Thu, 03 Dec 2026 07:29:15 +0000``."""
    return formatdate(when, usegmt=True).replace("GMT", "+0000")


def signer(public_key: str, private_key: str) -> Callable[[str, str, str], dict[str, str]]:
    """(method, target, content type) → the headers client 4.x signs a request with (the target is not signed)."""

    def headers(method: str, target: str, content_type: str) -> dict[str, str]:
        date = http_date()
        signature = sign(private_key, current_token(method.upper(), content_type, date))
        return {"date": date, "X-Requested-With": "XMLHTTPRequest",
                "Authorization": f"CYTOMINE {public_key}:{signature}"}

    return headers


def signed_path(scope: Mapping[str, Any]) -> str:
    """The path and query as sent (what the legacy signature covers)."""
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    query = scope.get("query_string", b"")
    text = raw.decode("latin-1")
    return f"{text}?{query.decode('latin-1')}" if query else text


def verified(user: User, signature: str, method: str, headers: Mapping[str, str], path: str) -> bool:
    date = headers.get("date", "")
    if not date:
        return False
    content_type = headers.get("content-type", "")
    return any(hmac.compare_digest(sign(user.private_key, token), signature)
               for token in tokens(method, content_type, date, path))


def authenticate(store: Store, authorization: str, method: str, headers: Mapping[str, str],
                 path: str) -> User | None:
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return store.lookup(User, "token = ?", (value.strip(),)) if value.strip() else None
    if scheme != "CYTOMINE" or ":" not in value:
        return None
    public_key, _, signature = value.strip().partition(":")
    user = store.lookup(User, "public_key = ?", (public_key,))
    return user if user is not None and verified(user, signature, method, headers, path) else None


def credentials_check(store: Store) -> Callable[..., dict[str, Any] | None]:
    """The ``Authorization`` check: a valid signature or token → ``{"sub": user id}``; None → 401."""

    def check(api_key: str, request: Any = None, **_: Any) -> dict[str, Any] | None:
        store.version()  # notice other processes' writes (--workers)
        scope = request.scope if request is not None else {}
        headers = {k.lower(): v for k, v in request.headers.items()} if request is not None else {}
        user = authenticate(store, api_key, scope.get("method", "GET"), headers, signed_path(scope))
        return {"sub": str(user.id)} if user is not None else None

    check.__signature__ = inspect.signature(check)  # type: ignore[attr-defined]
    return check


def security(store: Store) -> Mapping[str, type]:
    """The pack's ``security_map``: the one ``apiKey`` scheme on ``Authorization``."""
    check = credentials_check(store)

    class CytomineSecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return check

    return {"apiKey": CytomineSecurityHandler}
