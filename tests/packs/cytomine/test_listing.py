"""The collection envelope: max/offset/perPage/totalPages, sort and order, field filters."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from mockserver.packs.cytomine.listing import collection, column_order

Role = Callable[[str], dict[str, str]]
ITEMS = [{"id": i, "created": str(1000 + i), "name": f"n{i}", "size": i * 10} for i in range(1, 6)]


@pytest.mark.parametrize(("max_", "offset", "ids", "per_page", "pages"), [
    (None, None, [5, 4, 3, 2, 1], 5, 1),
    (0, 0, [5, 4, 3, 2, 1], 5, 1),
    (2, 0, [5, 4], 2, 3),
    (2, 4, [1], 2, 3),
    (10, 0, [5, 4, 3, 2, 1], 5, 1),
    (2, 9, [], 2, 3),
])
def test_paging(max_: int | None, offset: int | None, ids: list[int], per_page: int, pages: int) -> None:
    page = collection(ITEMS, {}, max=max_, offset=offset)
    assert [i["id"] for i in page["collection"]] == ids
    assert (page["size"], page["perPage"], page["totalPages"], page["offset"]) == (5, per_page, pages, offset or 0)


def test_an_empty_collection_has_no_pages() -> None:
    assert collection([], {}) == {"collection": [], "offset": 0, "perPage": 0, "size": 0, "totalPages": 0}


def test_sort_and_order() -> None:
    assert [i["id"] for i in collection(ITEMS, {}, sort="name", order="asc")["collection"]] == [1, 2, 3, 4, 5]
    assert [i["id"] for i in collection(ITEMS, {}, sort="size", order="DESC")["collection"]] == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(("query", "ids"), [
    ({"name[equals]": "n2"}, [2]), ({"name[nequals]": "n2"}, [5, 4, 3, 1]), ({"name[like]": "n*"}, [5, 4, 3, 2, 1]),
    ({"name[ilike]": "N3"}, [3]), ({"size[gte]": "30"}, [5, 4, 3]), ({"size[lte]": "20"}, [2, 1]),
    ({"id[in]": "1,3"}, [3, 1]), ({"size[gte]": "20", "size[lte]": "30"}, [3, 2]),
])
def test_field_filters(query: dict[str, str], ids: list[int]) -> None:
    assert [i["id"] for i in collection(ITEMS, query)["collection"]] == ids


def test_filters_reach_the_routes(cy: TestClient, as_role: Role) -> None:
    admin = as_role("admin")
    found = cy.get("/api/term.json", params={"name[ilike]": "*tumor*", "sort": "name", "order": "asc"},
                   headers=admin).json()
    assert [t["name"] for t in found["collection"]] == ["High-grade tumor", "Tumor"]
    refused = cy.get("/api/term.json", params={"name[near]": "x"}, headers=admin)
    assert refused.status_code == 400 and refused.json() == {"errors": {"message": "Operation near not supported"}}


def test_paging_parameters_are_validated(cy: TestClient, as_role: Role) -> None:
    response = cy.get("/api/project.json", params={"max": "-1"}, headers=as_role("admin"))
    assert response.status_code == 400 and "errors" in response.json()


ROWS = [(1, 30, None), (2, 10, 5), (3, 30, None), (4, 20, 5), (5, 10, 7)]


@pytest.mark.parametrize("sort", [None, "created", "updated", "id"])
@pytest.mark.parametrize("order", [None, "asc", "DESC"])
def test_column_order_sorts_rows_as_collection_sorts_items(sort: str | None, order: str | None) -> None:
    database = sqlite3.connect(":memory:")
    database.execute('CREATE TABLE items ("id" INTEGER, "created" INTEGER, "updated" INTEGER)')
    database.executemany("INSERT INTO items VALUES (?, ?, ?)", ROWS)
    columns = {"id": '"id"', "created": '"created"', "updated": '"updated"'}
    by_sql = [row[0] for row in database.execute(f"SELECT id FROM items ORDER BY {column_order(sort, order, columns)}")]
    items = [{"id": i, "created": str(c), "updated": None if u is None else str(u)} for i, c, u in ROWS]
    assert by_sql == [item["id"] for item in collection(items, {}, sort=sort, order=order)["collection"]]


def test_column_order_leaves_other_fields_to_collection() -> None:
    assert column_order("area", "asc", {"id": '"id"'}) is None
