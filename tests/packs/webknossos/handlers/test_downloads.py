"""Downloads (reference §11, §12) through the HTTP API: NML and ZIP files, names, access, compound
types, and the files of duplicated and merged annotations."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from typing import Any

from lxml import etree
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.nml import ParsedNml, float32, parse_nml
from mockserver.resources import fixtures_dir
from mockserver.store import Store

NML_DIR = fixtures_dir() / "webknossos" / "nml"
DISPOSITION = re.compile(r'^attachment;filename="([^"\r\n/\\]+)\.(nml|zip)"$')


def store_of(client: TestClient) -> Store:
    return client.app.backend.store  # type: ignore[attr-defined, no-any-return]


def known(app: MockApp, role: str) -> Any:
    return next(u for u in app.backend.world.known_users if u.role == role)


def fixture(name: str) -> bytes:
    return (NML_DIR / name).read_bytes()


def one(store: Store, where: str, params: tuple[Any, ...] = ()) -> r.Annotation:
    found = store.one(r.Annotation, where, params)
    assert found is not None, where
    return found


def kinds(record: r.Annotation) -> set[str]:
    return {layer["typ"] for layer in record.layers}


def content(store: Store, record: r.Annotation, typ: str = "Skeleton") -> dict[str, Any]:
    layer = next(layer for layer in record.layers if layer["typ"] == typ)
    tracing = store.get(r.Tracing, layer["tracingId"])
    assert tracing is not None
    return tracing.content




def download(client: TestClient, headers: dict[str, str], annotation_id: str, version: str = "v5") -> ParsedNml:
    """The parsed NML of a skeleton-only annotation's download."""
    response = client.get(f"/api/{version}/annotations/Explorational/{annotation_id}/download", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    return parse_nml(response.content, "download.nml")


def skeleton_only(store: Store, user_id: str) -> r.Annotation:
    return one(store, "user_id = ? AND typ = 'Explorational' AND state = 'Active' AND layers NOT LIKE '%Volume%'",
               (user_id,))


# downloads -------------------------------------------------------------------------------------------


def test_download_of_a_seeded_skeleton_parses_back_to_the_stored_content(
        app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    record = one(store, "user_id = ? AND typ = 'Explorational' AND layers NOT LIKE '%Volume%'",
                 (known(app, "user").id,))
    stored = content(store, record)
    response = client.get(f"/api/annotations/Explorational/{record.id}/download", headers=auth("user"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    match = DISPOSITION.match(response.headers["content-disposition"])
    assert match is not None and match.group(2) == "nml"
    assert not response.content.startswith(b"<?xml")

    parsed = parse_nml(response.content, "download.nml")
    assert parsed.skeleton is not None
    assert parsed.skeleton["trees"] == [{**t, "color": [float32(c) for c in t["color"]]} for t in stored["trees"]]
    assert parsed.skeleton["comments"] == stored["comments"]
    assert sorted(map(str, parsed.skeleton["branchPoints"])) == sorted(map(str, stored["branchPoints"]))
    assert parsed.meta["annotationId"] == record.id
    assert parsed.dataset_name == store.get(r.Dataset, record.dataset_id).name  # type: ignore[union-attr]

    root = etree.fromstring(response.content)  # plain lxml, no help from our parser
    things = root.findall("thing")
    assert [int(t.get("id")) for t in things] == [t["id"] for t in stored["trees"]]
    for element, tree in zip(things, stored["trees"], strict=True):
        nodes = {int(n.get("id")): [int(n.get(a)) for a in "xyz"] for n in element.iter("node")}
        assert nodes == {n["id"]: n["position"] for n in tree["nodes"]}
        assert [[int(e.get("source")), int(e.get("target"))] for e in element.iter("edge")] == tree["edges"]
    assert [(int(c.get("node")), c.get("content")) for c in root.iter("comment")] == [
        (c["node"], c["content"]) for c in stored["comments"]]
    times = [int(b.get("time")) for b in root.iter("branchpoint")]
    assert times == sorted(times, reverse=True)
    assert {int(b.get("id")) for b in root.iter("branchpoint")} == {b["node"] for b in stored["branchPoints"]}
    experiment = root.find("parameters/experiment")
    assert experiment is not None and experiment.get("organization") == "sample_organization"


def test_file_names_use_the_annotation_name_or_the_generated_pattern(app: MockApp, client: TestClient,
                                                                      auth: Any) -> None:
    store = store_of(client)
    user = known(app, "user")
    record = one(store, "user_id = ? AND typ = 'Explorational'", (user.id,))
    owner = store.get(r.User, user.id)
    dataset = store.get(r.Dataset, record.dataset_id)
    assert owner is not None and dataset is not None
    extension = "zip" if "Volume" in kinds(record) else "nml"

    store.update(record, name="")
    response = client.get(f"/api/annotations/{record.id}/download", headers=auth("user"))
    abbreviation = (owner.first_name[0] + owner.last_name).lower().replace(" ", "_")
    expected = f"{dataset.name}__explorational__{abbreviation}__{record.id[-6:]}.{extension}"
    assert response.headers["content-disposition"] == f'attachment;filename="{expected}"'

    store.update(record, name='Größe "Zelle"\r\nX-Evil: 1/../..\\x;é')
    response = client.get(f"/api/annotations/{record.id}/download", headers=auth("user"))
    header = response.headers["content-disposition"]
    assert DISPOSITION.match(header), header
    assert header == f'attachment;filename="Grosse _Zelle___X-Evil_ 1_.._.._x_e.{extension}"'

    task_record = one(store, "typ = 'Task' AND user_id = ?", (user.id,))
    response = client.get(f"/api/annotations/Task/{task_record.id}/download", headers=auth("user"))
    assert response.status_code == 200
    assert f"__{task_record.task_id}__{abbreviation}__{task_record.id[-6:]}." in response.headers["content-disposition"]
    root = etree.fromstring(response.content) if response.headers["content-type"] == "application/xml" else None
    if root is not None:
        assert root.find("meta[@name='taskId']").get("content") == task_record.task_id  # type: ignore[union-attr]


def test_volume_annotation_downloads_as_zip_with_data_zip(app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    admin = store.get(r.User, known(app, "admin").id)
    assert admin is not None
    record = one(store, "layers LIKE '%Volume%' AND user_id IN (SELECT id FROM users WHERE organization_id = ?)",
                 (admin.organization_id,))
    url = f"/api/annotations/{record.id}/download"
    response = client.get(url, headers=auth("admin"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    match = DISPOSITION.match(response.headers["content-disposition"])
    assert match is not None and match.group(2) == "zip"
    name = match.group(1)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    volume_names = [layer["name"] for layer in record.layers if layer["typ"] == "Volume"]
    data_zips = [f"data_{volume_names[0]}.zip"] if len(volume_names) == 1 else [
        f"data_{i}_{n}.zip" for i, n in enumerate(volume_names)]
    assert archive.namelist() == [f"{name}.nml", *data_zips]
    root = etree.fromstring(archive.read(f"{name}.nml"))
    volumes = root.findall("volume")
    assert [v.get("location") for v in volumes] == data_zips
    assert all(v.get("format") == "wkw" for v in volumes)
    assert zipfile.ZipFile(io.BytesIO(archive.read(data_zips[0]))).namelist() == ["1/header.wkw"]
    assert volumes[0].get("fallbackLayer") == content(store, record, "Volume")["fallbackLayer"]

    skipped = client.get(f"{url}?skipVolumeData=true", headers=auth("admin"))
    assert skipped.headers["content-type"] == "application/zip"
    skipped_archive = zipfile.ZipFile(io.BytesIO(skipped.content))
    assert skipped_archive.namelist() == [f"{name}.nml"]
    text = skipped_archive.read(f"{name}.nml").decode()
    assert "<!--Note that volume data was omitted when downloading this annotation.-->" in text
    assert "location=" not in text

    zarr = client.get(f"/api/annotations/Explorational/{record.id}/download?volumeDataZipFormat=zarr3",
                      headers=auth("admin"))
    zarr_archive = zipfile.ZipFile(io.BytesIO(zarr.content))
    assert 'format="zarr3"' in zarr_archive.read(f"{name}.nml").decode()
    assert zipfile.ZipFile(io.BytesIO(zarr_archive.read(data_zips[0]))).namelist() == ["zarr.json"]


def test_download_access_is_user_aware(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    public = one(store, "visibility = 'Public' AND typ = 'Explorational'")
    assert client.get(f"/api/annotations/{public.id}/download").status_code == 200
    private = one(store, "visibility = 'Private' AND typ = 'Explorational'")
    response = client.get(f"/api/annotations/Explorational/{private.id}/download")
    assert response.status_code == 404
    assert response.json()["messages"][0]["error"].startswith("Annotation could not be found. If the annotation")
    response = client.get("/api/annotations/nothex/download", headers=auth("user"))
    assert response.status_code == 404


def test_compound_download_zips_the_finished_task_annotations(app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    finished = one(store, "typ = 'Task' AND state = 'Finished'")
    task = store.get(r.Task, finished.task_id)
    assert task is not None
    project = store.get(r.Project, task.project_id)
    assert project is not None
    response = client.get(f"/api/annotations/CompoundProject/{project.id}/download", headers=auth("admin"))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{project.name}_nmls.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    expected = store.select(r.Annotation, "typ = 'Task' AND state = 'Finished' AND task_id IN "
                            "(SELECT id FROM tasks WHERE project_id = ?)", (project.id,))
    assert len(names) == len(expected)
    assert {n.rsplit("__", 1)[1].split(".")[0] for n in names} == {a.id[-6:] for a in expected}

    response = client.get(f"/api/annotations/CompoundTask/{task.id}/download", headers=auth("admin"))
    assert response.headers["content-disposition"] == f'attachment; filename="{task.id}_nmls.zip"'
    assert client.get(f"/api/annotations/CompoundTask/{task.id}/download").status_code == 403
    assert client.get(f"/api/annotations/CompoundTask/{'0' * 24}/download", headers=auth("admin")).status_code == 404
    plain = known(app, "user")
    managed = {m.team_id for m in store.select(r.Membership, "user_id = ? AND is_team_manager = 1", (plain.id,))}
    assert project.team_id not in managed
    response = client.get(f"/api/annotations/CompoundProject/{project.id}/download", headers=auth("user"))
    assert response.status_code == 403
    assert response.json() == {"messages": [{"error": "You are not authorized to view or edit this resource"}]}


# files of duplicated and merged annotations -----------------------------------------------------------


def test_duplicate_downloads_the_same_content(app: MockApp, client: TestClient, auth: Any) -> None:
    record = skeleton_only(store_of(client), known(app, "user").id)
    original = download(client, auth("user"), record.id)
    for version in ("v1", "v5"):
        response = client.post(f"/api/{version}/annotations/Explorational/{record.id}/duplicate", headers=auth("user"))
        assert response.status_code == 200, response.text
        copy = download(client, auth("user"), response.json()["id"], version)
        assert copy.skeleton == original.skeleton
        assert copy.meta["annotationId"] == response.json()["id"] != record.id


def test_merge_downloads_the_union_of_both_files(app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    first = skeleton_only(store, known(app, "user").id)
    second = one(store, "id != ? AND dataset_id = ? AND state != 'Cancelled' AND layers LIKE '%Skeleton%' "
                 "AND layers NOT LIKE '%Volume%'", (first.id, first.dataset_id))
    admin = auth("admin")
    parts = [download(client, admin, first.id).skeleton, download(client, admin, second.id).skeleton]
    response = client.post(f"/api/v5/annotations/Explorational/{first.id}/merge/{second.typ}/{second.id}",
                           headers=admin)
    assert response.status_code == 200, response.text
    merged = download(client, admin, response.json()["id"]).skeleton
    assert merged is not None and parts[0] is not None and parts[1] is not None
    earlier, later = parts

    def positions(skeleton: dict[str, Any]) -> Counter[tuple[int, ...]]:
        return Counter(tuple(n["position"]) for t in skeleton["trees"] for n in t["nodes"])

    assert len(merged["trees"]) == len(earlier["trees"]) + len(later["trees"])
    assert positions(merged) == positions(earlier) + positions(later)
    assert sorted(c["content"] for c in merged["comments"]) == sorted(
        c["content"] for c in earlier["comments"] + later["comments"])
    assert len(merged["branchPoints"]) == len(earlier["branchPoints"]) + len(later["branchPoints"])
    node_ids = [n["id"] for t in merged["trees"] for n in t["nodes"]]
    assert len(node_ids) == len(set(node_ids))
    assert {c["node"] for c in merged["comments"]} <= set(node_ids)
