"""Connecting: ping, the current user and its keys, a wrong key, a 404."""

from __future__ import annotations

from collections.abc import Callable

from cytomine import Cytomine
from cytomine.models import CurrentUser, Project, User, UserCollection
from mockserve import Mock


def test_connect_fills_the_current_user(mock: Mock, admin: Cytomine) -> None:
    me = admin.current_user
    assert me and me.username == mock.banner.users["admin"]["username"]
    assert (me.publicKey, me.privateKey) == mock.keys("admin")
    assert me.class_ == "be.cytomine.domain.security.User"


def test_current_user_keys_and_signature(mock: Mock, admin: Cytomine) -> None:
    me = CurrentUser().fetch()
    assert me and me.keys() == {"publicKey": mock.keys("admin")[0], "privateKey": mock.keys("admin")[1]}
    signature = me.signature()
    assert signature and signature["publicKey"] == mock.keys("admin")[0]


def test_each_seeded_user_connects_with_its_own_keys(mock: Mock, admin: Cytomine,
                                                     connect: Callable[[str], Cytomine]) -> None:
    for role in ("user", "guest"):
        assert connect(role).current_user.username == mock.banner.users[role]["username"]


def test_a_wrong_private_key_leaves_current_user_false(mock: Mock, admin: Cytomine) -> None:
    public, _ = mock.keys("user")
    client = Cytomine.connect(mock.host, public, "00000000-0000-4000-8000-000000000000")
    assert client.current_user is False


def test_a_missing_object_fetches_as_false(admin: Cytomine) -> None:
    assert Project().fetch(1) is False
    assert User().fetch(2) is False


def test_users(mock: Mock, admin: Cytomine) -> None:
    users = UserCollection().fetch()
    assert sorted(u.username for u in users) == sorted(u["username"] for u in mock.banner.users.values())
    contributor = next(u for u in users if u.username == mock.banner.users["user"]["username"])
    assert User().fetch(contributor.id).publicKey == mock.keys("user")[0]
