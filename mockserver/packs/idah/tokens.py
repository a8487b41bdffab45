"""JSON Web Tokens as the IAM service issues them, signed here with HS256 (the mock has no ES256 key pair).

Claims: ``u`` (the account: ``id``, ``email``, ``name``), ``r`` (the global role), ``s`` (scopes: the
organisation ids), ``exp``. Only tokens signed with the mock's key are accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson

HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


SECRET = hashlib.sha256(b"mockserver idah HS256").digest()
"""The mock's signing key: the same claims give the same token in every world (tokens are deterministic)."""


def encode(claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{_b64(orjson.dumps(HEADER))}.{_b64(orjson.dumps(claims, option=orjson.OPT_SORT_KEYS))}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def decode(token: str, secret: bytes, now_s: int) -> dict[str, Any] | None:
    """The claims of a well-formed, correctly signed, unexpired HS256 token; None otherwise."""
    claims = verify(token, secret)
    return claims if claims is not None and not expired(claims, now_s) else None


def verify(token: str, secret: bytes) -> dict[str, Any] | None:
    """The claims of a well-formed, correctly signed HS256 token, expired or not; None otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = orjson.loads(_unb64(parts[0])), orjson.loads(_unb64(parts[1]))
        signature = _unb64(parts[2])
    except (ValueError, orjson.JSONDecodeError):
        return None
    expected = hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not isinstance(header, dict) or header.get("alg") != "HS256" or not hmac.compare_digest(signature, expected):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("u"), dict) or "id" not in claims["u"]:
        return None
    return claims


def expired(claims: dict[str, Any], now_s: int) -> bool:
    expiry = claims.get("exp")
    return isinstance(expiry, int) and expiry < now_s
