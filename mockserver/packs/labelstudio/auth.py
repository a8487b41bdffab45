"""HTTP Basic auth of ``label-studio start --username U --password P`` (``serve --username/--password``).

Every route of the API asks for the credentials; what Flask answers without calling a view stays open: ``OPTIONS``,
unknown routes (404) and wrong methods (405), and the static files (which the mock does not serve). The user name
defaults to ``ls``; a Bearer token or a wrong pair is refused like a missing one.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.packs.labelstudio.errors import HTML

DEFAULT_USER = "ls"
CHALLENGE = b"Could not verify your access level for that URL.\nYou have to login with proper credentials"


class BasicAuthMiddleware:
    def __init__(self, app: ASGIApp, username: str | None, password: str,
                 allowed: list[tuple[re.Pattern[str], str]]) -> None:
        self.app, self.allowed = app, allowed
        self.expected = (username or DEFAULT_USER, password)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.routed(scope["path"], scope["method"]) or self.known(scope):
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 401,
                    "headers": [(b"content-type", HTML.encode()), (b"content-length", str(len(CHALLENGE)).encode()),
                                (b"www-authenticate", b'Basic realm="Login Required"')]})
        await send({"type": "http.response.body", "body": CHALLENGE})

    def routed(self, path: str, method: str) -> bool:
        """A route of the API that answers ``method`` (its view runs, so the credentials are checked)."""
        return any(pattern.fullmatch(path) and method in methods.split(", ") and method != "OPTIONS"
                   for pattern, methods in self.allowed)

    def known(self, scope: Scope) -> bool:
        scheme, _, encoded = Headers(scope=scope).get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            username, _, password = base64.b64decode(encoded, validate=True).decode("latin-1").partition(":")
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(username.encode(), self.expected[0].encode()) and \
            secrets.compare_digest(password.encode(), self.expected[1].encode())
