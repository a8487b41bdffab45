"""Users and teams through the client: ``User.*``, ``user.get_logged_times``, ``Team.get_by_name``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
import webknossos as wk
from mockserve import Mock, api_prefix

AsRole = Callable[[str], AbstractContextManager[None]]


def test_client_talks_to_the_expected_api_prefix(mock: Mock, as_role: AsRole, sent_urls: list[str]) -> None:
    """0.14.15 pins ``/api/v5``; 0.14.3 talks to the unversioned ``/api`` (= latest, v5) and gets the same user."""
    with as_role("user"):
        me = wk.User.get_current_user()
    assert sent_urls == [f"{mock.url}{api_prefix()}/user"]
    assert me.email == mock.emails["user"]


def test_get_current_user(mock: Mock, as_role: AsRole) -> None:
    rest = mock.get("/user", "user")
    with as_role("user"):
        me = wk.User.get_current_user()
    assert (me.user_id, me.email, me.first_name, me.last_name) == (
        rest["id"], mock.emails["user"], rest["firstName"], rest["lastName"])
    assert me.organization_id == rest["organization"] == "sample_organization"
    assert {(t.id, t.name) for t in me.teams} == {(t["id"], t["name"]) for t in rest["teams"]}
    assert me.experiences == rest["experiences"]
    assert (me.is_admin, me.is_dataset_manager, me.is_active) == (False, rest["isDatasetManager"], True)
    assert (me.created, me.last_activity) == (rest["created"], rest["lastActivity"])


def test_get_all_managed_users_as_team_manager(mock: Mock, as_role: AsRole) -> None:
    rest = mock.get("/users", "manager")
    with as_role("manager"):
        users = wk.User.get_all_managed_users()
    assert sorted(u.user_id for u in users) == sorted(u["id"] for u in rest)
    assert mock.emails["manager"] in {u.email for u in users}
    everyone = mock.get("/users", "admin")
    assert 0 < len(users) < len(everyone), "a team manager sees the users of the teams they manage, not all"


def test_get_by_id(mock: Mock, as_role: AsRole) -> None:
    other = next(u for u in mock.get("/users") if u["email"] not in mock.emails.values())
    with as_role("admin"):
        user = wk.User.get_by_id(other["id"])
    assert (user.user_id, user.email, user.first_name, user.last_name) == (
        other["id"], other["email"], other["firstName"], other["lastName"])
    assert {t.name for t in user.teams} == {t["name"] for t in other["teams"]}


def test_get_logged_times(mock: Mock, as_role: AsRole) -> None:
    users = mock.get("/users")
    user, rest = next((u, times) for u in users if (times := mock.get(f"/users/{u['id']}/loggedTime")["loggedTime"]))
    with as_role("admin"):
        times = wk.User.get_by_id(user["id"]).get_logged_times()
    expected = [(t["paymentInterval"]["year"], t["paymentInterval"]["month"], t["durationInSeconds"]) for t in rest]
    assert sorted((t.year, t.month, t.duration_in_seconds) for t in times) == sorted(expected)
    assert all(t.duration_in_seconds > 0 for t in times)


def test_own_logged_times(mock: Mock, as_role: AsRole) -> None:
    me = mock.get("/user", "user")
    rest = mock.get(f"/users/{me['id']}/loggedTime", "user")["loggedTime"]
    with as_role("user"):
        times = wk.User.get_current_user().get_logged_times()
    assert sum(t.duration_in_seconds for t in times) == sum(t["durationInSeconds"] for t in rest)


def test_team_get_by_name(mock: Mock, as_role: AsRole) -> None:
    rest = mock.get("/teams")
    with as_role("admin"):
        team = wk.Team.get_by_name(rest[-1]["name"])
        with pytest.raises(KeyError):
            wk.Team.get_by_name("no_such_team")
    assert (team.id, team.name, team.organization_id) == (rest[-1]["id"], rest[-1]["name"], rest[-1]["organization"])
