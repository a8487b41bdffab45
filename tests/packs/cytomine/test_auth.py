"""HMAC signatures of both client generations, bearer tokens, and what is refused (401 in Cytomine's form)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from tests.packs.cytomine.conftest import Headers, signature_headers

UNAUTHORIZED = {"errors": {"message": "Full authentication is required to access this resource"}}


def test_ping_is_anonymous(cy: TestClient) -> None:
    """Client 3.x signs ping over a garbage path: ping must not need a signature."""
    response = cy.get("/server/ping", headers={"authorization": "CYTOMINE nobody:garbage"})
    assert response.status_code == 200 and response.json()["alive"] is True


@pytest.mark.parametrize("legacy", [False, True], ids=["client-4", "client-3"])
def test_both_signature_generations_are_accepted(cy: TestClient, signed: Headers, legacy: bool) -> None:
    path = "/api/project.json?max=0&offset=0"
    response = cy.get(path, headers=signed("user", "GET", path, legacy=legacy))
    assert response.status_code == 200 and response.json()["size"] == 1


def test_a_legacy_signature_covers_the_query(cy: TestClient, signed: Headers) -> None:
    headers = signed("user", "GET", "/api/project.json?max=0&offset=0", legacy=True)
    assert cy.get("/api/project.json?max=1&offset=0", headers=headers).json() == UNAUTHORIZED


def test_the_signature_covers_method_and_content_type(cy: TestClient, signed: Headers) -> None:
    body = {"name": "Signed"}
    ok = signed("admin", "POST", "/api/ontology.json", content_type="application/json")
    assert cy.post("/api/ontology.json", json=body, headers=ok).status_code == 200
    as_get = signed("admin", "GET", "/api/ontology.json", content_type="application/json")
    assert cy.post("/api/ontology.json", json={"name": "Other"}, headers=as_get).status_code == 401


def test_a_signature_without_the_content_type_is_accepted(cy: TestClient,
                                                         keys: Callable[[str], tuple[str, str]]) -> None:
    """The Java client sends no content type in its token; the server tries an empty one too."""
    headers = signature_headers(*keys("admin"), "DELETE", "/api/ontology/1.json")
    headers["content-type"] = "application/json"
    assert cy.delete("/api/ontology/1.json", headers=headers).status_code == 404  # authenticated, unknown id


def test_a_wrong_private_key_is_401(cy: TestClient, keys: Callable[[str], tuple[str, str]]) -> None:
    public, _ = keys("user")
    response = cy.get("/api/user/current.json", headers=signature_headers(public, "wrong", "GET", "x"))
    assert response.status_code == 401 and response.json() == UNAUTHORIZED


@pytest.mark.parametrize("authorization", ["", "CYTOMINE", "CYTOMINE abc", "CYTOMINE :", "Basic YTpi", "Bearer ",
                                           "Bearer nope", "CYTOMINE unknown:c2ln"])
def test_malformed_or_unknown_credentials_are_401(cy: TestClient, authorization: str) -> None:
    response = cy.get("/api/user/current.json", headers={"authorization": authorization, "date": "x"})
    assert response.status_code == 401 and response.json() == UNAUTHORIZED


def test_a_signature_without_date_is_401(cy: TestClient, signed: Headers) -> None:
    headers = signed("user", "GET", "/api/user/current.json")
    headers["date"] = ""
    assert cy.get("/api/user/current.json", headers=headers).status_code == 401


def test_bearer_tokens_and_the_current_user(cy: TestClient, as_role: Callable[[str], dict[str, str]],
                                            keys: Callable[[str], tuple[str, str]]) -> None:
    me = cy.get("/api/user/current.json", headers=as_role("user")).json()
    assert me["username"] == "contributor" and me["class"] == "be.cytomine.domain.security.User"
    assert (me["publicKey"], me["privateKey"]) == keys("user")


def test_keys_are_the_owners_and_the_admins(cy: TestClient, as_role: Callable[[str], dict[str, str]],
                                           keys: Callable[[str], tuple[str, str]]) -> None:
    public, private = keys("user")
    mine = cy.get(f"/api/userkey/{public}/keys.json", headers=as_role("user")).json()
    assert mine == {"publicKey": public, "privateKey": private}
    assert cy.get(f"/api/userkey/{public}/keys.json", headers=as_role("admin")).status_code == 200
    assert cy.get(f"/api/userkey/{public}/keys.json", headers=as_role("guest")).status_code == 403
    me = cy.get("/api/user/current.json", headers=as_role("user")).json()
    assert cy.get(f"/api/user/{me['id']}/keys.json", headers=as_role("guest")).status_code == 403
    other = cy.get(f"/api/user/{me['id']}.json", headers=as_role("guest")).json()
    assert "privateKey" not in other and other["publicKey"] == public
    assert cy.get("/api/user/current/keys", headers=as_role("user")).json() == {"primaryKey": public,
                                                                                "secondaryKey": private}


def test_the_signature_helper_signs_like_the_client(cy: TestClient, as_role: Callable[[str], dict[str, str]],
                                                    keys: Callable[[str], tuple[str, str]]) -> None:
    date = "Thu, 03 Dec 2026 07:29:15 +0000"
    answer = cy.get("/api/signature.json", params={"method": "GET", "date": date}, headers=as_role("user")).json()
    expected = signature_headers(*keys("user"), "GET", "", date=date)["authorization"].rsplit(":", 1)[1]
    assert answer == {"signature": expected, "publicKey": keys("user")[0]}


def test_admin_sessions_are_for_superadmins(cy: TestClient, as_role: Callable[[str], dict[str, str]]) -> None:
    assert cy.get("/session/admin/open.json", headers=as_role("admin")).status_code == 200
    assert cy.get("/session/admin/close.json", headers=as_role("user")).status_code == 403


def test_the_admin_api_shows_each_known_users_key_pair(cy: TestClient, cy_app: MockApp,
                                                       keys: Callable[[str], tuple[str, str]]) -> None:
    """What a contract run signed with a key pair needs from a mock it started (``contract_tests --sign``)."""
    info = cy.get("/__admin/", headers={"X-Admin-Key": cy_app.backend.settings.effective_admin_key}).json()
    admin = next(user for user in info["users"] if user["role"] == "admin")
    assert (admin["credentials"]["publicKey"], admin["credentials"]["privateKey"]) == keys("admin")
