"""security.py: a check function's signature is read once per handler, and read right."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.security import ApiKeySecurityHandler

from mockserver import security


def test_each_check_functions_signature_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[Any] = []
    real = ApiKeySecurityHandler._accepts_kwarg

    def counted(func: Any, keyword: str) -> bool:
        reads.append((func, keyword))
        return bool(real(func, keyword))

    monkeypatch.setattr(ApiKeySecurityHandler, "_accepts_kwarg", staticmethod(counted))
    handler = security.with_known_signatures({"apiKey": ApiKeySecurityHandler})["apiKey"]()

    def with_request(key: str, request: Any = None) -> None: ...
    def without(key: str) -> None: ...

    for _ in range(3):
        assert handler._accepts_kwarg(with_request, "request") is True
        assert handler._accepts_kwarg(without, "request") is False
        assert handler._accepts_kwarg(with_request, "required_scopes") is False
    assert len(reads) == 3
    assert issubclass(type(handler), ApiKeySecurityHandler)
