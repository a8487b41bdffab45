"""A new entry rolls its dataset up from the counters the last roll-up left: the same dataset a recount gives,
whatever state the dataset was in (empty, pending, in progress, completed with or without a started entry)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from mockserver.app import MockApp
from mockserver.packs.idah import records as r
from mockserver.packs.idah import workflow
from mockserver.store import Store

NOW = 1_900_000_000_000


def _only_pending(store: Store, dataset: r.Dataset) -> None:
    store.execute("UPDATE entries SET status = 'pending', submitted_by_id = NULL WHERE dataset_id = ?", (dataset.id,))


def _all_completed(store: Store, dataset: r.Dataset) -> None:
    store.execute("UPDATE entries SET status = 'completed' WHERE dataset_id = ?", (dataset.id,))


def _all_errored_unsubmitted(store: Store, dataset: r.Dataset) -> None:
    store.execute("UPDATE entries SET status = 'errored', submitted_by_id = NULL WHERE dataset_id = ?",
                  (dataset.id,))


def _empty(store: Store, dataset: r.Dataset) -> None:
    for table in ("note_comments", "note_feeds", "annotations"):
        store.execute(f"DELETE FROM {table}")
    store.delete(r.Entry, "dataset_id = ?", (dataset.id,))


def _as_seeded(store: Store, dataset: r.Dataset) -> None:
    pass


@pytest.mark.parametrize("arrange", [_as_seeded, _only_pending, _all_completed, _all_errored_unsubmitted, _empty])
def test_a_new_entry_rolls_up_as_a_recount_does(idah_app: MockApp, arrange: Callable[[Store, r.Dataset], None]) -> None:
    store = idah_app.backend.store
    store.reset()
    for dataset in store.select(r.Dataset, order="id"):
        with store.transaction():
            arrange(store, dataset)
            workflow.roll_up(store, dataset.id, NOW)
        entry = store.select(r.Entry, order="id", limit=1)[0]
        with store.transaction():
            store.insert(dataclasses.replace(entry, id=f"new-{dataset.id}", dataset_id=dataset.id,
                                             project_id=dataset.project_id, resource=f"new/{dataset.id}",
                                             status="pending", wf_step="annotate", assigned_to_id=None,
                                             submitted_by_id=None, reviewed_by_id=None))
            workflow.roll_up_added(store, dataset.id, NOW + 1)
        added = store.get(r.Dataset, dataset.id)
        with store.transaction():
            workflow.roll_up(store, dataset.id, NOW + 1)
        assert added == store.get(r.Dataset, dataset.id)
    store.reset()
