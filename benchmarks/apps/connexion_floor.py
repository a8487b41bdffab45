"""The "Connexion floor": a minimal Connexion 3 ``AsyncApp`` with the mock's ``GET /api/v5/users``
operation (the same query parameters, ``apiKey`` security on ``X-Auth-Token``, request validation),
whose handler returns constant bytes; no response validation. What the framework alone costs.

``BENCH_BODY_FILE`` names the body, ``BENCH_TOKEN`` the one token that is accepted.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.resolver import Resolver
from connexion.security import ApiKeySecurityHandler
from starlette.responses import Response

BOOLEAN_FILTERS = ("isEditable", "isTeamManagerOrAdmin", "isAdmin")


def spec() -> dict[str, Any]:
    parameters = [{"name": name, "in": "query", "required": False, "schema": {"type": "boolean"}}
                  for name in BOOLEAN_FILTERS]
    ok = {"description": "The users.", "content": {"application/json": {"schema": {"type": "array"}}}}
    unauthorized = {"description": "No or an invalid token.", "content": {"text/plain": {"schema": {"type": "string"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Connexion floor", "version": "1"},
        "security": [{"token": []}],
        "components": {"securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "X-Auth-Token"}}},
        "paths": {"/users": {"get": {"operationId": "list_users", "parameters": parameters,
                                     "responses": {"200": ok, "401": unauthorized}}}},
    }


def security_handler_class(token: str) -> type[ApiKeySecurityHandler]:
    def lookup(api_key: str, **_: Any) -> dict[str, Any] | None:
        return {"sub": "user"} if api_key == token else None

    class ConstantTokenSecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return lookup

    return ConstantTokenSecurityHandler


def create_app() -> AsyncApp:
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()

    async def list_users(**_: Any) -> Response:
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-cache"})

    app = AsyncApp(__name__, pythonic_params=True,
                   security_map={"apiKey": security_handler_class(os.environ["BENCH_TOKEN"])})
    app.add_api(spec(), base_path="/api/v5", resolver=Resolver(lambda _operation_id: list_users),
                validate_responses=False, strict_validation=False)
    return app
