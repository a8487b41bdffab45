"""The IAM service's auth routes the frontend uses (``/api/v1/iam/auth/…``), minting tokens for seeded accounts.

``login`` answers the ``iam:account_auths`` document with the token in ``meta.token``; with ``cookie: true``
it also sets the ``auth-token`` cookie (one day) the frontend then sends to the Dataset service.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

from mockserver.packs.idah import records as r
from mockserver.packs.idah.api import Idah
from mockserver.packs.idah.auth import COOKIE, mint
from mockserver.packs.idah.errors import AuthenticationFailed

DAY = 86_400


def _answer(account: r.Account, token: str, exp: int, cookie: bool) -> Response:
    body = {"data": {"type": "iam:account_auths", "id": str(account.id),
                     "attributes": {"email": account.email, "name": account.name, "picture_url": None,
                                    "role_name": account.role, "role_scope": [account.organization_id],
                                    "role_rights": [], "exp": exp}},
            "meta": {"token": token}}
    response = Response(orjson.dumps(body), media_type="application/vnd.api+json")
    if cookie:
        response.set_cookie(COOKIE, token, max_age=DAY, httponly=True, samesite="lax")
    return response


def login(api: Idah, body: dict[str, Any]) -> Response:
    account = api.store.one(r.Account, "email = ?", (str(body.get("email", "")),))
    if account is None or account.password != body.get("password"):
        raise AuthenticationFailed("authentication_failed")
    exp = api.now() // 1000 + DAY
    return _answer(account, mint(account, exp), exp, bool(body.get("cookie")))


def refresh(api: Idah) -> Response:
    """A fresh token (and cookie) for the caller's token."""
    who = api.principal()
    account = api.store.get(r.Account, who.account_id)
    if account is None:
        raise AuthenticationFailed("authentication_failed")
    exp = api.now() // 1000 + DAY
    return _answer(account, mint(account, exp), exp, True)


def logout(api: Idah) -> Response:
    response = Response(b"", status_code=204)
    response.delete_cookie(COOKIE)
    return response


def healthcheck(api: Idah) -> Response:
    return Response(orjson.dumps({"status": "ok"}), media_type="application/json")
