"""Recorded traffic as HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): ``Entry`` (one exchange),
``write`` and ``read``.

Bodies are kept as bytes: a body that is UTF-8 text is written as ``text``, any other as base64 (``encoding:
"base64"`` in a response's ``content``, as HAR 1.2 has it; ``_encoding: "base64"`` in a request's ``postData``,
which HAR 1.2 leaves without one). A body cut at the recorder's size bound says so with ``_truncated: true``.
Credentials are never written: the recorder replaces them with ``REDACTED`` before an entry exists
(``redacted``), and a replay puts the caller's own back in their place.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mockserver.errors import ConfigurationError

REDACTED = "[redacted]"
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-auth-token", "x-admin-key",
                                "proxy-authorization"})
"""Headers whose values are credentials in every API; a pack adds its own token header."""

Headers = tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class Request:
    method: str
    url: str
    """The full URL as sent (scheme, host, path, query)."""
    headers: Headers = ()
    body: bytes = b""
    truncated: bool = False

    @property
    def target(self) -> str:
        """Path and query, to send the same request to another base URL."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


@dataclasses.dataclass(frozen=True)
class Response:
    status: int
    headers: Headers = ()
    body: bytes = b""
    truncated: bool = False

    def header(self, name: str) -> str | None:
        return _header(self.headers, name)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One exchange: what was asked, what was answered, when, how long it took (ms), and a free comment (a step's
    name)."""

    request: Request
    response: Response
    started: datetime.datetime = dataclasses.field(
        default_factory=lambda: datetime.datetime.now(datetime.UTC))
    time_ms: float = 0.0
    comment: str = ""


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def redacted(headers: Iterable[tuple[str, str]], credentials: Iterable[str] = ()) -> Headers:
    """``headers`` with the values of credential headers (``CREDENTIAL_HEADERS`` and ``credentials``) replaced."""
    hidden = CREDENTIAL_HEADERS | {name.lower() for name in credentials}
    return tuple((name, REDACTED if name.lower() in hidden else value) for name, value in headers)


def write(path: Path, entries: Sequence[Entry], creator: tuple[str, str] = ("mockserver", "")) -> None:
    """Write ``entries`` as a HAR 1.2 file (to a temporary file first, so that a reader never sees half of it);
    ``creator``: the writer's name and version."""
    document = {"log": {"version": "1.2", "creator": {"name": creator[0], "version": creator[1]},
                        "entries": [_entry(entry) for entry in entries]}}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def read(path: Path) -> list[Entry]:
    """The entries of a HAR file (any HAR 1.2 writer's; ``ConfigurationError`` naming what is wrong)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"{path} is not a HAR file (not JSON: {exc})") from exc
    log = document.get("log") if isinstance(document, dict) else None
    raw = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(raw, list):
        raise ConfigurationError(f"{path} is not a HAR file (no log.entries list)")
    entries = []
    for number, item in enumerate(raw, 1):
        try:
            entries.append(_parse(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigurationError(f"{path}: entry {number} is not a HAR entry ({type(exc).__name__}: {exc})"
                                     ) from exc
    return entries


def _entry(entry: Entry) -> dict[str, Any]:
    request, response = entry.request, entry.response
    post: dict[str, Any] = {}
    if request.body or request.method not in ("GET", "HEAD", "DELETE", "OPTIONS"):
        text, encoding = _text(request.body)
        post = {"postData": {"mimeType": request.header("content-type") or "", "text": text,
                             **({"_encoding": encoding} if encoding else {}),
                             **({"_truncated": True} if request.truncated else {})}}
    text, encoding = _text(response.body)
    location = response.header("location") or ""
    return {
        "startedDateTime": entry.started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "time": round(entry.time_ms, 3),
        "request": {"method": request.method, "url": request.url, "httpVersion": "HTTP/1.1", "cookies": [],
                    "headers": _pairs(request.headers),
                    "queryString": [{"name": k, "value": v}
                                    for k, v in parse_qsl(urlsplit(request.url).query, keep_blank_values=True)],
                    **post, "headersSize": -1, "bodySize": len(request.body)},
        "response": {"status": response.status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                     "headers": _pairs(response.headers),
                     "content": {"size": len(response.body), "mimeType": response.header("content-type") or "",
                                 "text": text, **({"encoding": encoding} if encoding else {}),
                                 **({"_truncated": True} if response.truncated else {})},
                     "redirectURL": location, "headersSize": -1, "bodySize": len(response.body)},
        "cache": {}, "timings": {"send": 0, "wait": round(entry.time_ms, 3), "receive": 0},
        **({"comment": entry.comment} if entry.comment else {}),
    }


def _pairs(headers: Headers) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in headers]


def _text(body: bytes) -> tuple[str, str]:
    """The body as HAR text: UTF-8 as it is, anything else base64 (second item ``"base64"``)."""
    try:
        return body.decode("utf-8"), ""
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _body(text: Any, encoding: Any) -> bytes:
    if not text:
        return b""
    if encoding == "base64":
        return base64.b64decode(str(text), validate=True)
    return str(text).encode("utf-8")


def _headers(raw: Any) -> Headers:
    return tuple((str(item["name"]), str(item["value"])) for item in raw or [])


def _parse(item: dict[str, Any]) -> Entry:
    request, response = item["request"], item["response"]
    post = request.get("postData") or {}
    content = response.get("content") or {}
    started = item.get("startedDateTime")
    return Entry(
        request=Request(str(request["method"]).upper(), str(request["url"]), _headers(request.get("headers")),
                        _body(post.get("text"), post.get("_encoding") or post.get("encoding")),
                        bool(post.get("_truncated"))),
        response=Response(int(response["status"]), _headers(response.get("headers")),
                          _body(content.get("text"), content.get("encoding")), bool(content.get("_truncated"))),
        started=(datetime.datetime.fromisoformat(started.replace("Z", "+00:00")) if started
                 else datetime.datetime.now(datetime.UTC)),
        time_ms=float(item.get("time") or 0.0),
        comment=str(item.get("comment") or ""),
    )
