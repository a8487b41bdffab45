"""The notes of the caller."""

from __future__ import annotations

from starlette.responses import Response

from mockserver.errors import HttpError
from mockserver.readcache import cached_read
from mockserver.responses import empty_response, json_response
from tests.packs.echo import Account, Echo, Note, new_note_id


def _owned(echo: Echo, user: str, id_: int) -> Note:
    note = echo.store.get(Note, id_)
    if note is None or note.owner != user:
        raise HttpError(f"note {id_} not found", status=404)
    return note


async def me(echo: Echo, user: str) -> Response:
    account = echo.store.get(Account, user)
    assert account is not None
    return json_response({"id": account.id, "name": account.name, "role": account.role})


@cached_read
async def list_notes(echo: Echo, user: str, limit: int | None = None) -> Response:
    notes = echo.store.select(Note, "owner = ?", (user,), order="id", limit=limit)
    return json_response([echo.shown(note) for note in notes])


async def create_note(echo: Echo, user: str, body: dict[str, str]) -> Response:
    with echo.store.transaction():
        note = Note(new_note_id(echo.store), body["text"], user)
        echo.store.insert(note)
    return json_response(echo.shown(note), status=201)


async def read_note(echo: Echo, user: str, id_: int) -> Response:
    return json_response(echo.shown(_owned(echo, user, id_)))


async def delete_note(echo: Echo, user: str, id_: int) -> Response:
    with echo.store.transaction():
        echo.store.delete(Note, "id = ?", (_owned(echo, user, id_).id,))
    return empty_response(204)
