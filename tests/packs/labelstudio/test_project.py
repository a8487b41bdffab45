"""/api/health, /version, /api/project, the config routes, import and next."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.packs.labelstudio.conftest import IMAGE_CONFIG, choice

HTML = "text/html; charset=utf-8"


def test_health_is_json_text_served_as_html(ls: TestClient) -> None:
    response = ls.get("/api/health")
    assert (response.status_code, response.headers["content-type"], response.text) == (200, HTML, '{"status": "up"}')
    assert ls.get("/api/health/").text == '{"status": "up"}'  # a trailing slash is ignored


def test_version_is_at_the_root_in_jsonify_form(ls: TestClient) -> None:
    response = ls.get("/version")
    assert response.json()["label-studio-backend"] == "0.8.1"
    assert response.content.endswith(b"}\n") and b": " not in response.content
    assert ls.get("/api/version").status_code == 404


def test_unknown_routes_and_methods_are_werkzeug_pages(ls: TestClient) -> None:
    missing = ls.get("/api/project/config")
    assert (missing.status_code, missing.headers["content-type"]) == (404, "text/html")
    assert "<title>404 Not Found</title>" in missing.text
    wrong = ls.put("/api/tasks/0")
    assert wrong.status_code == 405 and "<title>405 Method Not Allowed</title>" in wrong.text
    assert set(wrong.headers["allow"].split(", ")) >= {"GET", "DELETE"}


def test_the_project_counts_tasks_and_done_tasks(ls: TestClient) -> None:
    project = ls.get("/api/project").json()
    assert (project["task_count"], project["completion_count"]) == (20, 5)
    assert project["data_types"] == {"image": "Image"} and project["multi_session_mode"] is True
    assert isinstance(project["config"]["port"], int) and len(project["available_storages"]) == 6
    assert "label_config_updated" not in project["config"]
    assert project["label_config_line"].startswith("<View>  <Image")


def test_a_fresh_project_has_the_init_template(fresh: TestClient, empty_app: object) -> None:
    fresh_project = fresh.get("/api/project").json()  # the fixture saved a config
    assert fresh_project["config"]["label_config_updated"] is True
    assert fresh_project["label_config_line"] == IMAGE_CONFIG


def test_saving_a_config_from_json_or_a_form(fresh: TestClient) -> None:
    saved = fresh.post("/api/project/config", json={"label_config": IMAGE_CONFIG})
    assert (saved.status_code, saved.headers["content-type"], saved.content) == (201, HTML, b"")
    assert fresh.post("/api/project/config", data={"label_config": IMAGE_CONFIG}).status_code == 201


def config_errors(client: TestClient, config: object) -> list[str]:
    response = client.post("/api/project/config", json={"label_config": config})
    assert response.status_code == 400, response.text
    errors: list[str] = response.json()["label_config"]
    return errors


def test_config_errors_have_the_real_texts(fresh: TestClient) -> None:
    assert config_errors(fresh, IMAGE_CONFIG.replace('toName="image"', 'toName="nope"')) == [
        "toName=\"nope\" not found in names: ['choice', 'image']"]
    assert config_errors(fresh, "<View><Image") == [
        "Couldn't find end of Start Tag Image line 1, line 1, column 13 (<string>, line 1)"]
    assert config_errors(fresh, IMAGE_CONFIG.replace('<Choice value="Dog"/>', "")) == [
        "Validation failed on Choice: OrderedDict([('value', 'Cat')]) is not of type 'array'"]
    assert config_errors(fresh, 5) == ["can only parse strings"]
    assert fresh.post("/api/project/config", json={}).json() == {"label_config": ["can only parse strings"]}
    assert fresh.post("/api/project/config", json={"label_config": "<View><Foo/></View>"}).status_code == 201


def test_malformed_json_to_the_config_is_werkzeugs_400_page(fresh: TestClient) -> None:
    response = fresh.post("/api/project/config", content=b"{bad", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.headers["content-type"]) == (400, "text/html")
    assert "<title>400 Bad Request</title>" in response.text


def test_a_config_must_keep_data_keys_and_used_labels(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg", "extra": 1}])
    fresh.post("/api/tasks/0/completions", json={"result": choice("Cat")})
    assert config_errors(fresh, IMAGE_CONFIG.replace("$image", "$img")) == [
        "You have already imported tasks and they are incompatible with a new config. You've specified "
        "value=$img, but imported tasks contain only keys: ['image', 'extra']"]
    assert config_errors(fresh, IMAGE_CONFIG.replace('"Cat"', '"Bird"')) == [
        "You've already completed some tasks, but some of them couldn't be loaded with this config: there are "
        "labels already created for \"choice\":\n['Cat']"]


def test_validate_config_reads_a_form_only(fresh: TestClient) -> None:
    ok = fresh.post("/api/validate-config", data={"label_config": IMAGE_CONFIG})
    assert (ok.status_code, ok.headers["content-type"]) == (204, HTML)
    bad = fresh.post("/api/validate-config", data={"label_config": "<View><Image"})
    assert bad.status_code == 400 and bad.json()["label_config"][0].startswith("Couldn't find end")
    as_json = fresh.post("/api/validate-config", json={"label_config": IMAGE_CONFIG})
    assert (as_json.status_code, as_json.text) == (417, "No label_config in POST")


def test_import_assigns_consecutive_ids_and_saves_completions(fresh: TestClient) -> None:
    first = fresh.post("/api/project/import", json=[
        {"image": "a.jpg"},
        {"data": {"image": "b.jpg"}, "predictions": [{"result": choice("Dog"), "score": 0.5}]},
        {"data": {"image": "c.jpg"}, "completions": [{"result": choice("Cat")}]},
    ])
    assert first.status_code == 201
    body = first.json()
    assert {k: v for k, v in body.items() if k != "duration"} == {
        "completion_count": 1, "formats": {"request": 3}, "new_task_ids": [0, 1, 2], "prediction_count": 1,
        "task_count": 3}
    assert fresh.post("/api/project/import", json={"image": "d.jpg"}).json()["new_task_ids"] == [3]
    assert fresh.get("/api/tasks/2").json()["completions"][0]["id"] == 2001
    assert fresh.get("/api/project").json()["completion_count"] == 1


def test_import_errors_are_a_list_of_the_real_texts(fresh: TestClient) -> None:
    response = fresh.post("/api/project/import", json=[{"image": "ok.jpg"}, {"img": "x"}, {"image": 5},
                                                        {"data": {"img": "y"}}, "str",
                                                        {"data": {"image": "z"}, "completions": [{}]}])
    assert response.status_code == 400
    assert response.json() == [
        "Error   at item 1: \"image\" key is expected in task data [assume: item as is = task root with values]  "
        ":: {'img': 'x'}",
        "Error   at item 2: data[\"image\"]=5 is of type \"<class 'int'>\", but types \"[<class 'str'>]\" are "
        "expected [assume: item as is = task root with values]  :: {'image': 5}",
        "Error   at item 3: \"image\" key is expected in task data [assume: item[\"data\"] = task root with "
        "values] :: {'data': {'img': 'y'}}",
        "Error   at item 4: Task root must be dict with \"data\", \"meta\", \"completions\", \"predictions\" fields "
        ":: str",
        "Error   at item 5: Completion must have \"result\" fields :: {'data': {'image': 'z'}, 'completions': [{}]}",
    ]
    assert fresh.get("/api/project").json()["task_count"] == 0


def test_import_of_an_empty_list_or_a_scalar(fresh: TestClient) -> None:
    empty = fresh.post("/api/project/import", json=[])
    assert empty.status_code == 400 and empty.json()[0].endswith(":: ImmutableMultiDict([])")
    scalar = fresh.post("/api/project/import", json=5)
    assert scalar.status_code == 500
    assert scalar.json()["detail"] == "load_tasks: No data found in DATA or in FILES"
    assert set(scalar.json()) == {"detail", "request", "result", "status"}


def test_next_is_the_lowest_open_task_and_404_when_none_is_left(fresh: TestClient) -> None:
    assert (fresh.get("/api/project/next").status_code, fresh.get("/api/project/next").content) == (404, b"")
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"image": "b.jpg"}])
    assert fresh.get("/api/project/next").json() == {"data": {"image": "a.jpg"}, "id": 0}
    fresh.post("/api/tasks/0/completions?was_cancelled=1", json={"result": []})  # cancelled counts as done
    assert fresh.get("/api/project/next").json()["id"] == 1
    fresh.post("/api/tasks/1/completions", json={"result": choice("Dog")})
    fresh.delete("/api/tasks/1/completions/1001")  # the last one: the task stays done
    missing = fresh.get("/api/project/next")
    assert (missing.status_code, missing.headers["content-type"]) == (404, HTML)


def test_next_follows_the_seeded_world(ls: TestClient) -> None:
    done = {t["id"] for t in json.loads(ls.get("/api/tasks?page_size=100").content) if "completions" in t}
    assert ls.get("/api/project/next").json()["id"] == min(set(range(20)) - done)


def test_the_source_task_keeps_imported_completions_but_not_meta(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"data": {"image": "a.jpg"}, "meta": {"m": 1},
                                             "completions": [{"result": choice("Cat")}]}])
    done = fresh.get("/api/tasks/0").json()
    assert done["completions"][0]["id"] == 1 and "meta" not in done
    fresh.delete("/api/tasks/0/completions")
    assert fresh.get("/api/tasks/0").json() == {"id": 0, "data": {"image": "a.jpg"},
                                                "completions": [{"result": choice("Cat")}]}
    assert fresh.get("/api/project/next").json()["completions"] == [{"result": choice("Cat")}]


def test_the_tag_schema_and_the_real_parsers_messages(fresh: TestClient) -> None:
    image = '<Image name="i" value="$image"/>'
    two = '<Choice value="A"/><Choice value="B"/>'
    cases = {
        f'<View><Image name="i" value="$image"/><Choices toName="i">{two}</Choices></View>':
            "Validation failed on : 'name' is a required property",
        f'<View><Image value="$image"/><Choices name="c" toName="i">{two}</Choices></View>':
            "Validation failed on : OrderedDict([('value', '$image')]) is not of type 'array'",
        f'<View>{image}<Choices name="c" toName="i"/></View>':
            "Validation failed on : 'Choice' is a required property",
        f'<View>{image}<Choices name="c" toName="i"><Choice value="A"/><Choice/></Choices></View>':
            "sequence item 1: expected str instance, int found",
        f'<View>{image}<Choices name="c" toName="i"><Choice value="1"/><Choice value="B"/></Choices></View>':
            "sequence item 1: expected str instance, int found",  # the path Choice/0/@value cannot be joined
        f'<View>{image}<Image name="i" value="$x"/></View>': "Label config contains non-unique names ['i', 'i']",
        f"<View><Image name='i' value='$image'/><Choices name='c' toName='x'>{two}</Choices></View>":
            "\"to_name=x is specified for output tag name=c, but we can't find it among input tags\"",
    }
    for config, message in cases.items():
        assert config_errors(fresh, config) == [message], config
    assert fresh.post("/api/project/config", json={"label_config": f"<Foo>{image}</Foo>"}).status_code == 201


def test_bodies_the_config_handler_cannot_read_are_werkzeugs_500_page(fresh: TestClient) -> None:
    for kwargs in ({"data": {"other": "x"}}, {"content": IMAGE_CONFIG, "headers": {"Content-Type": "application/xml"}},
                   {"content": b"x", "headers": {"Content-Type": "text/plain"}}, {}):
        response = fresh.post("/api/project/config", **kwargs)  # type: ignore[arg-type]
        assert (response.status_code, response.headers["content-type"]) == (500, "text/html"), kwargs
        assert "<title>500 Internal Server Error</title>" in response.text


def test_list_items_need_a_text_key(fresh: TestClient) -> None:
    config = '<View><List name="l" value="$l"/><Choices name="c" toName="l"><Choice value="A"/><Choice value="B"/>' \
             "</Choices></View>"
    assert fresh.post("/api/project/config", json={"label_config": config}).status_code == 201
    assert fresh.post("/api/project/import", json=[{"l": [{"text": "a"}]}]).status_code == 201
    missing = fresh.post("/api/project/import", json=[{"l": [{"txt": "a"}]}]).json()
    assert missing == ["Error   at item 0: Each item from List must have key text [assume: item as is = task root "
                       "with values]  :: {'l': [{'txt': 'a'}]}"]
    numbers = fresh.post("/api/project/import", json=[{"l": [1]}])
    assert (numbers.status_code, numbers.json()["detail"]) == (500, "argument of type 'int' is not iterable")


def test_prediction_score_sampling_takes_the_extreme_mean_among_open_predicted_tasks() -> None:
    from mockserver import Settings, create_app

    app = create_app(Settings(api="labelstudio", seed=2, recipe="scored"))
    with app.test_client() as client:
        tasks = client.get("/api/tasks?page_size=100").json()
        open_scores = {t["id"]: sum(p["score"] for p in t["predictions"]) / len(t["predictions"])
                       for t in tasks if "completions" not in t}
        assert client.get("/api/project").json()["config"]["sampling"] == "prediction-score-min"
        chosen = client.get("/api/project/next").json()
        assert chosen["id"] == min(open_scores, key=open_scores.__getitem__)
        client.post(f"/api/tasks/{chosen['id']}/completions", json={"result": []})
        del open_scores[chosen["id"]]
        assert client.get("/api/project/next").json()["id"] == min(open_scores, key=open_scores.__getitem__)
        client.post("/api/project/import", json=[{"data": {"image": "x.jpg"}, "predictions": [{"result": []}]}])
        broken = client.get("/api/project/next")
        assert (broken.status_code, broken.json()["detail"]) == (500, "'score'")
