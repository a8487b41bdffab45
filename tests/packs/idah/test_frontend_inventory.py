"""The rest of the frontend's call inventory (reference ``idah-dataset.md`` §4), row by row, with the exact
parameters it sends, and what it reads back."""

from __future__ import annotations

from typing import Any

from tests.packs.idah.conftest import Client


def data(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_project_members_page(as_role: Any) -> None:
    owner = as_role("owner")
    project = data(owner.get("/projects", ("filter[organization_id]", 3), ("sort", "name")))[-1]["id"]
    body = owner.get("/project_members", ("filter[project_id]", project), ("filter[enabled]", "true"),
                     ("filter[email__match]", "ANNOT"), ("included[]", "project"),
                     ("fields[dataset:project_members][]", "id"), ("fields[dataset:project_members][]", "role"),
                     ("fields[dataset:project_members][]", "email"), ("fields[dataset:projects][]", "name"),
                     ("sort", "email"), ("page[number]", 1), ("page[size]", 10), ("count", "true")).json()
    emails = [m["attributes"]["email"] for m in body["data"]]
    assert emails == ["annotator2@acme.test", "annotator@acme.test"]  # disabled@… is not enabled
    assert body["meta"] == {"count": 2, "more": False}
    assert body["included"] == [{"type": "dataset:projects", "id": project, "attributes": {"name": "Traffic cams Q1"}}]


def test_member_role_change_and_removal(as_role: Any) -> None:
    owner = as_role("owner")
    member = data(owner.get("/project_members", ("filter[account_id]", 4)))[0]["id"]
    changed = owner.patch(f"/project_members/{member}", {"data": {"type": "dataset:project_members",
                                                                  "attributes": {"role": "reviewer"}}})
    assert data(changed)["attributes"]["role"] == "reviewer"
    assert owner.delete(f"/project_members/{member}").status_code == 204
    assert data(as_role("annotator2").get("/projects")) == []


def test_projects_page_and_edits(as_role: Any) -> None:
    owner = as_role("owner")
    newest = data(owner.get("/projects", ("filter[organization_id]", 3), ("sort", "-created_at"),
                            ("fields[dataset:projects][]", "name"), ("count", "true"), ("page[size]", 10)))
    assert [p["attributes"] for p in newest] == [{"name": "Retail shelves"}, {"name": "Traffic cams Q1"}]
    created = owner.post("/projects", {"data": {"type": "dataset:projects", "attributes": {
        "name": "New", "description": "Fresh", "organization_id": 3}}})
    assert created.status_code == 201 and created.json()["data"]["attributes"]["created_by_email"] == "owner@acme.test"
    project = created.json()["data"]["id"]
    renamed = owner.patch(f"/projects/{project}", {"data": {"type": "dataset:projects", "attributes": {
        "name": "Renamed", "organization_id": 99, "created_by_email": "x@y"}}})
    assert {k: data(renamed)["attributes"][k] for k in ("name", "organization_id", "created_by_email")} == \
        {"name": "Renamed", "organization_id": 3, "created_by_email": "owner@acme.test"}
    assert owner.delete(f"/projects/{project}").status_code == 204
    busy = newest[1]["id"]
    assert owner.delete(f"/projects/{busy}").status_code == 403


def test_datasets_page_and_label_edit(as_role: Any) -> None:
    owner = as_role("owner")
    project = data(owner.get("/projects", ("filter[name]", "Traffic cams Q1")))[0]["id"]
    listed = owner.get("/datasets", ("filter[project_id]", project), ("filter[name__match]", "batch"),
                       ("included[]", "project"), ("fields[dataset:datasets][]", "name"),
                       ("fields[dataset:datasets][]", "labels"), ("sort", "created_at")).json()
    assert [d["attributes"]["name"] for d in listed["data"]] == ["Batch 1 - downtown", "Batch 2 - night"]
    assert [i["type"] for i in listed["included"]] == ["dataset:projects"]
    dataset = listed["data"][0]["id"]
    shown = owner.get(f"/datasets/{dataset}", ("included[]", "project"), ("fields[dataset:datasets][]", "labels"))
    assert set(data(shown)["attributes"]) == {"labels"}
    relabelled = owner.patch(f"/datasets/{dataset}", {"data": {"type": "dataset:datasets", "attributes": {
        "labels": ["night", "rain"], "modality": "idah-video", "progress": 1}}})
    attributes = data(relabelled)["attributes"]
    assert (attributes["labels"], attributes["modality"]) == (["night", "rain"], "idah-image")
    assert attributes["progress"] < 1


def test_entries_page_filters_and_the_next_entry_lookup(as_role: Any) -> None:
    owner = as_role("owner")
    dataset = data(owner.get("/datasets", ("filter[name__match]", "downtown")))[0]["id"]
    assigned = owner.get("/entries", ("filter[dataset_id]", dataset),
                         ("filter[assigned_to_email__match]", "annotator2"), ("included[]", "assigned_to"),
                         ("fields[dataset:project_members][]", "name"), ("fields[dataset:project_members][]", "email"),
                         ("sort", "assigned_to_id,id")).json()
    assert {e["attributes"]["assigned_to_email"] for e in assigned["data"]} == {"annotator2@acme.test"}
    assert {i["attributes"]["email"] for i in assigned["included"]} == {"annotator2@acme.test"}
    unassigned = data(owner.get("/entries", ("filter[dataset_id]", dataset), ("filter[assigned]", "false")))
    assert unassigned and all(e["attributes"]["assigned_to_id"] is None for e in unassigned)
    steps = data(owner.get("/entries", ("filter[dataset_id]", dataset), ("filter[wf_step]", "annotate"),
                           ("filter[status__in][]", "pending"), ("sort", "-created_at"), ("page[size]", 1)))
    assert len(steps) == 1 and steps[0]["attributes"]["status"] == "pending"
    named = data(owner.get("/entries", ("filter[name__match]", steps[0]["attributes"]["name"])))
    assert steps[0]["id"] in {e["id"] for e in named}


def test_entry_detail_and_edits(as_role: Any) -> None:
    owner = as_role("owner")
    entry = data(owner.get("/entries", ("filter[wf_step]", "review"), ("filter[status]", "in_progress")))[0]
    detail = owner.get(f"/entries/{entry['id']}", ("included[]", "dataset"), ("included[]", "assigned_to"),
                       ("included[]", "reviewed_by")).json()
    types = sorted(i["type"] for i in detail["included"])
    assert types == ["dataset:datasets", "dataset:project_members"]  # no reviewer yet: nobody to include
    prioritised = owner.patch(f"/entries/{entry['id']}", {"data": {"type": "dataset:entries", "attributes": {
        "priority": -2, "wf_step": "done"}}})
    assert (data(prioritised)["attributes"]["priority"], data(prioritised)["attributes"]["wf_step"]) == (-2, "review")
    pending = data(owner.get("/entries", ("filter[status]", "pending"), ("filter[wf_step]", "annotate")))[0]["id"]
    assert owner.delete(f"/entries/{pending}").status_code == 204


def test_note_edits_and_removals(as_role: Any) -> None:
    reviewer: Client = as_role("reviewer")
    feed = data(reviewer.get("/note_feeds", ("filter[status__in][]", "pending"), ("sort", "-created_at")))[0]
    edited = reviewer.patch(f"/note_feeds/{feed['id']}", {"data": {"type": "dataset:note_feeds", "attributes": {
        "content_md": "Box too loose", "status": "resolved"}}})
    attributes = data(edited)["attributes"]
    assert (attributes["content_md"], attributes["status"]) == ("Box too loose", "pending")
    assert attributes["edited_at"] is not None
    comment = reviewer.post("/note_comments", {"data": {"type": "dataset:note_comments", "attributes": {
        "content_md": "see frame 3"}, "relationships": {"note_feed": {"data": {"type": "dataset:note_feeds",
                                                                                "id": feed["id"]}}}}}).json()["data"]
    changed = reviewer.patch(f"/note_comments/{comment['id']}", {"data": {"type": "dataset:note_comments",
                                                                           "attributes": {"content_md": "frame 4"}}})
    assert data(changed)["attributes"]["content_md"] == "frame 4"
    assert as_role("owner").patch(f"/note_comments/{comment['id']}", {"data": {
        "type": "dataset:note_comments", "attributes": {"content_md": "x"}}}).status_code == 403
    assert reviewer.delete(f"/note_comments/{comment['id']}").status_code == 204
    assert reviewer.delete(f"/note_feeds/{feed['id']}").status_code == 204
    assert reviewer.get(f"/note_feeds/{feed['id']}").status_code == 404
