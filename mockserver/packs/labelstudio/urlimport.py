"""``POST /api/project/import`` with a form ``url=…``: the server fetches the file and reads it as an upload named by
the whole URL (its extension decides how: ``.json``, ``.csv``, ``.zip`` …; anything else is stored and becomes a
URL task), as 0.8.1's uploader does with ``urllib.request.urlopen``.

The real server waits without limit and takes any size up to 200 MB; the mock gives up after ``TIMEOUT`` seconds
and at the server's ``--max-body-bytes``. Failures are the real texts (urllib's own, so ``<urlopen error …>``).
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request

from mockserver.packs.labelstudio.uploads import Upload

TIMEOUT = 10.0
MAX_FILE_SIZE = 200 * 1024 * 1024
"""``TASKS_MAX_FILE_SIZE`` of 0.8.1."""


class FetchError(Exception):
    """The real ``ValidationError`` around the fetch: its text is the 500 envelope's detail."""


def _fetch(url: str, limit: int) -> bytes:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with urllib.request.urlopen(url, context=context, timeout=TIMEOUT) as answer:
        length = answer.info().get("Content-Length")
        if length is None:  # the real int(None), in Python 3.8's words
            raise FetchError("int() argument must be a string, a bytes-like object or a number, not 'NoneType'")
        size = int(length)
        if size >= MAX_FILE_SIZE:
            raise FetchError(f"Maximum total size of all files is {MAX_FILE_SIZE} bytes, current size is {size} "
                             "bytes")
        if size > limit:
            raise FetchError(f"{url}: {size} bytes, more than this mock reads (--max-body-bytes {limit})")
        return bytes(answer.read(size))


async def fetch(url: str, limit: int) -> list[Upload]:
    """The one upload a ``url=`` import reads; ``FetchError`` with the real text otherwise."""
    try:
        content = await asyncio.to_thread(_fetch, url, limit)
    except FetchError:
        raise
    except Exception as exc:  # the real uploader turns every failure into its ValidationError(str(exc))
        raise FetchError(str(exc)) from exc
    return [Upload(url, url, content)]
