"""``/data/…``: the files imports stored (``/data/upload/<md5>-<name>``); local files are not served."""

from __future__ import annotations

import base64
import mimetypes

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, query_args
from mockserver.packs.labelstudio.errors import TEXTS, Crash
from mockserver.packs.labelstudio.records import StoredFile

LOCAL_FILES = ('Serving local files is not allowed. Use "allow_serving_local_files": true config option to enable '
               "local serving")


async def stored_file(ls: LabelStudio, filename: str) -> Response:
    """``send_from_directory(..., as_attachment=True)``: the type guessed from the name; a missing file is werkzeug's
    ``NotFound`` inside the exception wrapper (a 500 envelope)."""
    stored = ls.store.get(StoredFile, ls.project_id, filename)
    if stored is None:
        raise Crash(f"404 Not Found: {TEXTS[404]}", query_args(), "NotFound")
    media_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(base64.b64decode(stored.content), media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename={filename}",
                             "Cache-Control": "public, max-age=0"})


async def local_file(ls: LabelStudio, filename: str, d: str | None = None) -> Response:
    """Files of a local storage (``?d=<directory>``): refused unless the project allows serving local files."""
    raise Crash(LOCAL_FILES, query_args(), "FileNotFoundError")
