"""Files sent to the import routes: an ASGI middleware keeps the multipart parts with their field names.

Label Studio 0.8.1 reads ``request.files`` by **field name** (the web UI names each field after its file), which
Connexion's arguments cannot carry (it makes field names Python names). The middleware parses the body once,
puts ``[Upload(field, filename, content)]`` into the scope under ``UPLOADS`` and replays the body.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncGenerator

from starlette.datastructures import Headers, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.packs.labelstudio.middleware import read_body, replayed

UPLOADS = "labelstudio.uploads"
IMPORT_ROUTES = re.compile(r"/api/project/import/?|/api/import/?")


@dataclasses.dataclass(frozen=True)
class Upload:
    field: str
    """The multipart field name: what the real server takes as the file name."""
    filename: str
    content: bytes


class UploadsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else Headers()
        if (scope["type"] != "http" or scope["method"] != "POST" or not IMPORT_ROUTES.fullmatch(scope["path"])
                or not headers.get("content-type", "").lower().startswith("multipart/form-data")):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive) or b""
        uploads = await _parts(headers, body)
        if uploads is None:  # werkzeug reads a malformed multipart body as an empty form: so do the handlers
            scope = {**scope, "headers": [*(h for h in scope["headers"] if h[0] not in (b"content-type",
                                                                                       b"content-length")),
                                          (b"content-type", b"multipart/form-data; boundary=empty"),
                                          (b"content-length", str(len(EMPTY_FORM)).encode())]}
            uploads, body = [], EMPTY_FORM
        await self.app({**scope, UPLOADS: uploads}, replayed(body), send)


EMPTY_FORM = b"--empty--\r\n"
"""A multipart body without parts (boundary ``empty``)."""


async def _parts(headers: Headers, body: bytes) -> list[Upload] | None:
    """The files of the body, or None when it is no multipart body."""
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body
        yield b""

    try:
        form = await MultiPartParser(headers, stream(), max_part_size=len(body) + 1).parse()
    except Exception:
        return None
    found: dict[str, Upload] = {}
    for field, value in form.multi_items():
        if isinstance(value, UploadFile) and field not in found:  # werkzeug's MultiDict.items(): the first
            found[field] = Upload(field, value.filename or "", await value.read())
    await form.close()
    return list(found.values())
