"""The seeded world: deterministic, consistent roll-ups, every workflow step present, the printed accounts."""

from __future__ import annotations

from typing import Any

from mockserver import Settings, create_app
from mockserver.app import describe
from mockserver.errors import ConfigurationError
from mockserver.packs.idah import records as r
from mockserver.store import Store


def rows(app: Any, cls: type[Any]) -> list[Any]:
    store: Store = app.backend.store
    return store.select(cls, order="id")


def test_the_same_seed_makes_the_same_world_and_another_seed_another() -> None:
    one, same, other = (create_app(Settings(api="idah", seed=seed)) for seed in (5, 5, 6))
    assert rows(one, r.Entry) == rows(same, r.Entry) and rows(one, r.Annotation) == rows(same, r.Annotation)
    assert {e.id for e in rows(one, r.Entry)}.isdisjoint(e.id for e in rows(other, r.Entry))
    assert one.backend.world.known_users == same.backend.world.known_users


def test_dataset_counters_agree_with_their_entries(idah_app: Any) -> None:
    idah_app.backend.store.reset()
    entries = rows(idah_app, r.Entry)
    for dataset in rows(idah_app, r.Dataset):
        mine = [e for e in entries if e.dataset_id == dataset.id]
        completed = sum(e.status in ("completed", "errored") for e in mine)
        assert (dataset.entries_total_count, dataset.entries_completed_count) == (len(mine), completed)
        assert dataset.entries_in_progress_count == sum(e.status == "in_progress" for e in mine)
        assert dataset.progress == round(completed / len(mine), 3)
    assert {e.wf_step for e in entries} == {"annotate", "review", "done", "error"}
    assert {e.status for e in entries} == {"pending", "in_progress", "completed", "errored"}


def test_every_account_is_printed_with_a_bearer_token(idah_app: Any) -> None:
    shown = describe(idah_app)
    assert shown["auth_header"] == "Authorization"
    assert [role for role, _, _ in shown["users"]] == ["admin", "owner", "annotator", "annotator2", "reviewer",
                                                      "disabled", "outsider"]
    assert all(token.startswith("Bearer ey") and token.count(".") == 2 for _, _, token in shown["users"])
    assert shown["api_url"].endswith("/api/v1/dataset")


def test_an_unknown_recipe_names_the_known_ones() -> None:
    try:
        create_app(Settings(api="idah", recipe="nope"))
    except ConfigurationError as exc:
        assert "default" in str(exc) and "empty" in str(exc)
    else:
        raise AssertionError("no ConfigurationError")


def test_every_recipe_builds(tmp_path: Any) -> None:
    """Every recipe but ``large`` (100,000 entries: the benchmark builds it)."""
    from mockserver.packs.idah.world import recipes_dir

    for recipe in sorted(p.stem for p in recipes_dir().glob("*.yaml") if p.stem != "large"):
        app = create_app(Settings(api="idah", recipe=recipe))
        assert rows(app, r.Account) and rows(app, r.Project), recipe
    assert {"default", "empty", "tiny"} <= {p.stem for p in recipes_dir().glob("*.yaml")}


def test_the_review_queue_scenario_gives_the_reviewer_work() -> None:
    app = create_app(Settings(api="idah", scenario="review_queue"))
    queue = next(d for d in rows(app, r.Dataset) if d.name == "Review queue")
    assert (queue.entries_total_count, queue.status, queue.progress) == (5, "in_progress", 0.0)
    waiting = [e for e in rows(app, r.Entry) if e.dataset_id == queue.id]
    assert {(e.wf_step, e.status, e.assigned_to_id, e.submitted_by_id) for e in waiting} == {
        ("review", "pending", None, 3)}


def test_arranging_names_the_problem(idah_app: Any) -> None:
    from mockserver.packs.idah.arrange import Arranger

    arranger = Arranger(idah_app.backend.store, idah_app.backend.world, "t")
    for call in (lambda: arranger.add_dataset(project="Nope"),
                 lambda: arranger.add_entries(dataset="nope"),
                 lambda: arranger.add_entries(dataset=rows(idah_app, r.Dataset)[0].id, assignee="outsider")):
        try:
            call()
        except ConfigurationError as exc:
            assert str(exc)
        else:
            raise AssertionError("no ConfigurationError")


def test_the_build_pauses_the_cycle_collector_and_leaves_it_as_it_was(monkeypatch: Any) -> None:
    import gc

    from mockserver.packs.idah import world

    during: list[bool] = []
    monkeypatch.setattr(world.Generator, "build_templates", lambda self: during.append(gc.isenabled()))
    for enabled in (True, False):
        gc.enable() if enabled else gc.disable()
        try:
            create_app(Settings(api="idah", recipe="tiny"))
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    assert during == [False, False]
