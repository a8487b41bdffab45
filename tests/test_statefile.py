"""A ``--state`` file records the world it holds (seed, recipe, revision) and is refused when it is not one."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from mockserver import Settings, create_app
from mockserver.app import MockApp
from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos import records as r
from mockserver.settings import derived_admin_key, to_env
from mockserver.statefile import Identity, identity
from tests.test_preflight import refused

TEAM = r.Team("c" * 24, "kept_lab", "o" * 24)


def serve(state: Path, environ: dict[str, str] | None = None, **options: Any) -> MockApp:
    """The app of ``mockserver serve --state STATE`` with these options (and ``MOCKSERVER_*`` variables)."""
    return create_app(Settings.from_env(environ or {}, state=str(state), **options))


def admin_info(app: MockApp) -> Any:
    with app.test_client() as client:
        return client.get("/__admin/", headers={"X-Admin-Key": app.backend.settings.effective_admin_key}).json()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state file holding the world of seed 5, recipe tiny, with one write."""
    path = tmp_path / "world.sqlite"
    app = serve(path, seed=5, recipe="tiny")
    app.backend.store.insert(TEAM)
    app.backend.store.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_resumed_world_keeps_its_seed_recipe_and_revision(state: Path) -> None:
    app = serve(state)  # no --seed, no --recipe: the file's own
    assert (app.backend.world.seed, app.backend.world.recipe) == (5, "tiny")
    assert identity(app.backend.store) == Identity(5, "tiny", revision=1)
    assert app.backend.settings.effective_admin_key == derived_admin_key(5)  # the key follows the world's seed
    info = admin_info(app)
    assert (info["seed"], info["recipe"], info["revision"]) == (5, "tiny", 1)
    app.backend.store.insert(r.Team("d" * 24, "second_lab", "o" * 24))
    app.backend.store.close()
    assert identity(serve(state, seed=5).backend.store) == Identity(5, "tiny", revision=2)  # the same, given: fine


def test_resuming_says_which_world(state: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", "mockserver"):
        serve(state).backend.store.close()
    assert f"resumed {state} (seed 5, recipe tiny, revision 1)" in caplog.messages


@pytest.mark.parametrize(("options", "environ", "wanted"), [
    ({"seed": 6}, {}, "not seed 6: leave out --seed to resume it"),
    ({"recipe": "default"}, {}, "not recipe default: leave out --recipe"),
    ({}, {"MOCKSERVER_SEED": "6", "MOCKSERVER_RECIPE": "default"}, "not seed 6, recipe default"),
], ids=["--seed", "--recipe", "variables"])
def test_another_seed_or_recipe_is_refused(state: Path, options: dict[str, Any], environ: dict[str, str],
                                           wanted: str) -> None:
    before = digest(state)
    with pytest.raises(ConfigurationError, match="holds the world of seed 5, recipe tiny, revision 1") as caught:
        serve(state, environ, **options)
    assert wanted in str(caught.value) and "--reset-state" in str(caught.value)
    assert digest(state) == before


@pytest.mark.parametrize(("options", "environ"), [({"reset_state": True}, {}), ({}, {"MOCKSERVER_RESET_STATE": "1"})],
                         ids=["--reset-state", "MOCKSERVER_RESET_STATE"])
def test_reset_state_builds_the_world_anew_in_the_file(state: Path, options: dict[str, Any],
                                                       environ: dict[str, str]) -> None:
    app = serve(state, {**environ, "MOCKSERVER_SEED": "6"}, **options)
    store = app.backend.store
    assert app.backend.world.seed == 6 and identity(store) == Identity(6, "default", revision=0)
    assert store.get(r.Team, TEAM.id) is None
    assert to_env(app.backend.settings)["MOCKSERVER_RESET_STATE"] == "false"  # --workers: they resume it
    store.close()
    assert identity(serve(state).backend.store) == Identity(6, "default", revision=0)


def test_another_world_chosen_by_admin_reset_is_the_one_resumed(state: Path) -> None:
    app = serve(state)
    app.control.reset(seed=3)
    assert identity(app.backend.store) == Identity(3, "tiny", revision=0)
    app.backend.store.close()
    assert serve(state).backend.world.seed == 3


def test_an_imported_world_is_the_one_resumed(state: Path, tmp_path: Path) -> None:
    other = serve(tmp_path / "other.sqlite", seed=8, recipe="tiny")
    with other.test_client() as client:
        document = client.get("/__admin/world", headers={"X-Admin-Key": derived_admin_key(8)}).json()
    app = serve(state)
    with app.test_client() as client:
        imported = client.put("/__admin/world", json=document, headers={"X-Admin-Key": derived_admin_key(5)})
    assert imported.json()["seed"] == 8 and imported.json()["revision"] == 0
    app.backend.store.close()
    assert identity(serve(state).backend.store) == Identity(8, "tiny", revision=0)


def test_a_database_of_another_program_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('mine')")
        db.commit()
    before = digest(path)
    for options in ({}, {"reset_state": True}):
        with pytest.raises(ConfigurationError, match=r"is not a mockserver world \(it has the tables notes"):
            serve(path, **options)
    assert digest(path) == before
    with closing(sqlite3.connect(path)) as db:
        assert [row[0] for row in db.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_an_empty_file_becomes_a_world(tmp_path: Path) -> None:
    path = tmp_path / "world.sqlite"
    path.touch()
    assert identity(serve(path, recipe="tiny").backend.store) == Identity(1, "tiny", revision=0)


def test_revision_counts_committed_write_transactions_only() -> None:
    app = create_app(Settings(recipe="tiny"))
    store = app.backend.store
    assert app.control.revision == 0
    store.insert(TEAM)
    with store.transaction():  # no change, no write
        store.get(r.Team, TEAM.id)
    with pytest.raises(RuntimeError), store.transaction():
        store.update(TEAM, name="undone")
        raise RuntimeError("rolled back")
    assert app.control.revision == 1
    assert app.control.take_snapshot("one")["revision"] == 1
    app.control.reset()
    assert app.control.revision == 0


def test_serve_refuses_a_state_path_it_cannot_use(tmp_path: Path, state: Path) -> None:
    """Each problem: one ``error:`` line naming it and the fix, status 2, before the banner (``refused``)."""
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_text("not a database at all, just some text that is long enough\n" * 4)
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    foreign = tmp_path / "notes.sqlite"
    with closing(sqlite3.connect(foreign)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    expected = {
        str(tmp_path / "missing" / "world.sqlite"): f"the directory {tmp_path / 'missing'} does not exist; create it",
        str(tmp_path): f"--state {tmp_path} is a directory; give a file in it, such as --state {tmp_path}/world.sqlite",
        str(garbage): f"--state {garbage} is not a SQLite database",
        str(truncated): f"--state {truncated} is damaged (database disk image is malformed); remove it",
        str(foreign): f"--state {foreign} is not a mockserver world (it has the tables notes, no mockserver_world)",
    }
    for path, wanted in expected.items():
        assert wanted in refused("--port", "0", "--state", path), path
    assert wanted in refused("--port", "0", env={"MOCKSERVER_STATE": str(foreign)})
    conflict = refused("--port", "0", "--state", str(state), "--seed", "6")
    assert "holds the world of seed 5, recipe tiny, revision 1, not seed 6: leave out --seed" in conflict


def test_workers_on_one_file_follow_a_world_another_switched(tmp_path: Path) -> None:
    """Two workers of ``serve --state FILE --workers 2``: a reset to another seed on one is the world of both."""
    path = tmp_path / "world.sqlite"
    one, two = serve(path, recipe="tiny"), serve(path, recipe="tiny")
    key = {"X-Admin-Key": one.backend.settings.effective_admin_key}
    try:
        with one.test_client() as client:
            switched = client.post("/__admin/reset", json={"seed": 7}, headers=key).json()
        assert admin_info(two)["users"] == switched["users"] and admin_info(two)["seed"] == 7
        assert two.backend.world.seed == 7 and two.backend.world == one.backend.world
    finally:
        one.backend.store.close()
        two.backend.store.close()


def test_serve_refuses_a_state_file_of_an_older_release_it_cannot_fill_in(state: Path) -> None:
    """A table without a column this release needs and has no default for: one line naming the file, the table, the
    column and ``--reset-state``; the file is left as it was. (Columns with a default are added: test_store_upgrade.)"""
    with closing(sqlite3.connect(state)) as db:
        db.execute("ALTER TABLE teams DROP COLUMN name")
        db.commit()
    before = digest(state)
    line = refused("--port", "0", "--state", str(state))
    assert f"the world kept in {state} was written by an older mockserver: its table teams has no column name" in line
    assert "start with --reset-state" in line
    assert digest(state) == before
