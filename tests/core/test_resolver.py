"""resolver.py: a handler is bound to its version's context and runs on the event loop, sync or async."""

from __future__ import annotations

import asyncio
import inspect
import threading
from typing import Any

import httpx

from mockserver import resolver
from mockserver.app import create_app
from mockserver.settings import Settings


def test_a_bound_handler_takes_the_context_first_and_shows_the_rest_of_its_signature() -> None:
    def handler(api: Any, resource_id: str, limit: int = 10) -> tuple[Any, str, int]:
        return api, resource_id, limit

    bound = resolver.bind(handler, "context")
    assert list(inspect.signature(bound).parameters) == ["resource_id", "limit"]
    assert bound.__name__ == "handler"
    assert asyncio.run(bound(resource_id="7")) == ("context", "7", 10)


def test_sync_and_async_handlers_run_on_the_event_loops_thread() -> None:
    threads: list[int] = []

    def sync_handler(api: Any) -> str:
        threads.append(threading.get_ident())
        return "sync"

    async def async_handler(api: Any) -> str:
        threads.append(threading.get_ident())
        return "async"

    async def both() -> list[str]:
        threads.append(threading.get_ident())
        return [await resolver.bind(sync_handler, None)(), await resolver.bind(async_handler, None)()]

    assert asyncio.run(both()) == ["sync", "async"]
    assert len(set(threads)) == 1


def test_a_packs_sync_handlers_answer_on_the_event_loop(monkeypatch: Any) -> None:
    """The IDAH pack's handlers are plain functions: Connexion never hands them to its thread pool."""
    app = create_app(Settings(api="idah"))
    used: list[Any] = []
    monkeypatch.setattr("connexion.decorators.main.run_in_threadpool", lambda *args, **kwargs: used.append(args))

    async def request() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            token = app.backend.world.token("admin")
            return await client.get("/api/v1/dataset/projects", headers={"Authorization": token})

    answer = asyncio.run(request())
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]
    assert used == []
