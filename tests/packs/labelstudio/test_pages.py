"""The root, /api/project/storage-settings, /api/project-switch and the deprecated routes."""

from __future__ import annotations

from starlette.testclient import TestClient

HTML = "text/html; charset=utf-8"
S3 = "/api/project/storage-settings?storage_for=source&type=s3"


def test_the_root_redirects_to_welcome_without_tasks(fresh: TestClient, ls: TestClient) -> None:
    empty = fresh.get("/", follow_redirects=False)
    assert (empty.status_code, empty.headers["location"]) == (302, "http://testserver/welcome")
    assert '<a href="/welcome">/welcome</a>' in empty.text
    with_tasks = ls.get("/", follow_redirects=False)
    assert (with_tasks.status_code, with_tasks.headers["content-type"]) == (200, HTML)


def test_the_storage_forms(ls: TestClient) -> None:
    forms = ls.get("/api/project/storage-settings").json()
    assert sorted(forms["source"]) == ["gcs", "s3", "tasks-json"]
    assert sorted(forms["target"]) == ["completions-dir", "gcs-completions", "s3-completions"]
    assert [name for name, form in forms["source"].items() if form["current"]] == ["tasks-json"]
    assert forms["source"]["tasks-json"]["fields"] == []
    fields = {field["name"]: field["data"] for field in forms["source"]["s3"]["fields"]}
    assert fields == {"path": None, "prefix": None, "regex": None, "data_key": "image", "use_blob_urls": True,
                      "region": "us-east-1"}
    assert forms["target"]["s3-completions"]["path"].endswith("/completions")


def test_storage_form_errors(ls: TestClient) -> None:
    def post(path: str, body: object = None) -> tuple[int, object]:
        answer = ls.post(path, json=body) if body is not None else ls.post(path)
        return answer.status_code, answer.json().get("errors") or answer.json().get("detail")

    assert post(S3, {"type": "s3", "regex": "("}) == (400, {"path": ["This field is required."],
                                                          "regex": ["( is not a valid regular expression"]})
    assert post(S3, {"type": "s3", "path": "b"}) == (400, "Error while storage update: Unable to locate credentials")
    assert post(S3, {}) == (500, "first argument must be string or compiled pattern")
    assert post(S3) == (500, "first argument must be string or compiled pattern")
    assert post("/api/project/storage-settings?storage_for=source&type=nope", {"type": "nope"}) == (500, "'nope'")
    assert post("/api/project/storage-settings?storage_for=target&type=s3-completions", {"type": "x"}) == (
        400, {"path": ["This field is required."]})


def test_saving_the_local_storage_rewrites_its_config_entry(ls: TestClient) -> None:
    assert ls.get("/api/project").json()["config"]["source"]["path"].endswith("/tasks.json")
    assert ls.post("/api/project/storage-settings?storage_for=source&type=tasks-json", json={}).status_code == 500
    saved = ls.post("/api/project/storage-settings?storage_for=source", json={"type": "tasks-json"})
    assert (saved.status_code, saved.json()) == (201, {"result": "ok"})
    assert ls.get("/api/project").json()["config"]["source"] == {"name": "source", "params": {}, "path": None,
                                                                 "type": "tasks-json"}


def test_project_switch_in_single_project_mode(ls: TestClient) -> None:
    for method in ("GET", "POST"):
        missing = ls.request(method, "/api/project-switch")
        assert (missing.status_code, missing.headers["content-type"], missing.text) == (400, HTML, "Not a valid UUID")
        switched = ls.request(method, "/api/project-switch?uuid=x")
        assert (switched.status_code, switched.json()["detail"]) == (
            500, "'_AppCtxGlobals' object has no attribute 'user'")


def test_deprecated_routes_answer_as_the_new_ones(ls: TestClient) -> None:
    assert ls.get("/api/projects/1/next/").json() == ls.get("/api/project/next").json()
    ids = ls.get("/api/completions").json()["ids"]
    assert ls.get("/api/projects/1/completions_ids/").json() == ids and ids
    instruction = ls.get("/api/projects/1/expert_instruction")
    assert (instruction.headers["content-type"], instruction.text) == (HTML, ls.get("/api/project").json()[
        "instruction"])
    assert ls.post("/api/train").json() == "No ML backend" == ls.post("/predict", json={"image": "x"}).json()
    assert ls.get("/api/export?format=JSON").headers["content-type"] == "application/zip"
    assert ls.delete("/api/project/completions/").text == "done"
    assert ls.get("/api/projects/1/completions_ids").json() == []
    assert ls.delete("/api/tasks/delete").status_code == 204
    assert ls.get("/api/tasks").json() == []


def test_deprecated_routes_that_fail_with_the_500_page(ls: TestClient) -> None:
    for path, body in (("/api/tasks/0/cancel", None), ("/api/remove-ml-backend", {"name": "x"}), ("/predict", None)):
        answer = ls.post(path, json=body) if body is not None else ls.post(path)
        assert (answer.status_code, answer.headers["content-type"]) == (500, "text/html"), path
