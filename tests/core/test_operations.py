"""Each operation builds Connexion's handler wiring once, on its first request, and keeps it."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver import Settings, create_app, operations
from mockserver.pack import Pack


def test_an_operation_builds_its_wiring_once_and_answers_every_request(echo: Pack,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    decorate = operations._Decorator.decorate

    def counted(self: Any, function: Any) -> Any:
        built.append(function.__name__)
        return decorate(self, function)

    monkeypatch.setattr(operations._Decorator, "decorate", counted)
    app = create_app(Settings(api="echo", seed=3, fast_path=False, cache_reads=False))
    key = {"X-Echo-Key": app.backend.world.token("user")}
    with app.test_client() as client:
        pages = [client.get("/echo/v1/notes", params={"limit": limit}, headers=key).json() for limit in (0, 1, 2)]
        assert [len(page) for page in pages] == [0, 1, 2]  # each request's own arguments reach the handler
        assert client.get("/echo/v1/notes", params={"limit": -1}, headers=key).status_code == 400
        assert client.get("/echo/v1/me", headers=key).status_code == 200
    assert sorted(built) == ["list_notes", "me"], built


def test_parameter_names_become_pythonic_once_each() -> None:
    assert operations._pythonic("includeTotalCount") == "include_total_count"
    assert operations._pythonic("id") == "id_" and operations._pythonic("type") == "type_"  # built-ins shadowed
    assert operations._sanitized("page[size]") == "page_size"
