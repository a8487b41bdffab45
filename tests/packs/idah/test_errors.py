"""The service's error forms for what clients get wrong: types, includes, paging, bodies, routes."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.packs.idah.conftest import BASE


def only_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1
    return dict(errors[0])


def test_a_wrong_data_type_is_422(as_role: Any) -> None:
    error = only_error(as_role("owner").post("/note_feeds", {"data": {"type": "dataset:notes", "attributes": {}}}),
                       422)
    assert error == {"status": 422, "title": "Verse::Error::ValidationFailed", "detail": "type invalid",
                     "source": {"pointer": "/data/type"}}


def test_included_outside_the_whitelist(as_role: Any) -> None:
    owner = as_role("owner")
    index = only_error(owner.get("/entries", ("included[]", "annotations")), 422)
    assert index["detail"].startswith("must be one of: dataset, dataset.project")
    project = owner.get("/projects").json()["data"][0]["id"]
    assert only_error(owner.get(f"/projects/{project}", ("included[]", "datasets")), 422)["detail"] == \
        "included unauthorized"
    entry = owner.get("/entries").json()["data"][0]["id"]
    assert only_error(owner.get(f"/entries/{entry}", ("included[]", "notes")), 422)["detail"] == \
        "included unauthorized"
    assert owner.get("/projects", ("included[]", "anything")).status_code == 200  # not declared on index: ignored


def test_paging_bounds_are_422_with_a_pointer(as_role: Any) -> None:
    owner = as_role("owner")
    for key, value, text in (("page[size]", 0, "must be between 1 and 1000"),
                             ("page[size]", 1001, "must be between 1 and 1000"),
                             ("page[number]", 0, "must be between 1 and 1000000"),
                             ("page[size]", "ten", "must be an integer")):
        error = only_error(owner.get("/datasets", (key, value)), 422)
        assert (error["detail"], error["source"]["pointer"]) == (text, "/" + key.replace("[", "/").rstrip("]")
                                                                .replace("]", ""))


def test_malformed_json_is_the_services_400_never_a_500(http: TestClient, idah_app: Any) -> None:
    headers = {"Authorization": idah_app.backend.world.token("owner"), "Content-Type": "application/vnd.api+json"}
    for body in (b"{nope", b"[1, 2", b"\xff\xfe", b'{"data": ' * 5000):
        response = http.post(f"{BASE}/projects", content=body, headers=headers)
        assert only_error(response, 400)["title"] == "Verse::Error::BadRequest"


def test_unknown_routes_and_methods(as_role: Any) -> None:
    owner = as_role("owner")
    assert only_error(owner.get("/nowhere"), 404)["status"] == "404"
    wrong = owner.send("PUT", "/entries")
    assert only_error(wrong, 405)["status"] == "405" and wrong.headers["allow"] == "GET, HEAD, POST"


def test_business_refusals_are_403(as_role: Any) -> None:
    owner = as_role("owner")
    busy = owner.get("/entries", ("filter[status]", "in_progress")).json()["data"][0]["id"]
    assert only_error(owner.delete(f"/entries/{busy}"), 403)["detail"] == \
        "Unable to delete in progress or completed entry"
    dataset = owner.get("/datasets", ("filter[status]", "in_progress")).json()["data"][0]["id"]
    assert only_error(owner.delete(f"/datasets/{dataset}"), 403)["status"] == "403"


def test_a_client_chosen_id_that_is_taken_is_422(as_role: Any) -> None:
    owner = as_role("owner")
    taken = owner.get("/projects").json()["data"][0]["id"]
    error = only_error(owner.post("/projects", {"data": {"type": "dataset:projects", "id": taken,
                                                         "attributes": {"name": "Again", "organization_id": 3}}}), 422)
    assert (error["detail"], error["source"]["pointer"]) == ("has already been taken", "/data/id")


def test_numbers_beyond_64_bits_are_400_not_500(as_role: Any) -> None:
    owner = as_role("owner")
    project = owner.get("/projects").json()["data"][0]["id"]
    response = owner.post("/datasets", {"data": {"type": "dataset:datasets", "attributes": {
        "name": "Big", "modality": "idah-image", "labeling_configuration": {"n": 2**70}},
        "relationships": {"project": {"data": {"type": "dataset:projects", "id": project}}}}})
    assert only_error(response, 400)["detail"].startswith("Number out of range")


def test_a_create_without_its_parent_relationship_is_422(as_role: Any) -> None:
    error = only_error(as_role("owner").post("/entries", {"data": {"type": "dataset:entries",
                                                                   "attributes": {"resource": "a.jpg"}}}), 422)
    assert (error["detail"], error["source"]["pointer"]) == ("is missing", "/data/relationships")
