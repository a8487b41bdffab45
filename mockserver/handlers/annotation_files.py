"""Annotation files: NML/ZIP downloads, uploads and task creation from files (reference §9.4, §9.5, §10–§12).

Downloads render the stored tracings with ``mockserver.nml.write_nml``: a skeleton-only annotation as
an NML (``application/xml``), one with volume layers as a ZIP with the NML and, unless
``skipVolumeData``, one small data zip per volume layer (no voxels are stored, so the data zips only
hold a header). Compound types answer a ZIP of the finished task annotations' individual files.

Uploads and createFromFiles read their file parts from the handler's keyword arguments: Connexion
passes each file part under its (sanitised) part name, and only the first file of a part name that
occurs more than once. ZIPs are opened defensively (member count, unpacked size, unsafe member names,
one level of nested zips).
"""

from __future__ import annotations

import dataclasses
import io
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mockserver import records as r
from mockserver.api import Api
from mockserver.auth import Principal
from mockserver.compound import COMPOUND_TYPES, compound_target, find_annotation, finished_annotations, may_manage
from mockserver.errors import NOT_FOUND_TEXT, ApiError, BadRequest, Forbidden, NotFound, PayloadTooLarge
from mockserver.handlers.common import OBJECT_ID
from mockserver.handlers.misc import BUILD_INFO
from mockserver.handlers.task_creation import (
    BATCH_LIMIT,
    BATCH_LIMIT_TEXT,
    NOT_ON_SAME_DATASET,
    TASK_TYPE_NOT_FOUND,
    VOLUME_BATCH_LIMIT,
    Outcome,
    creation_outcome,
    creation_result,
    dataset_not_found_text,
    find_dataset_by_name,
    team_warnings,
)
from mockserver.nml import (
    EMPTY_FILE_TEXT,
    NmlDocument,
    NmlEmptyError,
    NmlParseError,
    NmlVolume,
    ParsedNml,
    all_group_ids,
    parse_nml,
    write_nml,
)
from mockserver.responses import json_response
from mockserver.tracing_merge import merge_skeletons, merge_volumes
from mockserver.views.datasets import may_read_dataset

JSON = dict[str, Any]

MAX_ZIP_MEMBERS = 1000
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
ZIP_DATE = (2023, 1, 1, 0, 0, 0)
WRITER_COMMIT = str(BUILD_INFO["webknossos"]["commitHash"])  # type: ignore[index]
NML_MEDIA_TYPE = "application/xml"
ZIP_MEDIA_TYPE = "application/zip"
UPLOAD_SUCCESS = "Successfully uploaded file"
DIFFERENT_DATASETS = "Cannot upload tracings that belong to different datasets at once"
MULTIPLE_VOLUMES = "Cannot merge multiple annotations that each have multiple volume layers."
NO_NML_FILE = "Could not extract NML file"
MISSING_FORM_JSON = "Missing format json"
INVALID_JSON = "Invalid Json format"
NEEDS_SKELETON_OR_VOLUME = "task.create.needsEitherSkeletonOrVolume"
PROJECT_NOT_FOUND = "Project could not be found"
WKW_HEADER = b"WKW" + bytes([1, 0x55, 1, 5, 4]) + struct.pack("<Q", 16)
"""A WKW header (version 1, 32³ voxels per block, 32³ blocks per file, raw, uint32): the only content of
the volume data zips (the mock stores no voxels)."""


def access_denied_text(dataset_name: str) -> str:
    return f"Could not access dataset {dataset_name}. Does your team have access?"


# file names ----------------------------------------------------------------------------------------

_TRANSLITERATIONS = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
                                   "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d",
                                   "Đ": "D", "ı": "i"})
_UNSAFE = re.compile(r"[^A-Za-z0-9 _\-.,()+\[\]]")


def safe_file_name(name: str, max_length: int = 200) -> str:
    """``name`` transliterated to ASCII with everything but letters, digits, spaces and ``_-.,()+[]``
    replaced by ``_`` (no quotes, CR/LF or path separators can reach a header or a zip entry)."""
    text = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATIONS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _UNSAFE.sub("_", text).strip(" .")
    return text[:max_length].rstrip(" .")


def user_abbreviation(user: r.User | None) -> str:
    """First letter of the first name plus the last name, lower case, spaces → ``_`` (``potto``)."""
    if user is None:
        return ""
    return (user.first_name[:1] + user.last_name).lower().replace(" ", "_")


def generated_name(store: Any, record: r.Annotation) -> str:
    """``<dataset>__<taskId or explorational>__<user abbreviation>__<last 6 characters of the id>``."""
    dataset = store.get(r.Dataset, record.dataset_id)
    owner = store.get(r.User, record.user_id)
    parts = [dataset.name if dataset else "", record.task_id or "explorational", user_abbreviation(owner),
             record.id[-6:]]
    return safe_file_name("__".join(parts)) or record.id


def download_name(store: Any, record: r.Annotation) -> str:
    """The file name (without extension): the annotation name, else the generated one (§11)."""
    return safe_file_name(record.name) or generated_name(store, record)


def attachment(filename: str, *, space: bool = False) -> dict[str, str]:
    """``Content-Disposition: attachment;filename="…"`` (compound downloads: Play's ``; `` form)."""
    separator = "; " if space else ";"
    return {"Content-Disposition": f'attachment{separator}filename="{filename}"'}


# downloads -----------------------------------------------------------------------------------------


def _zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        used: set[str] = set()
        for name, data in entries:
            unique, counter = name, 1
            while unique in used:
                stem, dot, extension = name.rpartition(".")
                unique = f"{stem}_{counter}.{extension}" if dot else f"{name}_{counter}"
                counter += 1
            used.add(unique)
            archive.writestr(zipfile.ZipInfo(unique, date_time=ZIP_DATE), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def volume_data_zip(data_format: str) -> bytes:
    """A small valid data zip for one volume layer (WKW header, or a Zarr v3 group for ``zarr3``)."""
    if data_format == "zarr3":
        group = orjson.dumps({"zarr_format": 3, "node_type": "group", "attributes": {}})
        return _zip_bytes([("zarr.json", group)])
    return _zip_bytes([("1/header.wkw", WKW_HEADER)])


def _center(dataset: r.Dataset | None) -> list[int]:
    layers = (dataset.data_source.get("dataLayers") or []) if dataset else []
    if not layers:
        return [0, 0, 0]
    box = layers[0]["boundingBox"]
    size = (box["width"], box["height"], box["depth"])
    return [int(box["topLeft"][i]) + int(size[i]) // 2 for i in range(3)]


def _tracing_content(store: Any, layer: JSON) -> JSON:
    tracing = store.get(r.Tracing, layer["tracingId"])
    return dict(tracing.content) if tracing else {}


@dataclasses.dataclass(frozen=True)
class _Rendered:
    nml: bytes
    volumes: list[tuple[str, bytes]]
    """(data zip name, data zip) per volume layer; empty when skipped."""


def render_annotation(api: Api, record: r.Annotation, *, skip_volume_data: bool = False,
                      data_format: str = "wkw", volume_location: str | None = None) -> _Rendered:
    """The NML of ``record`` and its volume data zips (``volume_location`` names a single data zip)."""
    store = api.store
    dataset = store.get(r.Dataset, record.dataset_id)
    organization = store.get(r.Organization, dataset.organization_id) if dataset else None
    owner = store.get(r.User, record.user_id)
    task = store.get(r.Task, record.task_id) if record.task_id else None
    skeleton_layer = next((layer for layer in record.layers if layer["typ"] == "Skeleton"), None)
    volume_layers = [layer for layer in record.layers if layer["typ"] == "Volume"]
    volumes, data_zips = [], []
    for index, layer in enumerate(volume_layers):
        layer_name = str(layer.get("name") or "Volume")
        if volume_location is not None and len(volume_layers) == 1:
            location = volume_location
        elif len(volume_layers) == 1:
            location = f"data_{safe_file_name(layer_name) or 'Volume'}.zip"
        else:
            location = f"data_{index}_{safe_file_name(layer_name) or 'Volume'}.zip"
        volumes.append(NmlVolume(layer_name, _tracing_content(store, layer), None if skip_volume_data else location,
                                 data_format))
        if not skip_volume_data:
            data_zips.append((location, volume_data_zip(data_format)))
    document = NmlDocument(
        dataset_name=dataset.name if dataset else "", organization=organization.name if organization else "",
        wk_url=api.settings.base_url, timestamp=api.now(), writer_commit=WRITER_COMMIT,
        description=record.description, scale=(dataset.data_source.get("scale") if dataset else None),
        annotation_id=record.id, username=f"{owner.first_name} {owner.last_name}" if owner else None,
        task_id=record.task_id, skeleton=_tracing_content(store, skeleton_layer) if skeleton_layer else None,
        volumes=volumes, task_bounding_box=task.bounding_box if task else None,
        skip_volume_data=skip_volume_data,
        default_edit_position=task.edit_position if task else _center(dataset), default_time=record.created,
    )
    return _Rendered(write_nml(document), data_zips)


def annotation_download(api: Api, record: r.Annotation, *, skip_volume_data: bool = False,
                        data_format: str = "wkw") -> Response:
    """The download response of one stored annotation (§11)."""
    name = download_name(api.store, record)
    rendered = render_annotation(api, record, skip_volume_data=skip_volume_data, data_format=data_format)
    if not any(layer["typ"] == "Volume" for layer in record.layers):
        return Response(rendered.nml, media_type=NML_MEDIA_TYPE, headers=attachment(f"{name}.nml"))
    body = _zip_bytes([(f"{name}.nml", rendered.nml), *rendered.volumes])
    return Response(body, media_type=ZIP_MEDIA_TYPE, headers=attachment(f"{name}.zip"))


def compound_download(api: Api, me: Principal | None, typ: str, target_id: str, *,
                      skip_volume_data: bool = False) -> Response:
    """A ZIP of the finished task annotations of a task, project or task type (one file each, §11)."""
    if me is None:
        raise Forbidden()
    target = compound_target(api.store, typ, target_id, me.organization_id) if OBJECT_ID.match(target_id) else None
    if target is None:
        raise NotFound(NOT_FOUND_TEXT)
    if not may_manage(me, target):
        raise Forbidden()
    entries: list[tuple[str, bytes]] = []
    for record in finished_annotations(api.store, target):
        name = generated_name(api.store, record)
        if any(layer["typ"] == "Volume" for layer in record.layers):
            rendered = render_annotation(api, record, skip_volume_data=skip_volume_data,
                                         volume_location=f"{name}_data.zip")
            inner = [(f"{name}.nml", rendered.nml)]
            inner.extend((f"{name}_data.zip" if len(rendered.volumes) == 1 else zip_name, data)
                         for zip_name, data in rendered.volumes)
            entries.append((f"{name}.zip", _zip_bytes(inner)))
        else:
            entries.append((f"{name}.nml", render_annotation(api, record).nml))
    filename = f"{safe_file_name(target.name) or target.id}_nmls.zip"
    return Response(_zip_bytes(entries), media_type=ZIP_MEDIA_TYPE, headers=attachment(filename, space=True))


async def download_annotation(api: Api, typ: str, id_: str, skeleton_version: int | None = None,
                              volume_version: int | None = None, skip_volume_data: bool | None = False,
                              volume_data_zip_format: str | None = "wkw", user: str | None = None) -> Response:
    """``GET /annotations/{typ}/{id}/download``; tracing versions are not kept, the newest is sent."""
    me = api.principal(user)
    if typ in COMPOUND_TYPES:
        return compound_download(api, me, typ, id_, skip_volume_data=bool(skip_volume_data))
    record = find_annotation(api.store, me, id_)
    return annotation_download(api, record, skip_volume_data=bool(skip_volume_data),
                               data_format=volume_data_zip_format or "wkw")


async def download_by_id(api: Api, id_: str, skeleton_version: int | None = None, volume_version: int | None = None,
                         skip_volume_data: bool | None = False, volume_data_zip_format: str | None = "wkw",
                         user: str | None = None) -> Response:
    """``GET /annotations/{id}/download`` (Task and Explorational annotations)."""
    record = find_annotation(api.store, api.principal(user), id_)
    return annotation_download(api, record, skip_volume_data=bool(skip_volume_data),
                               data_format=volume_data_zip_format or "wkw")


# reading uploaded files ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Entry:
    """One NML to parse: ``name`` as reported (the zip's name for uploads), ``inner`` its own file name."""

    name: str
    inner: str
    data: bytes


@dataclasses.dataclass
class _Budget:
    members: int = 0
    unpacked: int = 0


class _BadZip(Exception):
    pass


def _unsafe_member(name: str) -> bool:
    """Directories, absolute or parent-relative paths, backslashes, drive letters, macOS resource forks."""
    if not name or name.endswith("/") or "\\" in name or "\x00" in name or name.startswith("/"):
        return True
    parts = name.split("/")
    if any(part in ("..", "") for part in parts) or ":" in parts[0]:
        return True
    return parts[0] == "__MACOSX" or parts[-1].startswith("._")


def _bomb(name: str) -> BadRequest:
    return BadRequest(f"Could not parse file: {name}. The ZIP file is too large when unpacked "
                      f"(more than {MAX_UNPACKED_BYTES} bytes or {MAX_ZIP_MEMBERS} entries)")


def _open_zip(name: str, data: bytes, budget: _Budget) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as error:
        raise _BadZip() from error
    budget.members += len(infos)
    if budget.members > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        archive.close()
        raise _bomb(name)
    return archive, [i for i in infos if not _unsafe_member(i.filename)]


def _read_member(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    remaining = MAX_UNPACKED_BYTES - budget.unpacked
    try:
        with archive.open(info) as handle:
            data = handle.read(remaining + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError,
            zlib.error) as error:
        raise _BadZip() from error
    if len(data) > remaining:
        raise _bomb(name)
    budget.unpacked += len(data)
    return data


def _zip_entries(name: str, data: bytes, *, use_zip_name: bool, budget: _Budget, nested: bool
                 ) -> list[_Entry]:
    """The NMLs of a zip (or, for a zip of zips, of its inner zips: one level)."""
    archive, infos = _open_zip(name, data, budget)
    with archive:
        if all(info.filename.lower().endswith(".zip") for info in infos):
            if nested:
                return []
            entries = []
            for info in infos:
                inner_name = posixpath.basename(info.filename)
                inner_data = _read_member(name, archive, info, budget)
                entries.extend(_zip_entries(inner_name, inner_data, use_zip_name=use_zip_name, budget=budget,
                                            nested=True))
            return entries
        entries = []
        for info in infos:
            if info.filename.lower().endswith(".nml"):
                inner_name = posixpath.basename(info.filename)
                nml = _read_member(name, archive, info, budget)
                entries.append(_Entry(name if use_zip_name else inner_name, inner_name, nml))
        return entries


def _expand(files: list[tuple[str, bytes]], *, use_zip_name: bool) -> tuple[list[_Entry], list[ApiError]]:
    """NML entries of the uploaded files; unreadable zips become per-file failures. A zip bomb fails all."""
    budget = _Budget()
    entries: list[_Entry] = []
    failures: list[ApiError] = []
    for name, data in files:
        if name.lower().endswith(".zip"):
            try:
                entries.extend(_zip_entries(name, data, use_zip_name=use_zip_name, budget=budget, nested=False))
            except _BadZip:
                failures.append(NmlParseError(name, "Invalid ZIP file"))
        else:
            entries.append(_Entry(name, name, data))
    return entries, failures


async def _uploaded_files(api: Api, body: Any, kwargs: dict[str, Any]) -> list[tuple[str, bytes]]:
    """(file name, content) of every file part Connexion passed (in request order)."""
    uploads: list[UploadFile] = []
    for value in [body, *kwargs.values()]:
        items = value if isinstance(value, list) else [value]
        uploads.extend(item for item in items if isinstance(item, UploadFile))
    limit = api.settings.max_body_bytes
    files = []
    for upload in uploads:
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"File {upload.filename} is too large (more than {limit} bytes)")
        files.append((posixpath.basename((upload.filename or "").replace("\\", "/")), data))
    return files


def _form_value(body: Any, key: str) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    if isinstance(value, list):
        value = value[0] if value else None
    return None if value is None or isinstance(value, UploadFile) else str(value)


@dataclasses.dataclass
class _Parsed:
    successes: list[ParsedNml]
    failures: list[ApiError]
    total: int


def _parse_all(entries: list[_Entry], failures: list[ApiError], *, task_mode: bool,
               dataset_name: str | None = None) -> _Parsed:
    successes: list[ParsedNml] = []
    all_failures = list(failures)
    for entry in entries:
        try:
            successes.append(parse_nml(entry.data, entry.inner, task_mode=task_mode,
                                       dataset_name=dataset_name).renamed(entry.name))
        except NmlEmptyError:
            continue
        except NmlParseError as error:
            all_failures.append(NmlParseError(entry.name, error.reason))
    return _Parsed(successes, all_failures, len(entries) + len(failures))


# upload ----------------------------------------------------------------------------------------------


def _wrap_in_group(name: str, items: list[JSON], groups: list[JSON]) -> tuple[list[JSON], list[JSON]]:
    unused = max(all_group_ids(groups), default=0) + 1
    wrapped = [{**item, "groupId": item["groupId"] if item.get("groupId") is not None else unused} for item in items]
    return wrapped, [{"groupId": unused, "name": name, "children": groups}]


def _wrap_or_prefix(parsed: list[ParsedNml], total: int, create_groups: bool) -> list[ParsedNml]:
    """§9.5: one top-level group per file, or (several files) tree names prefixed with the file name."""
    result = []
    for nml in parsed:
        skeleton = dict(nml.skeleton) if nml.skeleton is not None else None
        volumes = nml.volumes
        if create_groups:
            if skeleton is not None:
                skeleton["trees"], skeleton["groups"] = _wrap_in_group(nml.filename, skeleton["trees"],
                                                                       skeleton["groups"])
                segments_wrapped = []
                for volume in volumes:
                    segments, groups = _wrap_in_group(nml.filename, volume.segments, volume.groups)
                    segments_wrapped.append(dataclasses.replace(volume, segments=segments, groups=groups))
                volumes = segments_wrapped
        elif total > 1 and skeleton is not None:
            prefix = re.sub(r"\.[^.]*$", "", nml.filename) + "_"
            skeleton["trees"] = [{**tree, "name": prefix + tree["name"]} for tree in skeleton["trees"]]
        result.append(dataclasses.replace(nml, skeleton=skeleton, volumes=volumes))
    return result


def _upload_dataset(api: Api, me: Principal, parsed: list[ParsedNml]) -> r.Dataset:
    names = {nml.dataset_name for nml in parsed}
    organizations = [nml.organization for nml in parsed if nml.organization]
    if len(names) != 1 or len(set(organizations)) > 1:
        raise BadRequest(DIFFERENT_DATASETS)
    name = names.pop()
    dataset: r.Dataset | None
    if organizations:
        organization = api.store.one(r.Organization, "name = ?", (organizations[0],))
        if organization is None:
            raise NotFound(f"Organization {organizations[0]} could not be found")
        dataset = api.store.one(r.Dataset, "organization_id = ? AND name = ?", (organization.id, name))
    else:
        dataset = api.store.one(r.Dataset, "name = ? ORDER BY organization_id != ?, created",
                                (name, me.organization_id))
    if dataset is None or not may_read_dataset(api.store, dataset, me):
        raise Forbidden(access_denied_text(name))
    if not dataset.is_active:
        raise BadRequest(f"Dataset {dataset.name} is not imported")
    return dataset


def _adapt_volume(content: JSON, dataset: r.Dataset) -> JSON:
    """Keep the fallback layer only if the dataset has such a segmentation layer (as the real server)."""
    segmentation = {layer["name"]: layer for layer in dataset.data_source.get("dataLayers") or []
                    if layer.get("category") == "segmentation"}
    fallback = content.get("fallbackLayer")
    if fallback not in segmentation:
        return {**content, "fallbackLayer": None}
    if content.get("largestSegmentId") is None:
        return {**content, "largestSegmentId": segmentation[fallback].get("largestSegmentId")}
    return content


def _volume_content(nml: ParsedNml, index: int) -> JSON:
    return {**nml.volumes[index].content(), "editPosition": nml.edit_position, "editRotation": nml.edit_rotation,
            "zoomLevel": nml.zoom_level, "time": nml.time, "userBoundingBoxes": nml.user_bounding_boxes}


def _upload_layers(api: Api, parsed: list[ParsedNml], dataset: r.Dataset) -> tuple[list[r.Tracing], list[JSON]]:
    tracings: list[r.Tracing] = []
    layers: list[JSON] = []

    def add(typ: str, name: str, content: JSON) -> None:
        tracing = r.Tracing(api.new_tracing_id(), typ, content)
        tracings.append(tracing)
        layers.append({"tracingId": tracing.id, "typ": typ, "name": name})

    skeletons = [nml.skeleton for nml in parsed if nml.skeleton is not None]
    if skeletons:
        add("Skeleton", "Skeleton", merge_skeletons(skeletons))
    with_volumes = [nml for nml in parsed if nml.volumes]
    if len(with_volumes) > 1 and any(len(nml.volumes) > 1 for nml in with_volumes):
        raise BadRequest(MULTIPLE_VOLUMES)
    if len(with_volumes) == 1:
        nml = with_volumes[0]
        for index, volume in enumerate(nml.volumes):
            add("Volume", volume.name or f"Volume{index}", _adapt_volume(_volume_content(nml, index), dataset))
    elif with_volumes:
        merged = merge_volumes([_volume_content(nml, 0) for nml in with_volumes])
        add("Volume", "Volume", _adapt_volume(merged, dataset))
    names = [layer["name"] for layer in layers]
    if len(set(names)) != len(names):
        raise BadRequest("Annotation layer names must be unique")
    return tracings, layers


def _upload_name(parsed: list[ParsedNml]) -> str:
    if len(parsed) != 1:
        return ""
    return re.sub(r"\.nml$", "", parsed[0].filename).replace(".zip", "")


async def upload_annotations(api: Api, body: Any = None, user: str | None = None, **kwargs: Any) -> Response:
    """``POST /annotations/upload``: all files merged into one new Explorational (§9.5)."""
    me = api.require(user)
    create_groups = _form_value(body, "createGroupForEachFile")
    if create_groups not in ("true", "false"):
        raise BadRequest("createGroupForEachFile must be true or false")
    dataset_override = _form_value(body, "datasetName") or None
    files = await _uploaded_files(api, body, kwargs)
    entries, failures = _expand(files, use_zip_name=True)
    result = _parse_all(entries, failures, task_mode=False, dataset_name=dataset_override)
    if not result.successes:
        if result.failures:
            raise BadRequest(body={"messages": [{"error": f.error} for f in result.failures]})
        raise BadRequest(EMPTY_FILE_TEXT)
    parsed = _wrap_or_prefix(result.successes, result.total, create_groups == "true")
    usable = [nml for nml in parsed if nml.has_content]
    if not usable:
        raise BadRequest(EMPTY_FILE_TEXT)
    dataset = _upload_dataset(api, me, usable)
    with api.store.transaction():
        tracings, layers = _upload_layers(api, usable, dataset)
        now = api.now()
        annotation = r.Annotation(
            id=api.new_id(), typ="Explorational", state="Active", user_id=me.id, dataset_id=dataset.id,
            layers=layers, created=now, modified=now, name=_upload_name(parsed),
            description=parsed[0].description if len(parsed) == 1 else "",
        )
        api.store.insert(*tracings, annotation)
    return json_response({"annotation": {"typ": annotation.typ, "id": annotation.id},
                          "messages": [{"success": UPLOAD_SUCCESS}]})


# tasks from files ------------------------------------------------------------------------------------


def _form_params(body: Any) -> JSON:
    text = _form_value(body, "formJSON")
    if text is None:
        raise BadRequest(MISSING_FORM_JSON)
    try:
        params = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadRequest(INVALID_JSON) from None
    if not isinstance(params, dict):
        raise BadRequest(INVALID_JSON)
    return params


def _task_params(params: JSON, nml: ParsedNml) -> JSON:
    box = params.get("boundingBox") if isinstance(params.get("boundingBox"), dict) else nml.task_bounding_box
    return {**params, "dataSet": nml.dataset_name, "editPosition": list(nml.edit_position),
            "editRotation": list(nml.edit_rotation), "boundingBox": box, "description": nml.description or None}


async def create_tasks_from_files(api: Api, body: Any = None, user: str | None = None, **kwargs: Any) -> Response:
    """``POST /tasks/createFromFiles``: one task per NML (NMLs inside zips count individually, §9.4)."""
    me = api.require(user)
    files = [(name, data) for name, data in await _uploaded_files(api, body, kwargs)
             if name.lower().endswith((".nml", ".zip"))]
    if not files:
        raise BadRequest(NO_NML_FILE)
    params = _form_params(body)
    task_type_id = str(params.get("taskTypeId") or "")
    task_type = api.store.get(r.TaskType, task_type_id) if OBJECT_ID.match(task_type_id) else None
    if task_type is None or task_type.organization_id != me.organization_id:
        raise NotFound(TASK_TYPE_NOT_FOUND)
    limit = BATCH_LIMIT if task_type.tracing_type == "skeleton" else VOLUME_BATCH_LIMIT
    if len(files) > limit:
        raise BadRequest(BATCH_LIMIT_TEXT)
    project = api.store.one(r.Project, "name = ? AND organization_id = ?",
                            (str(params.get("projectName") or ""), me.organization_id))
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND)
    if not me.manages(project.team_id, project.organization_id):
        raise NotFound()
    entries, zip_failures = _expand(files, use_zip_name=False)
    outcomes: list[Outcome | ParsedNml] = [BadRequest(f.reason if isinstance(f, NmlParseError) else f.error)
                                           for f in zip_failures]
    for entry in entries:
        try:
            nml = parse_nml(entry.data, entry.name, task_mode=True)
        except NmlEmptyError:
            outcomes.append(BadRequest(EMPTY_FILE_TEXT))
            continue
        except NmlParseError as error:
            outcomes.append(BadRequest(error.reason))
            continue
        outcomes.append(nml if nml.has_content else BadRequest(NEEDS_SKELETON_OR_VOLUME))
    parsed = [item for item in outcomes if isinstance(item, ParsedNml)]
    dataset: r.Dataset | None = None
    if parsed:
        names = {nml.dataset_name for nml in parsed}
        if len(names) > 1:
            raise BadRequest(NOT_ON_SAME_DATASET)
        name = names.pop()
        dataset = find_dataset_by_name(api, me, name)
        if dataset is None or not may_read_dataset(api.store, dataset, me):
            raise NotFound(dataset_not_found_text(name))
    results: list[Outcome] = []
    with api.store.transaction():
        for item in outcomes:
            if isinstance(item, ParsedNml):
                results.append(creation_outcome(api, me, _task_params(params, item), base_skeleton=item.skeleton,
                                                creation_info=item.filename, dataset=dataset))
            else:
                results.append(item)
        warnings = team_warnings(api, me, results)
    return json_response(creation_result(results, warnings=warnings))
