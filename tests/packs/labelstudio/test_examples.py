"""/api/import-example and /api/import-example-file: sample tasks of a config."""

from __future__ import annotations

from urllib.parse import quote

from starlette.testclient import TestClient

from tests.packs.labelstudio.conftest import IMAGE_CONFIG

HTML = "text/html; charset=utf-8"
TEXT_CONFIG = '<View><Text name="t" value="$text"/><Text name="u" value="$url" valueType="url"/></View>'


def example(client: TestClient, config: str) -> tuple[int, str, str]:
    answer = client.get("/api/import-example?label_config=" + quote(config))
    return answer.status_code, answer.headers["content-type"], answer.text


def test_a_sample_task_by_tag_and_by_value_name(fresh: TestClient) -> None:
    assert example(fresh, IMAGE_CONFIG) == (200, HTML, '{"image":"static\\/samples\\/sample.jpg"}')
    status, _, text = example(fresh, TEXT_CONFIG.replace("</View>", '<Text name="v" value="$video"/><Foo '
                                                                      'name="f" value="$foo"/></View>'))
    assert status == 200 and text.startswith(
        '{"text":"To have faith is to trust yourself to the water","url":"https:\\/\\/htx-pub.s3.amazonaws.com'
        '\\/example.txt","video":"<video src=\'static\\/samples\\/opossum_snow.mp4\'')
    assert text.endswith(',"foo":"Something"}')


def test_a_config_comment_adds_its_data(fresh: TestClient) -> None:
    config = IMAGE_CONFIG.replace("</View>", '<!-- {"data": {"image": "my.jpg", "more": 1}} --></View>')
    assert example(fresh, config)[2] == '{"image":"my.jpg","more":1}'


def test_a_refused_or_missing_config_is_a_text(ls: TestClient) -> None:
    assert example(ls, "<View") == (400, HTML, "error while example generating")
    assert example(ls, "") == (400, HTML, "error while example generating")
    # checked against the imported tasks too: the default world's tasks have no "text"
    assert example(ls, TEXT_CONFIG)[2] == "error while example generating"


def test_the_form_of_the_post(fresh: TestClient) -> None:
    answer = fresh.post("/api/import-example", data={"label_config": IMAGE_CONFIG})
    assert (answer.status_code, answer.text) == (200, '{"image":"static\\/samples\\/sample.jpg"}')


def test_the_example_file_in_each_format(fresh: TestClient) -> None:
    answer = fresh.get("/api/import-example-file")
    assert (answer.status_code, answer.headers["content-type"]) == (200, HTML)
    assert answer.text == '[{"image":"static\\/samples\\/sample.jpg"},{"image":"static\\/samples\\/sample.jpg"}]'
    assert answer.headers["content-disposition"] == f"attachment; filename={answer.headers['filename']}"
    assert answer.headers["filename"].startswith("sample-") and answer.headers["filename"].endswith(".json")
    assert fresh.get("/api/import-example-file?q=csv").text == \
        "image\nstatic/samples/sample.jpg\nstatic/samples/sample.jpg\n"
    assert fresh.get("/api/import-example-file?q=txt").text == "static/samples/sample.jpg\nstatic/samples/sample.jpg\n"
    assert "filename" not in fresh.get("/api/import-example-file?raw=1").headers


def test_an_unknown_format_or_txt_of_many_keys_is_the_500_page(fresh: TestClient) -> None:
    unknown = fresh.get("/api/import-example-file?q=xlsx")
    assert (unknown.status_code, unknown.headers["content-type"]) == (500, "text/html")
    assert fresh.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status_code == 201
    assert fresh.get("/api/import-example-file?q=txt").status_code == 500
    assert fresh.get("/api/import-example-file?q=tsv").text.startswith("text\turl\n")
