"""The seeded world: deterministic, one id sequence across every table, known users with key pairs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import Settings
from mockserver.app import open_world
from mockserver.dump import export_world
from mockserver.errors import ConfigurationError
from mockserver.pack import load_pack
from mockserver.packs.cytomine import records as r


def exported(seed: int, recipe: str = "default") -> dict[str, object]:
    pack = load_pack("cytomine")
    store, world = open_world(Settings(api="cytomine", seed=seed, recipe=recipe), pack)
    return export_world(pack, store, world)


def test_same_seed_same_world_other_seed_other_world() -> None:
    assert exported(3) == exported(3)
    assert exported(3)["tables"] != exported(4)["tables"]


def test_ids_are_unique_across_every_table() -> None:
    pack = load_pack("cytomine")
    store, _ = open_world(Settings(api="cytomine", seed=1), pack)
    ids = [row.id for cls in r.RECORD_TYPES if cls not in (r.Sequence, r.Member) for row in store.select(cls)]
    assert len(ids) == len(set(ids)) and max(ids) == store.get(r.Sequence, 1).last  # type: ignore[union-attr]


def test_known_users_carry_bearer_tokens_and_key_pairs() -> None:
    pack = load_pack("cytomine")
    store, world = open_world(Settings(api="cytomine", seed=1), pack)
    assert world.roles == ("admin", "user", "guest")
    for known in world.known_users:
        user = store.get(r.User, int(known.id))
        assert user is not None and known.token == f"Bearer {user.token}"
        assert dict(known.credentials) == {"publicKey": user.public_key, "privateKey": user.private_key}


def test_the_empty_recipe() -> None:
    tables = exported(1, "empty")["tables"]
    assert isinstance(tables, dict) and len(tables["users"]) == 3 and not tables["projects"]


def test_the_contract_recipe_furnishes_the_default_project() -> None:
    """The default world, and on its project one of each thing a contract run reads besides images and annotations
    (each of them pointing at the project, its first annotation or that annotation's image)."""
    default, furnished = exported(1)["tables"], exported(1, "contract")["tables"]
    assert isinstance(default, dict) and isinstance(furnished, dict)
    extra = {name: rows for name, rows in furnished.items() if rows and not default.get(name)}
    assert {name: len(rows) for name, rows in extra.items()} == {name: 1 for name in (
        "tags", "tag_associations", "properties", "descriptions", "attached_files", "tracks", "annotation_tracks",
        "image_groups", "image_group_images", "annotation_groups", "annotation_links", "annotation_filters")}
    project, annotation = furnished["projects"][0], furnished["annotations"][0]
    assert extra["annotation_links"][0]["annotation"] == extra["annotation_tracks"][0]["annotation"] == annotation["id"]
    assert extra["image_group_images"][0]["image"] == extra["tracks"][0]["image"] == annotation["image"]
    assert extra["image_groups"][0]["project"] == extra["properties"][0]["domain_ident"] == project["id"]


def test_an_unknown_recipe_names_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match="cytomine has: contract, default, empty, large, tiny"):
        exported(1, "huge")


def test_the_readme_shows_the_key_pair_of_seed_1() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    pack = load_pack("cytomine")
    _, world = open_world(Settings(api="cytomine", seed=1), pack)
    admin = world.known_users[0]
    for name, value in admin.credentials:
        assert f"#            {name} {value}" in readme
    assert f"#   admin    admin       {admin.token[:15]}…" in readme


def test_a_state_file_keeps_the_world_and_its_key_pairs(tmp_path: Path) -> None:
    pack = load_pack("cytomine")
    state = str(tmp_path / "cytomine.sqlite")
    store, world = open_world(Settings(api="cytomine", seed=2, state=state), pack)
    store.insert(r.Tag(999_999_999, "kept", int(world.known_users[0].id), 1))
    store.close()
    store, again = open_world(Settings(api="cytomine", seed=2, state=state), pack)
    assert store.get(r.Tag, 999_999_999) is not None and again.known_users == world.known_users
    store.close()
