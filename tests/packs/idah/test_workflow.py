"""The entry workflow end to end (select → annotate → submit → review → reject/approve → done, error events,
assignment), the dataset roll-up after every change and the ``updated_at`` touch cascade."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.app import MockApp
from tests.packs.idah.conftest import Client

BOX = {"type": "idah-image:bounding-box", "points": [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3]]}


@pytest.fixture
def ticking(empty_app: MockApp) -> Iterator[None]:
    """A clock that moves one second per reading (touches become visible in second-resolution times)."""
    seconds = itertools.count(1_780_000_000)
    before = empty_app.backend.clock
    empty_app.backend.clock = lambda: next(seconds) * 1000
    yield
    empty_app.backend.clock = before


@pytest.fixture
def people(fresh_role: Any, ticking: None) -> dict[str, Client]:
    return {role: fresh_role(role) for role in ("owner", "annotator", "annotator2", "reviewer", "outsider")}


def make_dataset(owner: Client, entries: int, sample_rate: float = 1) -> tuple[str, list[str]]:
    project = owner.get("/projects").json()["data"][0]["id"]
    dataset = owner.post("/datasets", {"data": {"type": "dataset:datasets", "attributes": {
        "name": "Batch", "modality": "idah-image", "workflow_configuration": {"sample_rate": sample_rate}},
        "relationships": {"project": {"data": {"type": "dataset:projects", "id": project}}}}}).json()["data"]["id"]
    ids = [owner.post("/entries", {"data": {"type": "dataset:entries", "attributes": {
        "resource": f"{n}.jpg", "name": f"{n}.jpg", "status": "pending"}, "relationships": {"dataset": {"data": {
            "type": "datasets:datasets", "id": dataset}}}}}).json()["data"]["id"] for n in range(entries)]
    return dataset, ids


def state(client: Client, entry: str) -> tuple[str, str, int | None]:
    attributes = client.get(f"/entries/{entry}").json()["data"]["attributes"]
    return attributes["wf_step"], attributes["status"], attributes["assigned_to_id"]


def counters(client: Client, dataset: str) -> tuple[str, float, int, int, int]:
    a = client.get(f"/datasets/{dataset}").json()["data"]["attributes"]
    return (a["status"], a["progress"], a["entries_total_count"], a["entries_completed_count"],
            a["entries_in_progress_count"])


def submit(client: Client, entry: str, approved: bool = False) -> Any:
    return client.post(f"/entries/{entry}/submit", {"data": {"attributes": {"approved": approved}}})


def test_the_full_review_cycle_reaches_progress_one(people: dict[str, Client]) -> None:
    owner, annotator, annotator2, reviewer = (people[r] for r in ("owner", "annotator", "annotator2", "reviewer"))
    dataset, (first, second) = make_dataset(owner, 2)
    assert counters(owner, dataset) == ("pending", 0.0, 2, 0, 0)
    assert annotator.get("/entries").json()["data"] == []  # nothing assigned yet

    owner.patch(f"/entries/{first}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    assert state(annotator, first) == ("annotate", "in_progress", 3)
    assert counters(owner, dataset) == ("in_progress", 0.0, 2, 0, 1)
    selected = annotator.get(f"/entries/{first}/select").json()["data"]["attributes"]
    assert (selected["status"], selected["assigned_to_id"]) == ("in_progress", 3)
    made = annotator.rpc({"jsonrpc": "2.0", "method": "create", "id": "0", "params": {
        "id": str(uuid.uuid4()), "entry_id": first, "dimensions": BOX, "annotation": {"category": "car"}}})
    assert "result" in made.json()

    submitted = submit(annotator, first).json()["data"]  # approved: false at annotate is no rejection
    assert (submitted["attributes"]["wf_step"], submitted["attributes"]["status"]) == ("review", "pending")
    assert submitted["attributes"]["submitted_by_id"] == 3 and submitted["attributes"]["assigned_to_id"] is None
    assert annotator.get(f"/entries/{first}").status_code == 404  # no longer the annotator's
    assert [e["id"] for e in reviewer.get("/entries").json()["data"]] == [first]
    assert reviewer.get(f"/entries/{first}/select").json()["data"]["attributes"]["assigned_to_id"] == 5

    rejected = submit(reviewer, first, approved=False).json()["data"]["attributes"]
    assert (rejected["wf_step"], rejected["status"], rejected["assigned_to_id"], rejected["reviewed_by_id"]) == \
        ("annotate", "in_progress", 3, 5)
    resubmitted = submit(annotator, first).json()["data"]["attributes"]
    assert (resubmitted["wf_step"], resubmitted["status"], resubmitted["assigned_to_id"]) == \
        ("review", "in_progress", 5)  # back to the reviewer who rejected it
    approved = submit(reviewer, first, approved=True).json()["data"]["attributes"]
    assert (approved["wf_step"], approved["status"], approved["assigned_to_id"]) == ("done", "completed", None)
    assert counters(owner, dataset) == ("in_progress", 0.5, 2, 1, 0)

    assert annotator2.get(f"/entries/{second}/select").status_code == 404  # unassigned annotate entries: owners'
    owner.patch(f"/entries/{second}/assign", {"data": {"attributes": {"assigned_to_id": 4}}})
    errored = annotator2.post(f"/entries/{second}/error", {"data": {"attributes": {"message": "corrupt file"}}})
    assert (errored.json()["data"]["attributes"]["wf_step"], errored.json()["data"]["attributes"]["status"]) == \
        ("error", "errored")
    assert counters(owner, dataset) == ("completed", 1.0, 2, 2, 0)


def test_select_of_someone_elses_entry_is_403(people: dict[str, Client]) -> None:
    owner = people["owner"]
    _, (entry,) = make_dataset(owner, 1)
    owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    refused = owner.get(f"/entries/{entry}/select")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["detail"] == "You are not assigned to this entry"
    assert submit(people["annotator"], entry).status_code == 200
    assert people["annotator2"].post(f"/entries/{entry}/submit", {}).status_code == 404


def test_review_needs_approved_and_done_has_no_submit(people: dict[str, Client]) -> None:
    owner, annotator, reviewer = people["owner"], people["annotator"], people["reviewer"]
    _, (entry,) = make_dataset(owner, 1)
    owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    submit(annotator, entry)
    reviewer.get(f"/entries/{entry}/select")
    missing = reviewer.post(f"/entries/{entry}/submit", {"data": {"attributes": {}}})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["detail"] == "Missing required option :approved for review step"
    submit(reviewer, entry, approved=True)
    assert owner.post(f"/entries/{entry}/submit", {}).status_code == 422
    assert owner.post(f"/entries/{entry}/error", {}).status_code == 422


def test_sample_rate_zero_skips_review(people: dict[str, Client]) -> None:
    owner = people["owner"]
    dataset, (entry,) = make_dataset(owner, 1, sample_rate=0)
    owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    assert submit(people["annotator"], entry).json()["data"]["attributes"]["wf_step"] == "done"
    assert counters(owner, dataset)[:2] == ("completed", 1.0)


def test_assignment_rules(people: dict[str, Client]) -> None:
    owner, annotator = people["owner"], people["annotator"]
    dataset, (entry,) = make_dataset(owner, 1)
    outsider = owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 7}}})
    assert outsider.status_code == 422
    assert annotator.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}}).status_code \
        == 404
    owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    assert annotator.patch(f"/entries/{entry}/unassign").status_code == 403
    unassigned = owner.patch(f"/entries/{entry}/unassign")
    assert unassigned.status_code == 200
    assert (unassigned.json()["data"]["attributes"]["status"], unassigned.json()["data"]["attributes"][
        "assigned_to_id"]) == ("pending", None)
    assert counters(owner, dataset) == ("pending", 0.0, 1, 0, 0)


def test_disabling_a_member_unassigns_their_entries(people: dict[str, Client]) -> None:
    owner = people["owner"]
    dataset, entries = make_dataset(owner, 2)
    for entry in entries:
        owner.patch(f"/entries/{entry}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    member = owner.get("/project_members", ("filter[account_id]", "3")).json()["data"][0]["id"]
    changed = owner.patch(f"/project_members/{member}", {"data": {"type": "dataset:project_members", "attributes": {
        "disabled_at": "2026-12-01T10:00:00.000Z", "account_id": 99}}})
    assert changed.status_code == 200
    attributes = changed.json()["data"]["attributes"]
    assert attributes["disabled_at"] == "2026-12-01 10:00:00 +0000" and attributes["account_id"] == 3  # read-only
    assert [state(owner, e) for e in entries] == [("annotate", "pending", None)] * 2
    assert counters(owner, dataset)[4] == 0
    assert people["annotator"].get("/projects").json()["data"] == []


def test_changes_touch_the_entry_dataset_and_project(people: dict[str, Client]) -> None:
    owner = people["owner"]
    dataset, (entry,) = make_dataset(owner, 1)
    project = owner.get(f"/datasets/{dataset}").json()["data"]["attributes"]["project_id"]

    def stamps() -> tuple[str, str, str]:
        return (owner.get(f"/entries/{entry}").json()["data"]["attributes"]["updated_at"],
                owner.get(f"/datasets/{dataset}").json()["data"]["attributes"]["updated_at"],
                owner.get(f"/projects/{project}").json()["data"]["attributes"]["updated_at"])

    before = stamps()
    owner.rpc({"jsonrpc": "2.0", "method": "create", "id": "0",
               "params": {"entry_id": entry, "dimensions": BOX, "annotation": {}}})
    after = stamps()
    assert all(new > old for new, old in zip(after, before, strict=True))


def test_duplicate_copies_entries_back_to_annotate(people: dict[str, Client]) -> None:
    owner = people["owner"]
    dataset, entries = make_dataset(owner, 3)
    owner.patch(f"/entries/{entries[0]}/assign", {"data": {"attributes": {"assigned_to_id": 3}}})
    owner.rpc({"jsonrpc": "2.0", "method": "create", "id": "0",
               "params": {"entry_id": entries[0], "dimensions": BOX, "annotation": {}}})
    copied = owner.post(f"/datasets/{dataset}/duplicate", {"dataset_name": "Again", "entry_ids": entries[:2],
                                                           "with_annotations": True}, "application/json")
    assert copied.status_code == 201
    copy = copied.json()["data"]
    assert (copy["attributes"]["name"], copy["attributes"]["entries_total_count"]) == ("Again", 2)
    copies = owner.get("/entries", ("filter[dataset_id]", copy["id"])).json()["data"]
    assert {(e["attributes"]["wf_step"], e["attributes"]["status"]) for e in copies} == {("annotate", "pending")}
    annotations = owner.get("/annotations", ("filter[dataset_id]", copy["id"]), ("count", "true")).json()
    assert annotations["meta"]["count"] == 1
