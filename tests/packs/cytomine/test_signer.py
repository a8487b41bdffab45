"""The signer a contract run with a key pair uses (``auth.signer``): what client 4.x sends, accepted by the mock's
own verification, through both transports of a run (httpx for pre-flight, discovery and cleanup; requests for
schemathesis' cases and the follow-ups)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

import httpx
import requests
from starlette.testclient import TestClient

from mockserver.contract.signing import HttpxSigning, RequestsSigning
from mockserver.packs.cytomine.auth import signer


def client_signature(private: str, method: str, content_type: str, date: str) -> str:
    """The recipe of cytomine-python-client 4.x, written out independently of the pack."""
    token = "\n".join((method, "", content_type, date))
    return base64.b64encode(hmac.new(private.encode(), token.encode(), hashlib.sha1).digest()).decode()


def test_the_signature_is_the_one_client_4_sends() -> None:
    headers = signer("PUB", "PRIV")("post", "/api/annotation.json", "application/json")
    expected = client_signature("PRIV", "POST", "application/json", headers["date"])
    assert headers["Authorization"] == f"CYTOMINE PUB:{expected}"
    assert headers["date"].endswith(" +0000") and headers["X-Requested-With"] == "XMLHTTPRequest"


def test_httpx_requests_signed_with_a_key_pair_are_accepted(cy: TestClient,
                                                            keys: Callable[[str], tuple[str, str]]) -> None:
    auth = HttpxSigning(signer(*keys("admin")))
    for method, body in (("GET", None), ("POST", {"name": "Signed"})):
        request = httpx.Request(method, "http://testserver/api/ontology.json", json=body)
        signed = next(auth.auth_flow(request))
        response = cy.request(method, "/api/ontology.json", content=signed.content, headers=dict(signed.headers))
        assert response.status_code == 200, response.text


def test_requests_signed_with_a_key_pair_are_accepted(cy: TestClient, keys: Callable[[str], tuple[str, str]]) -> None:
    auth = RequestsSigning(signer(*keys("admin")))
    request = requests.Request("POST", "http://testserver/api/ontology.json?x=1", json={"name": "Signed too"})
    prepared = request.prepare()
    signed = auth(prepared)
    response = cy.post("/api/ontology.json?x=1", content=signed.body, headers=dict(signed.headers))
    assert response.status_code == 200, response.text


def test_a_signature_with_another_private_key_is_refused(cy: TestClient,
                                                         keys: Callable[[str], tuple[str, str]]) -> None:
    public, _ = keys("admin")
    auth = HttpxSigning(signer(public, "not-the-key"))
    request = next(auth.auth_flow(httpx.Request("GET", "http://t/api/user/current.json")))
    assert cy.get("/api/user/current.json", headers=dict(request.headers)).status_code == 401
