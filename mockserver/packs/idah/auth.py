"""Who calls: the JWT of ``Authorization: Bearer`` or of the ``auth-token`` cookie, and its claims.

``security(store)`` is the pack's Connexion ``security_map`` (a bearer scheme and a cookie scheme, either
one suffices); ``principal_of`` reads the same token again in a handler.
"""

from __future__ import annotations

import dataclasses
import functools
import http.cookies
import inspect
import time
from collections.abc import Callable, Mapping
from typing import Any

from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler

from mockserver.packs.idah import records as r
from mockserver.packs.idah import tokens
from mockserver.store import Store

COOKIE = "auth-token"


@dataclasses.dataclass(frozen=True)
class Principal:
    """The caller as the token's claims name it."""

    account_id: int
    email: str
    name: str
    role: str
    """The global role (``r``): ``admin``, ``org_owner``, ``user`` …"""
    organization_ids: tuple[int, ...]

    @property
    def is_admin(self) -> bool:
        return self.role in ("admin", "system")

    def owns_organization(self, organization_id: int) -> bool:
        return self.is_admin or (self.role == "org_owner" and organization_id in self.organization_ids)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        user = claims["u"]
        scopes = claims.get("s") or {}
        organizations = scopes.get("organization_ids", []) if isinstance(scopes, dict) else []
        return cls(int(user["id"]), str(user.get("email", "")), str(user.get("name", "")),
                   str(claims.get("r", "user")), tuple(int(o) for o in organizations))


def claims_for(account_id: int, email: str, name: str, role: str, organization_id: int, exp: int) -> dict[str, Any]:
    return {"u": {"id": account_id, "email": email, "name": name}, "r": role,
            "s": {"organization_ids": [organization_id]}, "exp": exp}


def mint(account: r.Account, exp: int) -> str:
    """A signed token for an account (login, and the tokens printed at start)."""
    claims = claims_for(account.id, account.email, account.name, account.role, account.organization_id, exp)
    return tokens.encode(claims, tokens.SECRET)


def token_of(headers: Mapping[str, str]) -> str | None:
    """The bearer token, else the ``auth-token`` cookie's."""
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        return authorization[7:].strip()
    cookie = http.cookies.SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except http.cookies.CookieError:
        return None
    return cookie[COOKIE].value if COOKIE in cookie else None


def principal_of(token: str | None) -> Principal | None:
    """The caller a valid, unexpired token names (the expiry is checked on every call, the rest once per token)."""
    if not token:
        return None
    signed = _signed(token)
    if signed is None or tokens.expired(signed[1], int(time.time())):
        return None
    return signed[0]


@functools.lru_cache(maxsize=1024)
def _signed(token: str) -> tuple[Principal, dict[str, Any]] | None:
    """The principal and claims of a correctly signed token (a client sends the same token on every request)."""
    claims = tokens.verify(token, tokens.SECRET)
    if claims is None:
        return None
    try:
        return Principal.from_claims(claims), claims
    except (KeyError, TypeError, ValueError):
        return None


def security(store: Store) -> Mapping[str, type]:
    """The ``security_map``: a bearer scheme and a cookie scheme, both checking the token's signature and expiry."""

    def token_info(token: str, **_: Any) -> dict[str, Any] | None:
        principal = principal_of(token)
        return {"sub": str(principal.account_id)} if principal else None

    token_info.__signature__ = inspect.signature(token_info)  # type: ignore[attr-defined]

    class Bearer(BearerSecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return token_info

    class Cookie(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return token_info

    return {"bearer": Bearer, "apiKey": Cookie}
