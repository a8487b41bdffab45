from __future__ import annotations

import pytest

from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.records import SCHEMA
from mockserver.packs.webknossos.world import Recipe, build_world
from mockserver.store import Store

URL = "http://127.0.0.1:9000"


def world(seed: int, recipe: str = "default") -> Store:
    store = Store.open(SCHEMA)
    build_world(store, seed, Recipe.load(recipe), URL)
    return store


def test_same_seed_gives_identical_database() -> None:
    assert world(7).snapshot() == world(7).snapshot()


def test_other_seed_gives_other_world() -> None:
    assert world(7).snapshot() != world(8).snapshot()


def test_recipe_counts_are_respected() -> None:
    store = world(3)
    recipe = Recipe.load("default")
    assert store.count(r.User) == recipe.users
    assert store.count(r.Team) == recipe.teams
    assert store.count(r.Dataset) == recipe.datasets
    assert store.count(r.Project) == recipe.projects
    assert store.count(r.Task) == recipe.projects * recipe.tasks_per_project


def test_cross_references_are_consistent() -> None:
    store = world(5)
    for task in store.select(r.Task):
        assert store.get(r.Project, task.project_id) is not None
        assert store.get(r.TaskType, task.task_type_id) is not None
        assert store.get(r.Dataset, task.dataset_id) is not None
        live = store.count(r.Annotation, "task_id = ? AND state != 'Cancelled'", (task.id,))
        assert task.pending_instances + live == task.total_instances
        assert task.pending_instances >= 0
    for annotation in store.select(r.Annotation):
        assert store.get(r.User, annotation.user_id) is not None
        for layer in annotation.layers:
            assert store.get(r.Tracing, layer["tracingId"]) is not None
        if annotation.typ == "Task":
            task = store.get(r.Task, annotation.task_id)
            project = store.get(r.Project, task.project_id)
            assert store.get(r.Membership, annotation.user_id, project.team_id) is not None


def test_task_annotations_are_one_per_user_and_task() -> None:
    store = world(2)
    rows = store.rows("SELECT task_id, user_id, COUNT(*) FROM annotations WHERE typ = 'Task' GROUP BY 1, 2")
    assert all(row[2] == 1 for row in rows)


def test_known_users_have_the_roles_they_are_printed_with() -> None:
    store = Store.open(SCHEMA)
    info = build_world(store, 11, Recipe.load("tiny"), URL)
    admin, manager, user = (store.get(r.User, u.id) for u in info.known_users)
    assert admin.is_admin
    assert not manager.is_admin and store.count(r.Membership, "user_id = ? AND is_team_manager = 1", (manager.id,))
    assert not user.is_admin and not store.count(r.Membership, "user_id = ? AND is_team_manager = 1", (user.id,))
    assert len({u.token for u in info.known_users}) == 3


@pytest.fixture(scope="module")
def large() -> Store:
    """The `large` world (a few seconds to build: 100,000 tasks)."""
    return world(1, "large")


def test_large_recipe_has_its_counts(large: Store) -> None:
    recipe = Recipe.load("large")
    orgs = recipe.organizations
    assert large.count(r.User) == orgs * recipe.users == 2000
    assert large.count(r.Project) == orgs * (recipe.projects + 1)
    assert large.count(r.Task) == orgs * (recipe.projects * recipe.tasks_per_project + recipe.large_project_tasks)
    assert large.count(r.Task) == 100_000
    assert 18_000 <= large.count(r.Annotation) <= 22_000
    assert large.count(r.Annotation, "typ = 'Task'") > 5_000
    assert large.count(r.Annotation, "typ = 'Explorational'") > 5_000


def test_large_recipe_has_a_project_with_more_than_1000_tasks(large: Store) -> None:
    counts = large.scalars("SELECT COUNT(*) FROM tasks GROUP BY project_id ORDER BY 1 DESC LIMIT 1")
    assert counts[0] > 1000


def test_large_recipe_instance_counters_add_up(large: Store) -> None:
    off = large.scalars("SELECT COUNT(*) FROM tasks t WHERE pending_instances < 0 OR pending_instances + (SELECT "
                        "COUNT(*) FROM annotations a WHERE a.task_id = t.id AND a.state != 'Cancelled') "
                        "!= total_instances")
    assert off == [0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"users": 2}, "users must be at least 3"),
        ({"userz": 5}, "unknown key 'userz'"),
        ({"teams": "four"}, "teams must be an integer"),
        ({"instances_per_task": [3, 1]}, "instances_per_task must be"),
        ({"assigned_fraction": 2}, "assigned_fraction must be between"),
    ],
)
def test_bad_recipes_are_rejected_with_a_clear_message(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Recipe.from_dict(data, name="bad")


def test_missing_recipe_names_the_path() -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        Recipe.load("no-such-recipe")
