"""Datasets and folders through the client: remote dataset registry, metadata setters, sharing token.

A value of ``Dataset.get_remote_datasets()`` is opened with ``Dataset.open_remote``, which reads the
dataset through the datastore's zarr streaming (``/data/zarr/...``), so these flows also cover the
mock's datastore routes. A RemoteDataset opened by name talks to the server of the *current*
``webknossos_context`` (outside one: webknossos.org), so every use stays inside a context.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import webknossos as wk
from mockserve import Mock

AsRole = Callable[[str], AbstractContextManager[None]]
ORGANIZATION = "sample_organization"


def listed(mock: Mock, role: str = "admin") -> list[dict[str, Any]]:
    """What the client's registry asks for: active datasets of the organization."""
    return list(mock.get("/datasets", role, isActive="true", organizationName=ORGANIZATION))


def dataset(mock: Mock, name: str) -> dict[str, Any]:
    return dict(mock.get(f"/datasets/{ORGANIZATION}/{name}"))


def folder_path(folders: list[dict[str, Any]], folder: dict[str, Any]) -> str:
    by_id = {f["id"]: f for f in folders}
    names = [folder["name"]]
    while folder["parent"]:
        folder = by_id[folder["parent"]]
        names.insert(0, folder["name"])
    return "/".join(names)


def test_get_remote_datasets(mock: Mock, as_role: AsRole) -> None:
    with as_role("user"):
        registry = wk.Dataset.get_remote_datasets()
    assert sorted(registry) == sorted(d["name"] for d in listed(mock, "user"))
    assert 0 < len(registry) < len(listed(mock, "admin")), "a plain user sees only datasets of their teams"


def test_get_remote_datasets_with_tag_filter(mock: Mock, as_role: AsRole) -> None:
    datasets = listed(mock)
    tag = next(t for d in datasets for t in d["tags"])
    other = next(t for d in datasets for t in d["tags"] if t != tag)
    with as_role("admin"):
        one = wk.Dataset.get_remote_datasets(tags=tag)
        either = wk.Dataset.get_remote_datasets(organization_id=ORGANIZATION, tags=[tag, other])
    assert sorted(one) == sorted(d["name"] for d in datasets if tag in d["tags"])
    assert sorted(either) == sorted(d["name"] for d in datasets if {tag, other} & set(d["tags"]))
    assert 0 < len(one) < len(datasets)


def test_remote_dataset_opens_through_the_datastore(mock: Mock, as_role: AsRole) -> None:
    rest = next(d for d in listed(mock) if d["dataSource"].get("dataLayers"))
    with as_role("admin"):
        remote = wk.Dataset.get_remote_datasets()[rest["name"]]
        layers = {name: layer.bounding_box for name, layer in remote.layers.items()}
        color = remote.get_color_layers()[0]
        voxels = color.get_finest_mag().read(absolute_offset=color.bounding_box.topleft, size=(8, 8, 8))
        assert remote.url == f"{mock.url}/datasets/{ORGANIZATION}/{rest['name']}"
    assert tuple(remote.voxel_size) == tuple(rest["dataSource"]["scale"])
    expected = {layer["name"]: layer["boundingBox"] for layer in rest["dataSource"]["dataLayers"]}
    assert set(layers) == set(expected)
    for name, box in layers.items():
        assert (list(box.topleft), list(box.size)) == (expected[name]["topLeft"], [
            expected[name]["width"], expected[name]["height"], expected[name]["depth"]])
    assert voxels.shape == (1, 8, 8, 8) and not voxels.any(), "the mock holds no voxels: chunks are zeros"


@pytest.fixture
def editable(mock: Mock) -> dict[str, Any]:
    """A private dataset with layers, not l4_sample (other tests read that one)."""
    return next(d for d in listed(mock) if not d["isPublic"] and d["name"] != "l4_sample"
                and d["dataSource"].get("dataLayers"))


def test_display_name_and_description_setters(mock: Mock, as_role: AsRole, editable: dict[str, Any]) -> None:
    with as_role("admin"):
        remote = wk.Dataset.open_remote(editable["name"], ORGANIZATION)
        remote.display_name = "Client display name"
        remote.description = "Set by the webknossos client"
        rest = dataset(mock, editable["name"])
        assert (rest["displayName"], rest["description"]) == ("Client display name", "Set by the webknossos client")
        assert (remote.display_name, remote.description) == ("Client display name", "Set by the webknossos client")
        del remote.display_name
        assert dataset(mock, editable["name"])["displayName"] is None and remote.display_name is None
    assert dataset(mock, editable["name"])["description"] == "Set by the webknossos client"


def test_tags_and_is_public_setters(mock: Mock, as_role: AsRole, editable: dict[str, Any]) -> None:
    with as_role("admin"):
        remote = wk.Dataset.open_remote(editable["name"], ORGANIZATION)
        remote.tags = (*remote.tags, "client-tag")
        remote.is_public = True
        rest = dataset(mock, editable["name"])
        assert rest["tags"] == [*editable["tags"], "client-tag"] and rest["isPublic"] is True
        assert remote.tags == (*editable["tags"], "client-tag") and remote.is_public is True
        anonymous = mock.get(f"/datasets/{ORGANIZATION}/{editable['name']}", None)
        assert anonymous["name"] == editable["name"], "a public dataset is readable without a token"
        remote.is_public = False
    assert dataset(mock, editable["name"])["isPublic"] is False


def test_allowed_teams_setter(mock: Mock, as_role: AsRole, editable: dict[str, Any]) -> None:
    teams = mock.get("/teams")
    chosen = [t for t in teams if t["id"] not in {a["id"] for a in editable["allowedTeams"]}][:2]
    with as_role("admin"):
        remote = wk.Dataset.open_remote(editable["name"], ORGANIZATION)
        remote.allowed_teams = [wk.Team.get_by_name(t["name"]) for t in chosen]
        read_back = remote.allowed_teams
        assert sorted(t["id"] for t in dataset(mock, editable["name"])["allowedTeams"]) == sorted(
            t["id"] for t in chosen)
        assert sorted(t.id for t in read_back) == sorted(t["id"] for t in chosen)
        remote.allowed_teams = [chosen[0]["id"]]
    assert [t["id"] for t in dataset(mock, editable["name"])["allowedTeams"]] == [chosen[0]["id"]]


def test_folder_setter_and_remote_folder_lookups(mock: Mock, as_role: AsRole, editable: dict[str, Any]) -> None:
    folders = mock.get("/folders/tree")
    target = next(f for f in folders if f["parent"] and f["id"] != editable["folderId"])
    with as_role("admin"):
        by_path = wk.RemoteFolder.get_by_path(folder_path(folders, target))
        by_id = wk.RemoteFolder.get_by_id(target["id"])
        with pytest.raises(KeyError):
            wk.RemoteFolder.get_by_path(f"{ORGANIZATION}/no such folder")
        remote = wk.Dataset.open_remote(editable["name"], ORGANIZATION)
        assert remote.folder.id == editable["folderId"]
        remote.folder = by_path
        assert remote.folder.id == target["id"]
    assert (by_path.id, by_path.name) == (by_id.id, by_id.name) == (target["id"], target["name"])
    assert dataset(mock, editable["name"])["folderId"] == target["id"]


def test_sharing_token(mock: Mock, as_role: AsRole, editable: dict[str, Any]) -> None:
    with as_role("admin"):
        token = wk.Dataset.open_remote(editable["name"], ORGANIZATION).sharing_token
    assert token == mock.get(f"/datasets/{ORGANIZATION}/{editable['name']}/sharingToken")["sharingToken"]
    with wk.webknossos_context(url=mock.url):
        shared = wk.Dataset.open_remote(editable["name"], ORGANIZATION, sharing_token=token)
    assert set(shared.layers) == {layer["name"] for layer in editable["dataSource"]["dataLayers"]}
    shared_read = mock.request("GET", f"/datasets/{ORGANIZATION}/{editable['name']}", None,
                               params={"sharingToken": token})
    assert shared_read.json()["name"] == editable["name"]
