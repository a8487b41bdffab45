"""File imports of POST /api/project/import: by field name (the web UI) and the documented FileUpload form."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

import pytest
from starlette.testclient import TestClient


def upload(client: TestClient, *files: tuple[str, bytes], path: str = "/api/project/import") -> Any:
    return client.post(path, files=[(field, (field, content, "application/octet-stream")) for field, content in files])


def data(client: TestClient, ids: list[int]) -> list[dict[str, Any]]:
    return [client.get(f"/api/tasks/{task_id}").json()["data"] for task_id in ids]


def test_csv_rows_become_tasks_with_typed_values(fresh: TestClient) -> None:
    answer = upload(fresh, ("tasks.csv", b"image,n,flag,x\na.jpg,1,True,0.5\nb.jpg,,False,\n"))
    assert answer.status_code == 201 and answer.json()["formats"] == {".csv": 1}
    assert data(fresh, answer.json()["new_task_ids"]) == [{"image": "a.jpg", "n": 1.0, "flag": True, "x": 0.5},
                                                          {"image": "b.jpg", "n": "", "flag": False, "x": ""}]


def test_tsv_txt_and_json_files(fresh: TestClient) -> None:
    answer = upload(fresh, ("a.tsv", b"image\tn\nc.jpg\t2\n"), ("b.txt", b"d.jpg\ne.jpg\n"),
                    ("c.json", b'[{"image": "f.jpg"}]'))
    assert answer.json()["formats"] == {".tsv": 1, ".txt": 1, ".json": 1}
    assert data(fresh, answer.json()["new_task_ids"]) == [
        {"image": "c.jpg", "n": 2}, {"image": "d.jpg"}, {"image": "e.jpg"}, {"image": "f.jpg"}]


def test_other_files_become_one_url_task_each(fresh: TestClient) -> None:
    jpeg = b"\xff\xd8"
    answer = upload(fresh, ("photo.jpg", jpeg))
    assert answer.json()["formats"] == {".jpg": 1}
    [task] = data(fresh, answer.json()["new_task_ids"])
    name = f"{hashlib.md5(jpeg).hexdigest()}-photo.jpg"
    assert task == {"image": f"http://127.0.0.1:9000/data/upload/{name}"}
    served = fresh.get(f"/data/upload/{name}")
    assert (served.status_code, served.headers["content-type"], served.content) == (200, "image/jpeg", jpeg)
    assert served.headers["content-disposition"] == f"attachment; filename={name}"
    missing = fresh.get("/data/upload/nope.jpg")
    assert (missing.status_code, missing.json()["detail"].split(":")[0]) == (500, "404 Not Found")
    assert fresh.get("/data/x.jpg?d=/tmp").json()["detail"].startswith("Serving local files is not allowed.")


def test_the_documented_file_upload_is_one_url_task_whatever_the_file(fresh: TestClient) -> None:
    answer = fresh.post("/api/project/import", files={"FileUpload": ("tasks.csv", b"image\na.jpg\nb.jpg\n")})
    assert (answer.status_code, answer.json()["formats"], answer.json()["task_count"]) == (201, {"": 1}, 1)
    [task] = data(fresh, answer.json()["new_task_ids"])
    assert task["image"].endswith("-FileUpload")


def test_a_zip_is_read_member_by_member(fresh: TestClient) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.csv", "image\ng.jpg\n")
        out.writestr("b.json", '{"image": "h.jpg"}')
    answer = upload(fresh, ("batch.zip", archive.getvalue()))
    assert answer.json()["formats"] == {".csv": 1, ".json": 1}
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr("c.txt", "i.jpg\n")
    failed = upload(fresh, ("batch.zip", archive.getvalue()))
    assert failed.status_code == 500 and failed.json()["detail"].endswith(
        "/batch.zip/c.txt: 'str' object has no attribute 'decode'")


def test_upload_failures(fresh: TestClient) -> None:
    def detail(name: str, content: bytes) -> tuple[int, Any]:
        answer = upload(fresh, (name, content))
        return answer.status_code, answer.json()["detail"] if answer.status_code == 500 else answer.json()

    assert detail("bad.json", b"{bad") == (500, "Failed to parse input file bad.json: Expected object or value")
    assert detail("null.json", b"null") == (500, "null in null.json is not allowed")
    assert detail("head.csv", b"image\n") == (500, "load_tasks: No tasks added")
    assert detail("other.csv", b"img\nx\n")[0] == 400
    assert fresh.post("/api/project/config", json={"label_config": (
        '<View><Image name="i" value="$image"/><Text name="t" value="$text"/></View>')}).status_code == 201
    assert detail("q.jpg", b"x")[1].startswith("Failed to parse input file q.jpg: Your label config has more than")


@pytest.mark.parametrize(("body", "content_type"), [
    (b"--b1\r\n[]--b1--\r\n", "multipart/form-data; boundary=b1"), (b"zzz", "multipart/form-data")])
def test_a_malformed_multipart_body_is_an_empty_form(fresh: TestClient, body: bytes, content_type: str) -> None:
    """werkzeug reads it as a form without files: the 500 envelope of no data, not a 400 page."""
    answer = fresh.post("/api/project/import", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 500
    assert answer.json()["detail"] == "load_tasks: No data found in DATA or in FILES"
    assert fresh.get("/api/tasks").json() == []
