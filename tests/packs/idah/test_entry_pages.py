"""The entries index paged, sorted and counted by the store: the same rows, order and ``meta`` as the rules say
(each role's visibility, ``ordered``'s sort with NULLs last ascending and id breaking ties, the capped count)."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.app import MockApp
from mockserver.packs.idah import jsonapi, query
from mockserver.packs.idah import records as r
from mockserver.packs.idah.auth import principal_of
from mockserver.packs.idah.resources import RESOURCES

ROLES = ("admin", "owner", "annotator", "annotator2", "reviewer", "disabled", "outsider")
SORTS = ("", "-created_at", "assigned_to_id", "-assigned_to_id,created_at", "name,-priority", "wf_step,-id",
         "-unknown,status")


def expected(app: MockApp, role: str) -> list[r.Entry]:
    """The entries ``role`` sees, by the documented rule, read apart from the code under test."""
    store = app.backend.store
    who = principal_of(app.backend.world.token(role).removeprefix("Bearer "))
    assert who is not None
    roles = {m.project_id: m.role for m in store.select(r.ProjectMember)
             if m.account_id == who.account_id and m.disabled_at is None}
    owned = {p.id for p in store.select(r.Project)
             if who.owns_organization(p.organization_id) or roles.get(p.id) == "project_owner"}

    def sees(e: r.Entry) -> bool:
        role_there = roles.get(e.project_id)
        return (e.project_id in owned
                or (role_there == "annotator" and e.assigned_to_id == who.account_id)
                or (role_there == "reviewer" and (e.assigned_to_id == who.account_id or (
                    e.wf_step == "review" and e.assigned_to_id is None and e.submitted_by_id != who.account_id))))

    return [e for e in store.select(r.Entry) if sees(e)]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("sort", SORTS)
def test_a_page_holds_the_visible_entries_in_the_sorts_order(as_role: Any, idah_app: MockApp, role: str,
                                                             sort: str) -> None:
    rows = query.ordered(RESOURCES["entries"], expected(idah_app, role), tuple(s for s in sort.split(",") if s))
    pages = [as_role(role).get("/entries", *([("sort", sort)] if sort else []), ("page[number]", n),
                               ("page[size]", 4), ("count", "true")).json() for n in (1, 2)]
    assert [e["id"] for page in pages for e in page["data"]] == [e.id for e in rows[:8]]
    assert [page["meta"] for page in pages] == [{"count": len(rows), "more": False},
                                                {"count": max(4, len(rows)), "more": False}]


def test_the_roles_see_different_entries(idah_app: MockApp) -> None:
    """The rule is exercised: the roles' views differ, and none is empty but the outsider's and the disabled's."""
    seen = {role: {e.id for e in expected(idah_app, role)} for role in ROLES}
    assert seen["admin"] == seen["owner"] > seen["reviewer"] and seen["annotator"] and seen["annotator2"]
    assert seen["reviewer"] - seen["annotator"] and not seen["outsider"] and not seen["disabled"]


def test_the_count_stops_at_the_cap(as_role: Any, monkeypatch: pytest.MonkeyPatch, idah_app: MockApp) -> None:
    monkeypatch.setattr(query, "COUNT_CAP", 5)
    total = len(expected(idah_app, "owner"))
    first = as_role("owner").get("/entries", ("page[size]", 2), ("count", "true")).json()["meta"]
    last = as_role("owner").get("/entries", ("page[number]", 3), ("page[size]", total // 3),
                                ("count", "true")).json()["meta"]
    assert first == {"count": 5, "more": True}
    assert last == {"count": 2 * (total // 3) + min(5, total - 2 * (total // 3)), "more": total - 2 * (total // 3) > 5}


def test_an_entry_out_of_scope_is_not_found(as_role: Any, idah_app: MockApp) -> None:
    hidden = next(e for e in expected(idah_app, "owner") if e not in expected(idah_app, "annotator"))
    assert as_role("annotator").get(f"/entries/{hidden.id}").status_code == 404
    assert as_role("owner").get(f"/entries/{hidden.id}").status_code == 200


def test_each_dataset_is_included_once(as_role: Any) -> None:
    body = as_role("owner").get("/entries", ("included[]", "dataset"), ("page[size]", 50)).json()
    linked = [e["relationships"]["dataset"]["data"]["id"] for e in body["data"]]
    included = [i["id"] for i in body["included"]]
    assert len(linked) > len(set(linked)) and sorted(included) == sorted(set(linked))


def test_a_page_looks_up_each_record_its_rows_belong_to_once(idah_app: MockApp, monkeypatch: Any) -> None:
    from mockserver.packs.idah import jsonapi

    store = idah_app.backend.store
    store.reset()
    entries = store.select(r.Entry, order="id")
    asked: list[tuple[str, Any]] = []
    real = jsonapi.related

    def counted(store: Any, resource: Any, record: Any, rel: Any) -> list[Any]:
        asked.append((rel.name, getattr(record, rel.key), record.project_id))  # members: by project too
        return real(store, resource, record, rel)

    monkeypatch.setattr(jsonapi, "related", counted)
    body = jsonapi.document(store, RESOURCES["entries"], entries, {}, ("dataset", "assigned_to"), many=True)
    assert len(asked) == len(set(asked)) < len(entries)
    assert {(o["type"], o["id"]) for o in body["included"]} >= {("dataset:datasets", e.dataset_id) for e in entries}


def test_every_included_path_of_a_page_brings_each_record_once(as_role: Any) -> None:
    """Many rows name the same dataset, project and assignees: each comes once, and what lies beyond the dataset
    (its project) comes along even though later rows naming that dataset are not followed again."""
    paths = ("dataset.project", "assigned_to", "submitted_by", "dataset")
    body = as_role("owner").get("/entries", *(("included[]", path) for path in paths), ("page[size]", 100)).json()
    included = [(i["type"], i["id"]) for i in body["included"]]
    assert len(included) == len(set(included))
    datasets = {e["relationships"]["dataset"]["data"]["id"] for e in body["data"]}
    assert {id_ for kind, id_ in included if kind == "dataset:datasets"} == datasets
    projects = {i["relationships"]["project"]["data"]["id"] for i in body["included"]
                if i["type"] == "dataset:datasets"}
    assert projects and projects <= {id_ for kind, id_ in included if kind == "dataset:projects"}
    people = {e["relationships"][name]["data"]["id"] for e in body["data"] for name in ("assigned_to", "submitted_by")
              if e["relationships"][name]["data"]}
    members = {(i["attributes"]["account_id"], i["attributes"]["project_id"]) for i in body["included"]
               if i["type"] == "dataset:project_members"}
    assert people and {str(account) for account, _ in members} >= people


def test_a_compound_document_holds_a_record_once_even_when_a_path_leads_back_to_the_primary_data(
        idah_app: MockApp) -> None:
    """``dataset.entries`` from a page of entries reaches the page's own entries again: they stay in ``data`` and
    only the dataset's other entries are included (JSON:API: one resource object per type and id)."""
    store, entries = idah_app.backend.store, RESOURCES["entries"]
    rows = store.select(r.Entry, order="id", limit=2)
    body = jsonapi.document(store, entries, rows, {}, ["dataset.entries"], many=True)
    primary = {e["id"] for e in body["data"]}
    included = [(i["type"], i["id"]) for i in body["included"]]
    in_datasets = {e.id for e in store.select(r.Entry) if e.dataset_id in {row.dataset_id for row in rows}}
    assert len(included) == len(set(included))
    assert {id_ for kind, id_ in included if kind == entries.type} == in_datasets - primary
    assert in_datasets - primary and primary <= in_datasets
    assert body["data"][0]["relationships"]["project"] is body["data"][1]["relationships"]["project"]
