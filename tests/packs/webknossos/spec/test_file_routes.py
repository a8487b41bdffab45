"""The file routes in every version: real media types, part names and error responses (issue: annotation files)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.packs.webknossos.spec.test_specs import ROOT, VERSIONS, operations

DOWNLOADS = ("/annotations/{typ}/{id}/download", "/annotations/{id}/download")
BINARY = {"type": "string", "format": "binary"}


def operation(version: str, method: str, path: str) -> dict[str, Any]:
    found = [op for m, p, op in operations(version) if (m, p) == (method, path)]
    assert len(found) == 1, (version, method, path)
    return found[0]


def json_error(response: dict[str, Any]) -> bool:
    return set(response["content"]) == {"application/json"}


@pytest.mark.parametrize("version", VERSIONS)
def test_downloads_answer_xml_or_zip_with_an_attachment_header(version: str) -> None:
    for path in DOWNLOADS:
        responses = operation(version, "GET", path)["responses"]
        ok = responses["200"]
        assert set(ok["content"]) == {"application/xml", "application/zip"}
        assert all(media["schema"] == BINARY for media in ok["content"].values())
        disposition = ok["headers"]["Content-Disposition"]
        assert disposition["required"] is True and disposition["schema"]["pattern"].startswith("^attachment;")
        assert all(json_error(responses[status]) for status in ("400", "403", "404"))


@pytest.mark.parametrize("version", VERSIONS)
def test_uploads_are_multipart_with_the_real_part_names(version: str) -> None:
    parts = {"/annotations/upload": ({"createGroupForEachFile"}, {"createGroupForEachFile", "datasetName"}),
             "/tasks/createFromFiles": ({"formJSON"}, {"formJSON"})}
    for path, (required, named) in parts.items():
        upload = operation(version, "POST", path)
        content = upload["requestBody"]["content"]
        assert set(content) == {"multipart/form-data"}
        schema = content["multipart/form-data"]["schema"]
        assert set(schema["required"]) == required and set(schema["properties"]) == named
        assert schema["additionalProperties"]["items"] == BINARY  # the file parts, under any part name
        responses = upload["responses"]
        assert set(responses["200"]["content"]) == {"application/json"}
        assert all(json_error(responses[status]) for status in ("400", "404", "413"))
    upload_flag = operation(version, "POST", "/annotations/upload")["requestBody"]["content"]
    assert upload_flag["multipart/form-data"]["schema"]["properties"]["createGroupForEachFile"]["enum"] == [
        "true", "false"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_points_its_file_routes_at_the_shared_path_items(version: str) -> None:
    paths = yaml.safe_load((ROOT / version / "openapi.yaml").read_text())["paths"]
    expected = {
        "/annotations/upload": "../paths/annotations.yaml#/annotations-upload",
        "/annotations/{id}/download": "../paths/annotations.yaml#/annotation-download-typeless",
        "/annotations/{typ}/{id}/download": "../paths/annotations.yaml#/annotation-download",
        "/tasks/createFromFiles": "../paths/tasks.yaml#/tasks-create-from-files",
    }
    assert {path: paths[path]["$ref"] for path in expected} == expected
    for path in ("/annotations/{typ}/{id}/duplicate", "/annotations/{typ}/{id}/merge/{mergedTyp}/{mergedId}"):
        assert set(operation(version, "POST", path)["responses"]["200"]["content"]) == {"application/json"}
