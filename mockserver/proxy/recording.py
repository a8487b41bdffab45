"""``mockserver record``: the proxy's exchanges kept as HAR 1.2 entries (``mockserver.har``) and written to a file,
every few seconds while traffic flows (a killed recorder loses little) and once more when the proxy stops.

Credentials never reach the file: the values of credential headers (``har.CREDENTIAL_HEADERS`` and the pack's auth
header) are replaced when an entry is made, and every secret value the proxy saw in a credential header is replaced
wherever else it occurs (URLs, other headers, bodies) each time the file is written, so a token that is sent only
after the answer that carried it is redacted there too. Answers larger than the proxy's body bound are recorded cut
at the bound and marked ``_truncated``.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import httpx

from mockserver import har
from mockserver.errors import ConfigurationError
from mockserver.proxy.exchange import Exchange
from mockserver.proxy.report import Findings

WRITE_EVERY_SECONDS = 5.0
logger = logging.getLogger("mockserver.proxy")


class Recorder:
    """A listener of the proxy's ``Inspector``: one entry per exchange, in the order the answers were passed on."""

    def __init__(self, path: Path, findings: Findings, credentials: Iterable[str] = (),
                 every_seconds: float = WRITE_EVERY_SECONDS) -> None:
        self.path, self.findings, self.every_seconds = path, findings, every_seconds
        self.credentials = tuple(credentials)
        self.entries: list[har.Entry] = []
        self._lock, self._written = threading.Lock(), time.monotonic()

    def start(self) -> None:
        """Write the empty recording, so that a path that cannot be written is said before any traffic."""
        self.write()

    def __call__(self, exchange: Exchange, answer: httpx.Response | None) -> None:
        entry = self.entry(exchange, answer)
        with self._lock:
            self.entries.append(entry)
        if time.monotonic() - self._written >= self.every_seconds:
            try:
                self.write()
            except ConfigurationError as exc:  # said, and tried again at the next exchange and at the end
                logger.warning(f"mockserver record: {exc}")

    def entry(self, exchange: Exchange, answer: httpx.Response | None) -> har.Entry:
        """``exchange`` as a HAR entry, credential headers redacted (the answer's body decoded where it was read)."""
        request = har.Request(exchange.method, exchange.url, har.redacted(exchange.request_headers, self.credentials),
                              exchange.request_body)
        body = answer.content if answer is not None else exchange.body
        response = har.Response(exchange.status, har.redacted(exchange.headers, self.credentials), body,
                                truncated=answer is None and not exchange.complete)
        return har.Entry(request, response, exchange.started, exchange.seconds * 1000)

    def write(self) -> None:
        """The recording so far, every secret redacted, written atomically (``ConfigurationError`` if it cannot)."""
        with self._lock:
            entries = list(self.entries)
            self._written = time.monotonic()
        try:
            har.write(self.path, [self._redacted(entry) for entry in entries], ("mockserver", _version()))
        except OSError as exc:
            raise ConfigurationError(f"cannot write {self.path}: {exc.strerror or exc}") from exc

    def _redacted(self, entry: har.Entry) -> har.Entry:
        redact, secrets = self.findings.redact, self.findings.secret_values()

        def body(raw: bytes) -> bytes:
            for secret in secrets:
                raw = raw.replace(secret.encode("utf-8"), har.REDACTED.encode())
            return raw

        def headers(pairs: har.Headers) -> har.Headers:
            return tuple((name, redact(value)) for name, value in pairs)

        request, response = entry.request, entry.response
        return dataclasses.replace(
            entry, request=dataclasses.replace(request, url=redact(request.url), headers=headers(request.headers),
                                               body=body(request.body)),
            response=dataclasses.replace(response, headers=headers(response.headers), body=body(response.body)))


def _version() -> str:
    try:
        return importlib.metadata.version("mockserver")
    except importlib.metadata.PackageNotFoundError:
        return ""
