"""GET /api/project/export: ZIP members and records as label-studio-converter 0.0.22 writes them."""

from __future__ import annotations

import io
import json
import zipfile

from starlette.testclient import TestClient

from tests.packs.labelstudio.conftest import choice


def members(client: TestClient, export_format: str | None) -> dict[str, str]:
    response = client.get("/api/project/export" + (f"?format={export_format}" if export_format else ""))
    assert (response.status_code, response.headers["content-type"]) == (200, "application/zip")
    assert response.headers["filename"].endswith(".zip") and "attachment; filename=" in \
        response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def arrange(fresh: TestClient) -> None:
    fresh.post("/api/project/import", json=[{"image": "a.jpg"}, {"data": {"image": "b.jpg", "extra": 1},
                                                                  "predictions": [{"result": [], "score": 0.5}]},
                                            {"image": "c.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"lead_time": 2.5, "result": choice("Cat")})
    fresh.post("/api/tasks/0/completions?was_cancelled=1", json={"result": []})
    fresh.post("/api/tasks/1/completions", json={"result": [
        {"from_name": "choice", "to_name": "image", "type": "choices", "value": {"choices": ["Dog", "Cat"]}}]})


def test_json_is_the_completions_files(fresh: TestClient) -> None:
    arrange(fresh)
    records = json.loads(members(fresh, "JSON")["result.json"])
    assert [r["id"] for r in records] == [0, 1] and list(records[1]) == ["completions", "data", "id"]
    assert list(records[1]["data"]) == ["extra", "image"]  # the file is written with sorted keys
    fresh.delete("/api/tasks/1/completions/55555")  # a delete rewrites the file, with the predictions
    assert json.loads(members(fresh, "JSON")["result.json"])[1]["predictions"] == [{"result": [], "score": 0.5}]


def test_json_min_and_csv_take_the_newest_kept_completion(fresh: TestClient) -> None:
    arrange(fresh)
    assert json.loads(members(fresh, "JSON_MIN")["result.json"]) == [
        {"image": "a.jpg", "id": 0, "choice": "Cat"},
        {"extra": 1, "image": "b.jpg", "id": 1, "choice": {"choices": ["Dog", "Cat"]}}]
    assert members(fresh, "CSV")["result.csv"] == (
        'image,id,choice,extra\na.jpg,0,Cat,\nb.jpg,1,"{""choices"": [""Dog"", ""Cat""]}",1.0\n')
    assert members(fresh, "TSV")["result.csv"].startswith("image\tid\tchoice\textra\n")


def test_no_format_is_an_empty_zip_and_unknown_names_fail(fresh: TestClient) -> None:
    assert members(fresh, None) == {}
    for name in ("json", "YOLO", "ASR_MANIFEST"):
        response = fresh.get(f"/api/project/export?format={name}")
        assert (response.status_code, response.json()["detail"]) == (500, "")


NER = ('<View><Text name="text" value="$text"/><Labels name="label" toName="text"><Label value="PER"/>'
       '<Label value="ORG"/></Labels></View>')
BOXES = ('<View><Image name="image" value="$image"/><RectangleLabels name="box" toName="image"><Label value="Cat"/>'
         '</RectangleLabels></View>')


def span(start: int, end: int, label: str) -> dict[str, object]:
    return {"from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "labels": [label]}}


def test_conll2003_tags_whitespace_tokens(fresh: TestClient) -> None:
    assert fresh.post("/api/project/config", json={"label_config": NER}).status_code == 201
    fresh.post("/api/project/import", json=[{"text": "Alice works at Acme Corp now"}, {"text": "Bob  sleeps"}])
    fresh.post("/api/tasks/0/completions", json={"result": [span(0, 5, "PER"), span(15, 24, "ORG")]})
    fresh.post("/api/tasks/1/completions", json={"result": []})
    assert members(fresh, "CONLL2003") == {"result.conll": (
        "-DOCSTART- -X- O\nAlice -X- _ B-PER\nworks -X- _ O\nat -X- _ O\nAcme -X- _ B-ORG\nCorp -X- _ I-ORG\n"
        "now -X- _ O\n\nBob -X- _ O\nsleeps -X- _ O\n\n")}


def test_coco_and_voc_without_fetching_images(fresh: TestClient) -> None:
    assert fresh.post("/api/project/config", json={"label_config": BOXES}).status_code == 201
    fresh.post("/api/project/import", json=[{"image": "http://h/cat.jpg"}])
    fresh.post("/api/tasks/0/completions", json={"result": [{
        "from_name": "box", "to_name": "image", "type": "rectanglelabels", "original_width": 640,
        "original_height": 480, "value": {"x": 10, "y": 20, "width": 30.5, "height": 40, "rectanglelabels": ["Cat"]}}]})
    coco = members(fresh, "COCO")
    assert sorted(coco) == ["images/", "result.json"]
    document = json.loads(coco["result.json"])
    assert document["images"] == [{"width": 640, "height": 480, "id": 0, "file_name": "http://h/cat.jpg"}]
    assert document["annotations"][0]["bbox"] == [64, 96, 195, 192] and document["categories"] == [
        {"id": 0, "name": "Cat"}]
    voc = members(fresh, "VOC")
    assert sorted(voc) == ["Annotations/", "Annotations/cat.xml", "images/"]
    assert "<xmin>64</xmin>\n<ymin>96</ymin>\n<xmax>259</xmax>" in voc["Annotations/cat.xml"]
    failed = fresh.get("/api/project/export?format=CONLL2003")
    assert (failed.status_code, failed.json()["detail"]) == (500, "'start'")


def test_coco_of_a_choices_config_fails_as_the_real_one(fresh: TestClient) -> None:
    arrange(fresh)
    failed = fresh.get("/api/project/export?format=COCO")
    assert (failed.status_code, failed.json()["detail"]) == (500, "'original_width'")
