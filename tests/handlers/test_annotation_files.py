"""Downloads, uploads and createFromFiles (reference §9.4, §9.5, §10–§12) through the HTTP API."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from mockserver import records as r
from mockserver.app import MockApp
from mockserver.auth import principal_for
from mockserver.handlers import annotation_files
from mockserver.nml import float32, parse_nml
from mockserver.resources import fixtures_dir
from mockserver.store import Store
from mockserver.views.datasets import may_read_dataset

NML_DIR = fixtures_dir() / "nml"
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


def upload(client: TestClient, headers: dict[str, str], files: list[tuple[str, bytes]], group: str = "false",
           version: str = "v5", **data: str) -> Any:
    parts = {f"part{i}_{name}": (name, blob) for i, (name, blob) in enumerate(files)}
    if not parts:  # httpx sends a form without files url-encoded; build the multipart body by hand
        body = (f'--b\r\nContent-Disposition: form-data; name="createGroupForEachFile"\r\n\r\n{group}\r\n'
                "--b--\r\n").encode()
        return client.post(f"/api/{version}/annotations/upload", content=body,
                           headers={**headers, "Content-Type": "multipart/form-data; boundary=b"})
    return client.post(f"/api/{version}/annotations/upload", headers=headers, files=parts,
                       data={"createGroupForEachFile": group, **data})


def uploaded(client: TestClient, response: Any) -> r.Annotation:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["annotation"]["typ"] == "Explorational"
    assert body["messages"] == [{"success": "Successfully uploaded file"}]
    record = store_of(client).get(r.Annotation, body["annotation"]["id"])
    assert record is not None
    return record


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def tree_summary(skeleton: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(t["name"], [(n["id"], n["position"]) for n in t["nodes"]], sorted(map(tuple, t["edges"])))
            for t in skeleton["trees"]]


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


# uploads ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["v1", "v3", "v5"])
def test_upload_then_download_round_trip(client: TestClient, auth: Any, version: str) -> None:
    data = fixture("l4_sample_axon.nml")
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_axon.nml", data)], version=version))
    assert record.name == "l4_sample_axon"
    assert record.description == "Axon traced from the soma"
    assert record.layers[0]["name"] == "Skeleton" and kinds(record) == {"Skeleton"}
    source = parse_nml(data, "l4_sample_axon.nml").skeleton
    assert source is not None

    response = client.get(f"/api/{version}/annotations/Explorational/{record.id}/download", headers=auth("user"))
    assert response.headers["content-disposition"] == 'attachment;filename="l4_sample_axon.nml"'
    back = parse_nml(response.content, "back.nml").skeleton
    assert back is not None
    assert back["trees"] == source["trees"]
    assert tree_summary(back) == tree_summary(source)
    assert back["comments"] == source["comments"]
    assert back["branchPoints"] == source["branchPoints"]
    assert back["editPosition"] == source["editPosition"] and back["activeNode"] == source["activeNode"]


def test_multi_file_upload_with_a_group_per_file(client: TestClient, auth: Any) -> None:
    files = [("l4_sample_axon.nml", fixture("l4_sample_axon.nml")),
             ("l4_sample_groups.nml", fixture("l4_sample_groups.nml"))]
    record = uploaded(client, upload(client, auth("user"), files, group="true"))
    assert record.name == "" and record.description == ""
    skeleton = content(store_of(client), record)
    top = {group["name"] for group in skeleton["groups"]}
    assert top == {"l4_sample_axon.nml", "l4_sample_groups.nml"}
    assert len(skeleton["trees"]) == 5
    names = {tree["name"] for tree in skeleton["trees"]}
    assert names == {"axon 1", "dendrite A", "dendrite B", "spine 1", "unsorted"}
    axon_group = next(g for g in skeleton["groups"] if g["name"] == "l4_sample_axon.nml")
    axon_tree = next(t for t in skeleton["trees"] if t["name"] == "axon 1")
    assert axon_tree["groupId"] == axon_group["groupId"]
    groups_group = next(g for g in skeleton["groups"] if g["name"] == "l4_sample_groups.nml")
    assert [child["name"] for child in groups_group["children"]] == ["dendrites", "empty group"]
    node_ids = [n["id"] for t in skeleton["trees"] for n in t["nodes"]]
    assert len(node_ids) == len(set(node_ids))


def test_multi_file_upload_without_groups_prefixes_tree_names(client: TestClient, auth: Any) -> None:
    files = [("l4_sample_axon.nml", fixture("l4_sample_axon.nml")),
             ("l4_sample_task.nml", fixture("l4_sample_task.nml"))]
    record = uploaded(client, upload(client, auth("user"), files, group="false"))
    skeleton = content(store_of(client), record)
    assert sorted(t["name"] for t in skeleton["trees"]) == ["l4_sample_axon_axon 1", "l4_sample_task_seed"]
    assert any(box["name"] == "task bounding box" for box in skeleton["userBoundingBoxes"])


def test_single_file_group_wrapping_and_zip_uploads(client: TestClient, auth: Any) -> None:
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_axon.nml", fixture("l4_sample_axon.nml"))],
                                     group="true"))
    skeleton = content(store_of(client), record)
    assert [g["name"] for g in skeleton["groups"]] == ["l4_sample_axon.nml"]

    volume_zip = fixture("l4_sample_volume.zip")
    record = uploaded(client, upload(client, auth("user"), [("l4_sample_volume.zip", volume_zip)]))
    assert record.name == "l4_sample_volume"
    assert [(layer["typ"], layer["name"]) for layer in record.layers] == [("Skeleton", "Skeleton"),
                                                                          ("Volume", "Volume")]
    volume = content(store_of(client), record, "Volume")
    assert volume["fallbackLayer"] == "segmentation" and volume["largestSegmentId"] == 2504698
    assert [s["id"] for s in volume["segments"]] == [2504698]
    download = client.get(f"/api/annotations/{record.id}/download", headers=auth("user"))
    assert download.headers["content-disposition"] == 'attachment;filename="l4_sample_volume.zip"'
    assert zipfile.ZipFile(io.BytesIO(download.content)).namelist() == ["l4_sample_volume.nml", "data_Volume.zip"]

    nested = zip_of([("outer/a.zip", zip_of([("a.nml", fixture("l4_sample_axon.nml"))])),
                     ("b.zip", zip_of([("b.nml", fixture("l4_sample_groups.nml"))]))])
    record = uploaded(client, upload(client, auth("user"), [("bundle.zip", nested)]))
    assert len(content(store_of(client), record)["trees"]) == 5


def test_dataset_name_override_and_dataset_access(app: MockApp, client: TestClient, auth: Any) -> None:
    store = store_of(client)
    plain = known(app, "user")
    organization = store.one(r.Organization, "name = 'sample_organization'")
    assert organization is not None
    data = fixture("l4_sample_axon.nml")
    others = [d for d in store.select(r.Dataset, "organization_id = ? AND is_active = 1", (organization.id,))
              if d.name != "l4_sample"]
    record = uploaded(client, upload(client, auth("admin"), [("a.nml", data)], datasetName=others[0].name))
    assert record.dataset_id == others[0].id

    principal = principal_for(store, plain.id)
    hidden = [d for d in others if not may_read_dataset(store, d, principal)]
    assert hidden, "the seeded world has a dataset the plain user cannot read"
    before = store.count(r.Annotation)
    response = upload(client, auth("user"), [("a.nml", data)], datasetName=hidden[0].name)
    assert response.status_code == 403
    assert response.json() == {"messages": [
        {"error": f"Could not access dataset {hidden[0].name}. Does your team have access?"}]}
    assert store.count(r.Annotation) == before

    foreign = data.replace(b'organization="sample_organization"', b'organization="no_such_org"')
    response = upload(client, auth("user"), [("a.nml", foreign)])
    assert response.status_code == 404
    missing = data.replace(b'name="l4_sample"', b'name="no_such_dataset"')
    response = upload(client, auth("user"), [("a.nml", missing)])
    assert response.status_code == 403
    response = upload(client, auth("user"), [("a.nml", data), ("b.nml", missing)])
    assert response.status_code == 400
    assert response.json()["messages"][0]["error"] == "Cannot upload tracings that belong to different datasets at once"


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
                  b'<things><parameters><experiment name="&lol3;"/></parameters></things>')
NO_PARAMETERS = b'<things><thing id="1"/></things>'
DUPLICATE_NODES = (b'<things><parameters><experiment name="l4_sample"/></parameters><thing id="1"><nodes>'
                   b'<node id="1" x="1" y="1" z="1"/><node id="1" x="2" y="2" z="2"/></nodes></thing></things>')
MISSING_NODE = (b'<things><parameters><experiment name="l4_sample"/></parameters><thing id="1"><nodes>'
                b'<node id="1" x="1" y="1" z="1"/></nodes><edges><edge source="1" target="9"/></edges>'
                b"</thing></things>")


@pytest.mark.parametrize(("files", "expected"), [
    ([("a.nml", b"definitely not xml")],
     "Could not parse file: a.nml. Failed to parse NML 'a.nml'. Error in Line 1 (column 1): Start tag expected"),
    ([("lol.nml", BILLION_LAUGHS)],
     "Could not parse file: lol.nml. Failed to parse NML 'lol.nml'. Error in Line 1 (column 22): DOCTYPE is "
     "disallowed"),
    ([("p.nml", NO_PARAMETERS)], "Could not parse file: p.nml. No parameters section found"),
    ([("d.nml", DUPLICATE_NODES)], "Could not parse file: d.nml. Duplicate nodeIds: 1"),
    ([("e.nml", MISSING_NODE)],
     "Could not parse file: e.nml. Some edges refer to non-existent nodes. treeId: 1, nodeIds: 9"),
    ([("z.zip", zip_of([("../evil.nml", DUPLICATE_NODES), ("/abs.nml", DUPLICATE_NODES)]))],
     "No file or file with empty content uploaded"),
    ([("broken.zip", b"PK\x03\x04 this is no zip")], "Could not parse file: broken.zip. Invalid ZIP file"),
    ([("empty.nml", b"")], "No file or file with empty content uploaded"),
    ([], "No file or file with empty content uploaded"),
    ([("x.nml", DUPLICATE_NODES), ("y.nml", b"<")], "Could not parse file: x.nml. Duplicate nodeIds: 1"),
])
def test_hostile_and_broken_uploads_store_nothing(client: TestClient, auth: Any, files: list[tuple[str, bytes]],
                                                  expected: str) -> None:
    store = store_of(client)
    before = (store.count(r.Annotation), store.count(r.Tracing))
    response = upload(client, auth("user"), files)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    errors = [m["error"] for m in response.json()["messages"]]
    assert errors[0].startswith(expected)
    assert (store.count(r.Annotation), store.count(r.Tracing)) == before


def test_zip_bombs_are_rejected(client: TestClient, auth: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_of(client)
    before = store.count(r.Annotation)
    monkeypatch.setattr(annotation_files, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = zip_of([("bomb.nml", b"<things>" + b" " * (8 * 1024 * 1024) + b"</things>")])
    assert len(bomb) < 64 * 1024
    response = upload(client, auth("user"), [("bomb.zip", bomb)])
    assert response.status_code == 400
    error = response.json()["messages"][0]["error"]
    assert error.startswith("Could not parse file: bomb.zip. The ZIP file is too large")

    lying = bytearray(zip_of([("lie.nml", b" " * (4 * 1024 * 1024))]))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # declare 10 bytes unpacked in both headers
        position = lying.find(header)
        offset = position + (22 if header == b"PK\x03\x04" else 24)
        lying[offset:offset + 4] = (10).to_bytes(4, "little")
    response = upload(client, auth("user"), [("lie.zip", bytes(lying))])
    assert response.status_code == 400

    monkeypatch.setattr(annotation_files, "MAX_ZIP_MEMBERS", 5)
    many = zip_of([(f"{i}.nml", fixture("l4_sample_axon.nml")) for i in range(6)])
    response = upload(client, auth("user"), [("many.zip", many)])
    assert response.status_code == 400
    assert store.count(r.Annotation) == before


def test_upload_needs_login_and_the_group_flag(client: TestClient, auth: Any) -> None:
    files = {"a.nml": ("a.nml", fixture("l4_sample_axon.nml"))}
    response = client.post("/api/annotations/upload", files=files, data={"createGroupForEachFile": "true"})
    assert response.status_code == 401
    response = client.post("/api/annotations/upload", headers=auth("user"), files=files)
    assert response.status_code == 400


# tasks from files -----------------------------------------------------------------------------------


def task_form(store: Store) -> tuple[dict[str, Any], r.Project]:
    task = store.one(r.Task, "task_type_id IN (SELECT id FROM task_types WHERE tracing_type = 'skeleton')")
    assert task is not None
    project = store.get(r.Project, task.project_id)
    assert project is not None
    return {"taskTypeId": task.task_type_id, "neededExperience": {"domain": "axon-tracing", "value": 2},
            "pendingInstances": 3, "projectName": project.name, "scriptId": None, "boundingBox": None}, project


def create_from_files(client: TestClient, headers: dict[str, str], form: dict[str, Any] | None,
                      files: list[tuple[str, bytes]]) -> Any:
    parts = {f"part{i}_{name}": (name, blob) for i, (name, blob) in enumerate(files)}
    data = {"formJSON": json.dumps(form)} if form is not None else {}
    return client.post("/api/tasks/createFromFiles", headers=headers, files=parts, data=data)


def test_create_tasks_from_files_makes_one_task_per_nml(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    form, project = task_form(store)
    bundle = zip_of([("inner_a.nml", fixture("l4_sample_axon.nml")), ("inner_b.nml", fixture("l4_sample_groups.nml")),
                     ("data_Volume.zip", b"ignored")])
    files = [("l4_sample_task.nml", fixture("l4_sample_task.nml")), ("bundle.zip", bundle),
             ("broken.nml", b"<things>"), ("notes.txt", b"not an nml")]
    before = store.count(r.Task)
    response = create_from_files(client, auth("admin"), form, files)
    assert response.status_code == 200, response.text
    items = response.json()["tasks"]
    assert [item["status"] for item in items] == [200, 200, 200, 400]
    assert items[3]["error"].startswith("Failed to parse NML 'broken.nml'.")
    assert store.count(r.Task) == before + 3
    created = [store.get(r.Task, item["success"]["id"]) for item in items[:3]]
    assert [t.creation_info for t in created if t] == ["l4_sample_task.nml", "inner_a.nml", "inner_b.nml"]
    first = created[0]
    assert first is not None
    assert first.bounding_box == {"topLeft": [3236, 3236, 1068], "width": 128, "height": 128, "depth": 64}
    assert first.edit_position == [3300, 3300, 1100] and first.edit_rotation == [0.0, 90.0, 0.0]
    assert first.project_id == project.id and first.total_instances == 3
    assert first.description == "Trace the axon within the box"
    base = store.get(r.Tracing, first.base_tracing_id) if first.base_tracing_id else None
    assert base is not None and base.content["trees"][0]["name"] == "seed"
    assert items[0]["success"]["creationInfo"] == "l4_sample_task.nml"


def test_create_tasks_from_files_request_errors(client: TestClient, auth: Any) -> None:
    store = store_of(client)
    form, _ = task_form(store)
    nml_file = [("t.nml", fixture("l4_sample_task.nml"))]
    response = create_from_files(client, auth("admin"), form, [("notes.txt", b"x")])
    assert response.status_code == 400
    assert response.json()["messages"][0]["error"] == "Could not extract NML file"
    response = create_from_files(client, auth("admin"), {**form, "projectName": "no such project"}, nml_file)
    assert response.status_code == 404
    response = create_from_files(client, auth("admin"), {**form, "taskTypeId": "0" * 24}, nml_file)
    assert response.status_code == 404
    response = create_from_files(client, auth("admin"), None, nml_file)
    assert response.status_code == 400
    assert create_from_files(client, {}, form, nml_file).status_code == 401
