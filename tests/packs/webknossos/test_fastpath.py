"""The fast path in front of the WEBKNOSSOS pack's middleware: ``/api`` and its versions, deactivated users."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp


@pytest.mark.parametrize("path", ["/api/users", "/api/v5/users", "/api/v1/users"])
def test_every_base_path_gets_its_own_repeated_answer(app: MockApp, client: TestClient, auth: Any,
                                                      path: str) -> None:
    first = client.get(path, headers=auth("admin"))
    hits = app.backend.answers.hits
    second = client.get(path, headers=auth("admin"))
    assert app.backend.answers.hits == hits + 1
    assert (second.status_code, second.content) == (first.status_code, first.content) and first.status_code == 200


def test_a_deactivated_users_token_is_refused_at_once(app: MockApp, client: TestClient, auth: Any) -> None:
    me = client.get("/api/v5/user", headers=auth("user")).json()
    assert client.get("/api/v5/user", headers=auth("user")).json() == me
    deactivated = client.patch(f"/api/v5/users/{me['id']}", headers=auth("admin"), json={**me, "isActive": False})
    assert deactivated.status_code == 200, deactivated.text
    assert client.get("/api/v5/user", headers=auth("user")).status_code == 401


def test_the_answers_of_other_users_stay_theirs(client: TestClient, auth: Any) -> None:
    answers = {role: client.get("/api/v5/user", headers=auth(role)).json()["email"] for role in ("admin", "user")}
    again = {role: client.get("/api/v5/user", headers=auth(role)).json()["email"] for role in ("admin", "user")}
    assert again == answers and answers["admin"] != answers["user"]
