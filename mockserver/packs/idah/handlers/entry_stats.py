"""``/entry_stats``: read-only statistics per entry the caller sees (derived on every read)."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.packs.idah import crud
from mockserver.packs.idah.api import Idah

NAME = "entry_stats"


def index(api: Idah) -> Response:
    return crud.index(api, NAME)


def show(api: Idah, resource_id: str) -> Response:
    return crud.show(api, NAME, resource_id)
