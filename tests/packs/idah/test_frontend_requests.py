"""The IDAH frontend's requests (``BackendDataSource.ts``), replayed with its exact shapes: percent-encoded
Rack brackets, the ``auth-token`` cookie, relationship types as it sends them; and what it reads back."""

from __future__ import annotations

from typing import Any

from tests.packs.idah.conftest import JSONAPI


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def test_the_query_string_is_percent_encoded_rack(as_role: Any) -> None:
    owner = as_role("owner")
    query = owner.get("/entries", ("filter[status__in][]", "pending"), ("page[size]", 2), ("count", "true"))
    assert "filter%5Bstatus__in%5D%5B%5D=pending" in str(query.request.url)
    body = query.json()
    assert len(body["data"]) == 2 and {e["attributes"]["status"] for e in body["data"]} == {"pending"}
    everything = ids(owner.get("/entries", ("filter[status__in][]", "pending"), ("page[size]", 1000)))
    assert body["meta"] == {"count": len(everything), "more": False} and len(everything) > 2


def test_repeated_in_values_and_an_array_id_filter_mean_in(as_role: Any) -> None:
    owner = as_role("owner")
    both = owner.get("/entries", ("filter[status__in][]", "pending"), ("filter[status__in][]", "errored")).json()
    assert {e["attributes"]["status"] for e in both["data"]} == {"pending", "errored"}
    projects = ids(owner.get("/projects"))
    assert ids(owner.get("/projects", ("filter[id][]", projects[1]))) == [projects[1]]


def test_filters_the_service_does_not_declare_are_dropped_not_rejected(as_role: Any) -> None:
    owner = as_role("owner")
    every = ids(owner.get("/projects"))
    assert ids(owner.get("/projects", ("filter[id__in][]", "nope"), ("fields[dataset:projects][]", "name"))) == every
    datasets = ids(owner.get("/datasets"))
    assert ids(owner.get("/datasets", ("filter[project_id__in][]", "nope"))) == datasets
    assert ids(owner.get("/entries", ("filter[no_such_field]", "x"))) == ids(owner.get("/entries"))


def test_match_and_sort_and_paging(as_role: Any) -> None:
    owner = as_role("owner")
    night = owner.get("/datasets", ("filter[name__match]", "NIGHT")).json()["data"]
    assert [d["attributes"]["name"] for d in night] == ["Batch 2 - night"]
    newest = owner.get("/entries", ("sort", "-created_at")).json()["data"]
    stamps = [e["attributes"]["created_at"] for e in newest]
    assert stamps == sorted(stamps, reverse=True)
    first, second = (ids(owner.get("/entries", ("sort", "-created_at"), ("page[number]", n), ("page[size]", 3)))
                     for n in (1, 2))
    assert first + second == [e["id"] for e in newest[:6]]


def test_sparse_fieldsets_keep_the_named_attributes(as_role: Any) -> None:
    owner = as_role("owner")
    members = owner.get("/project_members", ("fields[dataset:project_members][]", "name"),
                        ("fields[dataset:project_members][]", "email"),
                        ("fields[dataset:project_members][]", "picture_url")).json()["data"]
    assert members and all(set(m["attributes"]) == {"name", "email"} for m in members)


def test_entries_with_their_people_included(as_role: Any) -> None:
    owner = as_role("owner")
    body = owner.get("/entries", ("filter[wf_step]", "done"), ("included[]", "assigned_to"),
                     ("included[]", "submitted_by"), ("included[]", "reviewed_by")).json()
    done = body["data"][0]
    submitted = done["relationships"]["submitted_by"]["data"]
    assert submitted == {"type": "dataset:project_members", "id": str(done["attributes"]["submitted_by_id"])}
    people = {(i["type"], i["attributes"]["account_id"]) for i in body["included"]}
    assert ("dataset:project_members", done["attributes"]["submitted_by_id"]) in people
    assert ("dataset:project_members", done["attributes"]["reviewed_by_id"]) in people


def test_an_entry_with_its_dataset_and_project(as_role: Any) -> None:
    owner = as_role("owner")
    entry = ids(owner.get("/entries"))[0]
    body = owner.get(f"/entries/{entry}", ("included[]", "dataset"), ("included[]", "dataset.project")).json()
    assert body["data"]["relationships"]["dataset"]["data"]["type"] == "dataset:datasets"
    assert sorted(i["type"] for i in body["included"]) == ["dataset:datasets", "dataset:projects"]
    assert "links" not in body and "id" not in body["data"]["attributes"]


def test_a_dataset_with_its_entries_lists_them_as_a_has_many_linkage(as_role: Any) -> None:
    owner = as_role("owner")
    dataset = owner.get("/datasets", ("filter[name__match]", "downtown")).json()["data"][0]
    assert "entries" not in dataset["relationships"]
    shown = owner.get(f"/datasets/{dataset['id']}", ("included[]", "entries")).json()
    linked = shown["data"]["relationships"]["entries"]["data"]
    assert len(linked) == dataset["attributes"]["entries_total_count"] == len(shown["included"])


def test_times_are_rubys_and_ids_uuidv7(as_role: Any) -> None:
    project = as_role("owner").get("/projects").json()["data"][0]
    assert project["attributes"]["created_at"].endswith(" +0000") and "T" not in project["attributes"]["created_at"]
    assert project["id"][14] == "7" and project["id"][19] in "89ab"


def test_create_a_dataset_and_an_entry_with_the_frontends_relationship_types(as_role: Any) -> None:
    owner = as_role("owner")
    project = ids(owner.get("/projects"))[0]
    created = owner.post("/datasets", {"data": {"type": "dataset:datasets", "attributes": {
        "name": "Batch 3", "modality": "idah-image", "labeling_configuration": {}, "workflow_configuration": {}},
        "relationships": {"project": {"data": {"type": "dataset:projects", "id": project}}}}})
    assert created.status_code == 201 and created.headers["content-type"] == JSONAPI
    dataset = created.json()["data"]
    entry = owner.post("/entries", {"data": {"type": "dataset:entries", "attributes": {
        "resource": "cam-1.jpg", "name": "cam-1.jpg", "status": "pending", "not_an_attribute": 1},
        "relationships": {"dataset": {"data": {"type": "datasets:datasets", "id": dataset["id"]}}}}})
    assert entry.status_code == 201, entry.text
    attributes = entry.json()["data"]["attributes"]
    assert (attributes["name"], attributes["wf_step"], attributes["status"]) == ("cam-1.jpg", "annotate", "pending")
    assert "not_an_attribute" not in attributes
    again = owner.get(f"/datasets/{dataset['id']}").json()["data"]["attributes"]
    assert (again["entries_total_count"], again["status"], again["progress"]) == (1, "pending", 0.0)
    duplicate = owner.post("/entries", {"data": {"type": "dataset:entries", "attributes": {"resource": "cam-1.jpg"},
                                                 "relationships": {"dataset": {"data": {"id": dataset["id"],
                                                                                        "type": "x"}}}}})
    assert duplicate.status_code == 422 and "already exists" in duplicate.json()["errors"][0]["detail"]


def test_a_member_is_created_with_the_accounts_copied_attributes(as_role: Any) -> None:
    owner = as_role("owner")
    project = owner.get("/projects", ("filter[name]", "Retail shelves")).json()["data"][0]["id"]
    created = owner.post("/project_members", {"data": {"type": "dataset:project_members", "attributes": {
        "project_id": project, "account_id": 7, "name": "Out Sider", "email": "outsider@acme.test",
        "role": "annotator", "invited_by_id": 2}, "relationships": {
        "project": {"data": {"type": "dataset:projects", "id": project}}}}})
    assert created.status_code == 201, created.text
    member = created.json()["data"]
    assert member["id"].isdigit() and member["relationships"]["project"]["data"]["id"] == project
    assert as_role("outsider").get("/projects").json()["data"][0]["id"] == project


def test_deletes_answer_204_without_a_body(as_role: Any) -> None:
    owner = as_role("owner")
    template = ids(owner.get("/label_config_templates"))[0]
    deleted = owner.delete(f"/label_config_templates/{template}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert owner.get(f"/label_config_templates/{template}").status_code == 404


def test_a_note_feed_create_answers_201_with_the_feed_and_resolve_resolves(as_role: Any) -> None:
    annotator = as_role("annotator")
    entry = annotator.get("/entries", ("filter[status]", "in_progress")).json()["data"][0]
    created = annotator.post("/note_feeds", {"data": {"type": "dataset:note_feeds", "attributes": {
        "entry_id": entry["id"], "anchor_type": "entry", "position": {"x": 0.4, "y": 0.2}, "content_md": "Blurry"}}})
    assert created.status_code == 201, created.text
    feed = created.json()["data"]
    assert (feed["attributes"]["status"], feed["attributes"]["project_id"]) == ("pending",
                                                                                 entry["attributes"]["project_id"])
    badge = annotator.get("/note_feeds", ("filter[entry_id]", entry["id"]), ("filter[status__in][]", "pending"),
                          ("sort", "-created_at"), ("page[size]", 1000), ("count", "true")).json()
    comment = annotator.post("/note_comments", {"data": {"type": "dataset:note_comments", "attributes": {
        "content_md": "Will redo"}, "relationships": {"note_feed": {"data": {"type": "dataset:note_feeds",
                                                                              "id": feed["id"]}}}}})
    assert comment.status_code == 201
    resolved = annotator.post(f"/note_feeds/{feed['id']}/resolve", {})
    assert resolved.json()["data"]["attributes"]["status"] == "resolved"
    after = annotator.get("/note_feeds", ("filter[entry_id]", entry["id"]), ("filter[status__in][]", "pending"),
                          ("count", "true")).json()
    assert after["meta"]["count"] == badge["meta"]["count"] - 1
    thread = annotator.get("/note_comments", ("filter[note_feed_id]", feed["id"]), ("sort", "created_at")).json()
    assert [c["attributes"]["content_md"] for c in thread["data"]] == ["Will redo"]


def test_incremental_annotation_sync_with_an_iso_time(as_role: Any) -> None:
    owner = as_role("owner")
    every = owner.get("/annotations").json()["data"]
    middle = sorted(a["attributes"]["updated_at"] for a in every)[len(every) // 2]
    iso = middle.replace(" +0000", ".000Z").replace(" ", "T")
    newer = owner.get("/annotations", ("filter[updated_at__gt]", iso)).json()["data"]
    assert 0 < len(newer) < len(every) and all(a["attributes"]["updated_at"] >= middle for a in newer)
    ignored = owner.get("/annotations", ("filter[updated_at__gte]", iso)).json()["data"]
    assert len(ignored) == len(every)


def test_label_config_templates_by_modality(as_role: Any) -> None:
    body = as_role("annotator").get("/label_config_templates", ("filter[modality]", "idah-video"),
                                     ("fields[dataset:label_config_templates][]", "name")).json()
    assert [t["attributes"] for t in body["data"]] == [{"name": "Vehicles (video)"}]


def test_entry_stats_count_annotations_and_notes(as_role: Any) -> None:
    owner = as_role("owner")
    entry = owner.get("/entries", ("filter[wf_step]", "review"), ("filter[status]", "in_progress")).json()["data"][0]
    stats = owner.get(f"/entry_stats/{entry['id']}", ("included[]", "entry")).json()
    annotations = owner.get("/annotations", ("filter[entry_id]", entry["id"]), ("count", "true")).json()
    assert stats["data"]["attributes"]["annotations_count"] == annotations["meta"]["count"] > 0
    assert stats["data"]["attributes"]["pending_note_feeds_count"] == 1
    assert stats["included"][0]["id"] == entry["id"]
