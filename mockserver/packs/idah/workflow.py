"""The entry workflow ("simple review annotation workflow"), the dataset roll-up and the touch cascade.

```
start --submit--> annotate
annotate --submit--> review   (if rand() < workflow_configuration.sample_rate; default 1: always)
annotate --submit--> done     (otherwise)
review --submit{approved: true}--> done
review --submit{approved: false}--> annotate
annotate|review --error{message}--> error
```

Leaving ``annotate`` records the submitter, leaving ``review`` the reviewer; the next assignee is the previous
reviewer (annotate → review), the original annotator (review → annotate) or nobody (done). ``rand()`` is drawn
from a generator seeded by the world's seed and the entry, so a world replays the same way.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from mockserver.packs.idah import records as r
from mockserver.packs.idah.errors import Unauthorized, ValidationFailed
from mockserver.store import Store

NOT_ASSIGNED = "You are not assigned to this entry"


def status_for(step: str, assignee: int | None) -> str:
    if step == "done":
        return "completed"
    if step == "error":
        return "errored"
    return "in_progress" if assignee is not None else "pending"


def _member_email(store: Store, project_id: str, account_id: int | None) -> str | None:
    if account_id is None:
        return None
    member = store.one(r.ProjectMember, "project_id = ? AND account_id = ?", (project_id, account_id))
    return member.email if member else None


def _sampled(entry: r.Entry, dataset: r.Dataset, seed: int) -> bool:
    rate = float(dataset.workflow_configuration.get("sample_rate", 1) if dataset.workflow_configuration else 1)
    return random.Random(f"{seed}:{entry.id}:{entry.submitted_by_id}:{entry.reviewed_by_id}").random() < rate


Changes = dict[str, Any]
Transition = Callable[[Store, r.Entry, int, str, bool | None, int], Changes]


def _from_start(store: Store, entry: r.Entry, who: int, email: str, approved: bool | None, seed: int) -> Changes:
    return {"wf_step": "annotate", "status": status_for("annotate", entry.assigned_to_id)}


def _from_annotate(store: Store, entry: r.Entry, who: int, email: str, approved: bool | None, seed: int) -> Changes:
    dataset = store.get(r.Dataset, entry.dataset_id)
    assert dataset is not None
    step = "review" if _sampled(entry, dataset, seed) else "done"
    assignee = entry.reviewed_by_id if step == "review" else None
    return {"wf_step": step, "status": status_for(step, assignee), "submitted_by_id": who,
            "submitted_by_email": email, "assigned_to_id": assignee,
            "assigned_to_email": _member_email(store, entry.project_id, assignee)}


def _from_review(store: Store, entry: r.Entry, who: int, email: str, approved: bool | None, seed: int) -> Changes:
    if approved is None:
        raise ValidationFailed("Missing required option :approved for review step", pointer="/data/attributes/approved")
    step = "done" if approved else "annotate"
    assignee = None if approved else entry.submitted_by_id
    return {"wf_step": step, "status": status_for(step, assignee), "reviewed_by_id": who, "reviewed_by_email": email,
            "assigned_to_id": assignee, "assigned_to_email": _member_email(store, entry.project_id, assignee)}


SUBMIT: dict[str, Transition] = {"start": _from_start, "annotate": _from_annotate, "review": _from_review}
"""wf_step → what ``submit`` does there; other steps (``done``, ``error``) have no submit event."""
ERROR_FROM = frozenset({"annotate", "review"})


def submit(store: Store, entry: r.Entry, who: int, email: str, approved: bool | None, seed: int,
           owner: bool) -> Changes:
    transition = SUBMIT.get(entry.wf_step)
    if transition is None:
        raise ValidationFailed(f"Invalid transition: cannot submit an entry in step {entry.wf_step}")
    if entry.wf_step != "start" and entry.assigned_to_id != who and not owner:
        raise Unauthorized(NOT_ASSIGNED)
    return transition(store, entry, who, email, approved if entry.wf_step == "review" else None, seed)


def error(entry: r.Entry) -> Changes:
    if entry.wf_step not in ERROR_FROM:
        raise ValidationFailed(f"Invalid transition: cannot raise an error in step {entry.wf_step}")
    return {"wf_step": "error", "status": "errored"}


def select(entry: r.Entry, who: int, email: str) -> Changes:
    """Take a pending entry; an entry assigned to someone else is refused."""
    if entry.assigned_to_id is not None and entry.assigned_to_id != who:
        raise Unauthorized(NOT_ASSIGNED)
    if entry.status == "pending":
        return {"assigned_to_id": who, "assigned_to_email": email, "status": "in_progress"}
    return {}


def assign(store: Store, entry: r.Entry, account_id: int) -> Changes:
    email = _member_email(store, entry.project_id, account_id)
    if email is None:
        raise ValidationFailed("must be a member of the project", pointer="/data/attributes/assigned_to_id")
    status = "in_progress" if entry.status in ("pending", "in_progress") else entry.status
    return {"assigned_to_id": account_id, "assigned_to_email": email, "status": status}


def unassign(entry: r.Entry) -> Changes:
    status = "pending" if entry.status == "in_progress" else entry.status
    return {"assigned_to_id": None, "assigned_to_email": None, "status": status}


# roll-up and touch cascade ---------------------------------------------------------------------------------

ROLL_UP = ("SELECT COUNT(*),"
           " SUM(CASE WHEN status IN ('completed', 'errored') THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END),"
           " MAX(CASE WHEN status IN ('in_progress', 'completed') OR submitted_by_id IS NOT NULL THEN 1 ELSE 0 END)"
           " FROM entries WHERE dataset_id = ?")
"""A dataset's entries counted in the store: total, completed (or errored), in progress, and whether any started."""
ANY_STARTED = ("SELECT 1 FROM entries WHERE dataset_id = ?"
               " AND (status IN ('in_progress', 'completed') OR submitted_by_id IS NOT NULL) LIMIT 1")
"""Whether any of a dataset's entries started (a row: yes)."""


def roll_up(store: Store, dataset_id: str, now: int) -> None:
    """Recount the dataset's entries (``completed`` counts completed and errored), its progress and status; touch
    the dataset and its project."""
    dataset = store.get(r.Dataset, dataset_id)
    if dataset is None:
        return
    total, completed, in_progress, started = (int(value or 0) for value in store.rows(ROLL_UP, (dataset_id,))[0])
    _rolled(store, dataset, now, total, completed, in_progress, bool(started))


def roll_up_added(store: Store, dataset_id: str, now: int) -> None:
    """``roll_up`` after one new ``pending`` entry nobody submitted, from the counters and status the last roll-up
    left instead of a recount (whether any entry started is read only where the status does not say it)."""
    dataset = store.get(r.Dataset, dataset_id)
    if dataset is None:
        return
    before = dataset.entries_total_count
    started = before > 0 and (dataset.status == "in_progress" or (
        dataset.status == "completed" and bool(store.scalars(ANY_STARTED, (dataset_id,)))))
    _rolled(store, dataset, now, before + 1, dataset.entries_completed_count, dataset.entries_in_progress_count,
            started)


def _rolled(store: Store, dataset: r.Dataset, now: int, total: int, completed: int, in_progress: int,
            started: bool) -> None:
    changes: Changes = {"entries_total_count": total, "entries_completed_count": completed,
                        "entries_in_progress_count": in_progress, "updated_at": now}
    if total:
        changes |= {"progress": round(completed / total, 3),
                    "status": "completed" if completed >= total else "in_progress" if started else "pending"}
    store.update(dataset, **changes)
    touch_project(store, dataset.project_id, now)


def touch_project(store: Store, project_id: str, now: int) -> None:
    project = store.get(r.Project, project_id)
    if project is not None:
        store.update(project, updated_at=now)


def touch_entry(store: Store, entry_id: str, now: int) -> None:
    """An annotation or note changed: the entry, its dataset and its project are touched."""
    entry = store.get(r.Entry, entry_id)
    if entry is not None:
        store.update(entry, updated_at=now)
        roll_up(store, entry.dataset_id, now)
