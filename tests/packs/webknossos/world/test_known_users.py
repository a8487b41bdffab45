"""The users ``mockserver serve`` prints can do what the README shows, in every bundled recipe.

Each world is served by its own app (over HTTP, as a user meets it); ``large`` takes a few seconds
to build, so it runs with the default seed and the README's ``--seed 7 --recipe large``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from mockserver import Settings, create_app

WORLDS = [*((recipe, seed) for recipe in ("default", "tiny") for seed in range(1, 11)), ("large", 1), ("large", 7)]


@pytest.fixture(params=WORLDS, ids=[f"{recipe}-{seed}" for recipe, seed in WORLDS])
def served(request: pytest.FixtureRequest) -> Iterator[tuple[TestClient, dict[str, str]]]:
    recipe, seed = request.param
    app = create_app(Settings(seed=seed, recipe=recipe, request_log_limit=0))
    try:
        with app.test_client() as client:
            yield client, {u.role: u.token for u in app.backend.world.known_users}
    finally:
        app.backend.store.close()


def test_the_printed_users_can_do_what_the_readme_shows(served: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = served
    as_user, as_manager, as_admin = ({"X-Auth-Token": tokens[role]} for role in ("user", "manager", "admin"))

    requested = client.post("/api/v5/user/tasks/request", headers=as_user)
    assert requested.status_code == 200, requested.text
    created = client.post("/api/v5/datasets/sample_organization/l4_sample/createExplorational", headers=as_user,
                          json=[{"typ": "Skeleton"}])
    assert created.status_code == 200, created.text

    user_teams = {t["id"] for t in client.get("/api/v5/user", headers=as_user).json()["teams"]}
    manager = client.get("/api/v5/user", headers=as_manager).json()
    assert {t["id"] for t in manager["teams"] if t["isTeamManager"]} & user_teams  # manages the plain user's team
    assert not manager["isAdmin"] and client.get("/api/v5/user", headers=as_admin).json()["isAdmin"]
