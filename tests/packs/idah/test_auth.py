"""Auth: the JWT as a bearer header or as the ``auth-token`` cookie; the login route; role visibility."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.packs.idah import tokens
from tests.packs.idah.conftest import BASE, Client


def test_the_cookie_and_the_bearer_header_are_both_accepted(as_role: Any) -> None:
    assert as_role("owner", cookie=True).get("/projects").status_code == 200
    assert as_role("owner", cookie=False).get("/projects").status_code == 200


def test_no_token_or_a_forged_one_is_401_in_the_errors_format(http: TestClient, idah_app: Any) -> None:
    anonymous = Client(http, None).get("/projects")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"errors": [{"status": "401", "title": "Verse::Error::Authorization",
                                            "detail": "unauthorized_access"}]}
    good = idah_app.backend.world.token("admin").removeprefix("Bearer ")
    header, claims, _ = good.split(".")
    forged = tokens.encode({"u": {"id": 1}, "r": "admin"}, b"not the key")
    for token in (f"{header}.{claims}.AAAA", forged, "not-a-jwt"):
        assert Client(http, f"Bearer {token}", cookie=False).get("/projects").status_code == 401


def test_login_mints_a_token_and_sets_the_cookie(http: TestClient) -> None:
    response = http.post("/api/v1/iam/auth/login",
                         json={"email": "reviewer@acme.test", "password": "password", "cookie": True})
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["type"] == "iam:account_auths" and body["data"]["attributes"]["email"] == "reviewer@acme.test"
    assert http.cookies.get("auth-token") == body["meta"]["token"]
    entries = http.get(f"{BASE}/entries")  # the cookie the login set, as the frontend sends it
    assert entries.status_code == 200 and entries.json()["data"]
    assert http.get("/api/v1/iam/auth/logout").status_code == 204
    wrong = http.post("/api/v1/iam/auth/login", json={"email": "reviewer@acme.test", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["status"] == "401"


def test_an_expired_token_is_refused(http: TestClient) -> None:
    expired = tokens.encode({"u": {"id": 2, "email": "owner@acme.test"}, "r": "org_owner", "exp": 1}, tokens.SECRET)
    assert Client(http, f"Bearer {expired}", cookie=False).get("/projects").status_code == 401


def entry_people(client: Client) -> list[tuple[str, int | None, int | None]]:
    entries = client.get("/entries").json()["data"]
    return [(e["attributes"]["wf_step"], e["attributes"]["assigned_to_id"], e["attributes"]["submitted_by_id"])
            for e in entries]


def test_visibility_by_project_role(as_role: Any) -> None:
    everything = entry_people(as_role("owner"))
    annotator = entry_people(as_role("annotator"))
    reviewer = entry_people(as_role("reviewer"))
    assert annotator and all(assignee == 3 for _, assignee, _ in annotator)
    assert len(annotator) == sum(assignee == 3 for _, assignee, _ in everything)
    assert {step for step, assignee, _ in reviewer if assignee is None} == {"review"}
    assert all(assignee == 5 or (step == "review" and assignee is None and submitter != 5)
               for step, assignee, submitter in reviewer)
    assert len(reviewer) == sum(a == 5 or (s == "review" and a is None) for s, a, _ in everything)
    assert as_role("disabled").get("/entries").json()["data"] == []
    assert as_role("disabled").get("/projects").json()["data"] == []
    assert as_role("outsider").get("/datasets").json()["data"] == []


def test_out_of_scope_rows_are_not_found_and_writes_of_other_roles_forbidden(as_role: Any) -> None:
    owner, annotator = as_role("owner"), as_role("annotator")
    hidden = owner.get("/entries", ("filter[assigned_to_id]", 4)).json()["data"][0]["id"]
    missing = annotator.get(f"/entries/{hidden}")
    assert missing.status_code == 404 and missing.json()["errors"][0]["title"] == "Verse::Error::RecordNotFound"
    project = annotator.get("/projects").json()["data"][0]["id"]
    refused = annotator.post("/datasets", {"data": {"type": "dataset:datasets", "attributes": {
        "name": "Mine", "modality": "idah-image"}, "relationships": {"project": {"data": {
            "type": "dataset:projects", "id": project}}}}})
    assert refused.status_code == 403
    assert refused.json()["errors"][0] == {"status": "403", "title": "Verse::Error::Unauthorized",
                                           "detail": "Only the project owners can change datasets"}
    assert annotator.post("/projects", {"data": {"type": "dataset:projects", "attributes": {
        "name": "Mine", "organization_id": 3}}}).status_code == 403


def test_included_records_are_scoped_like_every_query(as_role: Any) -> None:
    reviewer = as_role("reviewer")
    seen = {e["id"] for e in reviewer.get("/entries").json()["data"]}
    body = reviewer.get("/datasets", ("included[]", "entries")).json()
    included = {i["id"] for i in body.get("included", []) if i["type"] == "dataset:entries"}
    linked = {link["id"] for d in body["data"] for link in d["relationships"]["entries"]["data"]}
    assert included == linked == seen
    everything = as_role("owner").get("/entries", ("count", "true")).json()["meta"]["count"]
    assert len(seen) < everything


def test_refresh_rotates_the_cookie_and_logout_clears_it(http: TestClient) -> None:
    login = http.post("/api/v1/iam/auth/login",
                      json={"email": "annotator@acme.test", "password": "password", "cookie": True})
    first = login.json()["meta"]["token"]
    refreshed = http.get("/api/v1/iam/auth/refresh")
    assert refreshed.status_code == 200 and refreshed.json()["data"]["attributes"]["email"] == "annotator@acme.test"
    assert http.cookies.get("auth-token") == refreshed.json()["meta"]["token"] and first
    logout = http.get("/api/v1/iam/auth/logout")
    assert logout.status_code == 204 and "auth-token=" in logout.headers["set-cookie"]
    http.cookies.clear()
    assert http.get("/api/v1/iam/auth/refresh").status_code == 401


def test_a_token_that_expires_while_in_use_is_refused_from_then_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from mockserver.packs.idah import auth

    token = tokens.encode({"u": {"id": 2, "email": "owner@acme.test"}, "r": "org_owner", "exp": 2_000_000_000},
                          tokens.SECRET)
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: 1_999_999_999.0))
    assert auth.principal_of(token) is not None and auth.principal_of(token) is not None  # the second from memory
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: 2_000_000_001.0))
    assert auth.principal_of(token) is None
    assert auth.principal_of(token[:-2] + "xx") is None  # a forged signature, memorised or not
