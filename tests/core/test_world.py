"""Worlds of a pack: seeded and deterministic, kept in a --state file, exported and imported, scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver import scenarios
from mockserver.app import open_world
from mockserver.dump import export_world, import_world
from mockserver.errors import ConfigurationError
from mockserver.pack import Pack, load_pack
from mockserver.settings import Settings
from mockserver.store import Store
from tests.packs.echo import Note


def world_of(echo: Pack, **settings: object) -> tuple[Store, dict[str, object]]:
    store, world = open_world(Settings(api="echo", **settings), echo)  # type: ignore[arg-type]
    return store, export_world(echo, store, world)


def test_same_seed_same_world_other_seed_other_world(echo: Pack) -> None:
    assert world_of(echo, seed=5)[1] == world_of(echo, seed=5)[1]
    assert world_of(echo, seed=5)[1]["tables"] != world_of(echo, seed=6)[1]["tables"]


def test_a_state_file_keeps_the_world_and_its_known_users(echo: Pack, tmp_path: Path) -> None:
    state = str(tmp_path / "echo.sqlite")
    store, world = open_world(Settings(api="echo", seed=4, state=state), echo)
    store.insert(Note(99, "kept", world.known_users[1].id))
    store.close()
    store, again = open_world(Settings(api="echo", seed=4, state=state), echo)
    assert store.get(Note, 99) is not None and again.known_users == world.known_users
    store.close()


def test_export_import_round_trip_and_refusals(echo: Pack) -> None:
    store, exported = world_of(echo, seed=2)
    store.delete(Note, "1 = 1")
    world = import_world(echo, store, exported)
    assert export_world(echo, store, world)["tables"] == exported["tables"]
    with pytest.raises(ConfigurationError, match="unknown tables: \\['users'\\]"):
        import_world(echo, store, {**exported, "tables": {"users": []}})


def test_scenarios_use_the_packs_actions_and_fixtures(echo: Pack) -> None:
    store, world = open_world(Settings(api="echo", seed=1, recipe="empty"), echo)
    assert [s.name for s in scenarios.available(echo)] == ["busy"]
    applied = scenarios.apply(echo, scenarios.load(echo, "busy"), store, world)
    assert store.count(Note) == 3 and applied.refs == {"first": "1"}
    with pytest.raises(scenarios.ScenarioError, match="unknown action 'add_task' \\(known: add_note\\)"):
        scenarios.parse(echo, "description: d\nsteps:\n  - add_task: {}\n")
    with pytest.raises(scenarios.ScenarioNotFound, match="bundled: busy"):
        scenarios.load(echo, "large_project")


def test_an_unknown_recipe_is_a_configuration_error(echo: Pack) -> None:
    with pytest.raises(ConfigurationError, match="echo has: default, empty"):
        open_world(Settings(api="echo", recipe="large"), echo)


def test_a_state_file_of_another_pack_is_refused_untouched(echo: Pack, tmp_path: Path) -> None:
    state = tmp_path / "world.sqlite"
    store, _ = open_world(Settings(recipe="tiny", state=str(state)), load_pack("webknossos"))
    store.close()
    before = state.read_bytes()
    with pytest.raises(ConfigurationError, match="holds the world of another API pack"):
        open_world(Settings(api="echo", state=str(state)), echo)
    assert state.read_bytes() == before


def test_a_database_keeps_one_world_per_pack_and_refuses_another_seed(echo: Pack, postgres_database: str) -> None:
    store, world = open_world(Settings(api="echo", seed=4, state=postgres_database), echo)
    assert store.origin == "built the world of seed 4, recipe default"
    store.insert(Note(99, "kept", world.known_users[1].id))
    other, _ = open_world(Settings(recipe="tiny", state=postgres_database), load_pack("webknossos"))  # side by side
    other.close()
    joined, again = open_world(Settings(api="echo", state=postgres_database), echo)
    assert joined.origin == "joined the world of seed 4, recipe default, revision 1"
    assert joined.get(Note, 99) is not None and again.known_users == world.known_users
    with pytest.raises(ConfigurationError, match="holds the world of seed 4, recipe default, revision 1, not seed 5"):
        open_world(Settings.from_env({}, api="echo", seed=5, state=postgres_database), echo)
    rebuilt, _ = open_world(Settings.from_env({}, api="echo", seed=5, state=postgres_database, reset_state=True), echo)
    assert rebuilt.origin.startswith("built the world of seed 5") and rebuilt.get(Note, 99) is None
    for opened in (store, joined, rebuilt):
        opened.close()
