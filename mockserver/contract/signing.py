"""Runs that sign their requests with a key pair instead of sending a token.

A pack whose API signs requests (Cytomine: ``CYTOMINE <public key>:<HMAC of the request>``) gives its contract
profile a ``signer`` factory: ``KeyPair`` → ``Signer``, the headers one request gets from its method, its target
(path and query as sent) and its content type. The run applies it to every request at the last moment, when
these are final: its httpx client (pre-flight, discovery, cleanup) through ``HttpxSigning``, and schemathesis'
cases and the checks' follow-ups through ``RequestsSigning``, registered as schemathesis' auth for the run
(so its auth checks know the credentials are the run's own, and send their probes without them).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any

import httpx
import requests.auth


@dataclasses.dataclass(frozen=True)
class KeyPair:
    """The public and private key of the user to test as (the private key never shows in a repr)."""

    public: str
    private: str = dataclasses.field(repr=False)


Signer = Callable[[str, str, str], Mapping[str, str]]
"""(method, target: path and query as sent, content type) → the headers that sign the request."""


SignerFactory = Callable[[KeyPair], Signer]
"""A pack's ``ContractProfile.signer``: the signer of the given key pair."""


class HttpxSigning(httpx.Auth):
    """Signs each request of an httpx client."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        target = request.url.raw_path.decode("ascii")
        request.headers.update(self.signer(request.method, target, request.headers.get("content-type", "")))
        yield request


class RequestsSigning(requests.auth.AuthBase):
    """Signs each request schemathesis sends (a ``requests`` auth, applied to the prepared request)."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer

    def __call__(self, request: Any) -> Any:
        content_type = request.headers.get("Content-Type") or ""
        if isinstance(content_type, bytes):
            content_type = content_type.decode("latin-1")
        request.headers.update(self.signer(str(request.method), str(request.path_url), content_type))
        return request


@contextlib.contextmanager
def registered(signer: Signer | None) -> Iterator[None]:
    """``signer`` as schemathesis' auth for the ``with`` block (nothing when None)."""
    if signer is None:
        yield
        return
    from schemathesis.auths import GLOBAL_AUTH_STORAGE

    GLOBAL_AUTH_STORAGE.set_from_requests(RequestsSigning(signer))
    try:
        yield
    finally:
        GLOBAL_AUTH_STORAGE.unregister()


def authenticate(case: Any) -> None:
    """Give a case built by hand (a follow-up) the run's auth, as schemathesis gives its generated ones."""
    from schemathesis.auths import GLOBAL_AUTH_STORAGE, AuthContext

    if GLOBAL_AUTH_STORAGE.is_defined:
        GLOBAL_AUTH_STORAGE.set(case, AuthContext(operation=case.operation, app=case.operation.app))
