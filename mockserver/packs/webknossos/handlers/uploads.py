"""File uploads: ``POST /annotations/upload`` (§9.5) and ``POST /tasks/createFromFiles`` (§9.4).

Both read their file parts from the handler's keyword arguments: Connexion passes each file part
under its (sanitised) part name, and only the first file of a part name that occurs more than once.
ZIPs are read with ``mockserver.archives.ZipReader`` (bounded, no file system), NMLs parsed with
``mockserver.packs.webknossos.nml.parse_nml``. A file that cannot be used is reported by name; when no file is usable
the request fails with 400 and nothing is stored. The operations are named
``annotations.upload_annotations`` and ``tasks.create_tasks_from_files`` and re-exported there.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mockserver.archives import Member, UnusableZip, ZipReader
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.errors import ApiError, BadRequest, Forbidden, NotFound, PayloadTooLarge
from mockserver.packs.webknossos.handlers.datasets import find_organization, organization_dataset
from mockserver.packs.webknossos.handlers.task_creation import (
    NOT_ON_SAME_DATASET,
    Outcome,
    batch_dataset,
    batch_task_types,
    check_batch_size,
    creation_outcome,
    creation_result,
    team_warnings,
)
from mockserver.packs.webknossos.nml import (
    EMPTY_FILE_TEXT,
    NmlEmptyError,
    NmlParseError,
    ParsedNml,
    all_group_ids,
    parse_nml,
)
from mockserver.packs.webknossos.tracing_merge import merge_skeletons, merge_volumes
from mockserver.packs.webknossos.views.datasets import may_read_dataset
from mockserver.responses import json_response
from mockserver.safe_xml import MAX_NML_BYTES

JSON = dict[str, Any]

UPLOAD_SUCCESS = "Successfully uploaded file"
DIFFERENT_DATASETS = "Cannot upload tracings that belong to different datasets at once"
MULTIPLE_VOLUMES = "Cannot merge multiple annotations that each have multiple volume layers."
NO_NML_FILE = "Could not extract NML file"
MISSING_FORM_JSON = "Missing format json"
INVALID_JSON = "Invalid Json format"
NEEDS_SKELETON_OR_VOLUME = "task.create.needsEitherSkeletonOrVolume"
PROJECT_NOT_FOUND = "Project could not be found"


def access_denied_text(dataset_name: str) -> str:
    return f"Could not access dataset {dataset_name}. Does your team have access?"


# reading uploaded files ----------------------------------------------------------------------------


def _expand(files: list[tuple[str, bytes]]) -> list[Member | NmlParseError]:
    """The NMLs of the uploaded files in request order (zips opened); an unusable zip becomes a failure
    in its place, a zip bomb (``ZipTooLarge``) fails the request."""
    reader = ZipReader(".nml", max_member_bytes=MAX_NML_BYTES)
    items: list[Member | NmlParseError] = []
    for name, data in files:
        if not name.lower().endswith(".zip"):
            items.append(Member(name, name, data))
            continue
        try:
            items.extend(reader.read(name, data))
        except UnusableZip as error:
            items.append(NmlParseError(name, str(error)))
    return items


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


def _parse_all(items: list[Member | NmlParseError], *, dataset_name: str | None = None) -> _Parsed:
    """Upload parsing: each NML is reported under the name of the uploaded file it came from."""
    successes: list[ParsedNml] = []
    failures: list[ApiError] = []
    for item in items:
        if isinstance(item, NmlParseError):
            failures.append(item)
            continue
        try:
            successes.append(parse_nml(item.data, item.name, dataset_name=dataset_name).renamed(item.source))
        except NmlEmptyError:
            continue
        except NmlParseError as error:
            failures.append(NmlParseError(item.source, error.reason))
    return _Parsed(successes, failures, len(items))


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
        organization = find_organization(api, organizations[0])
        if organization is None:
            raise NotFound(f"Organization {organizations[0]} could not be found")
        dataset = organization_dataset(api, organization.id, name)
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
        add("Skeleton", "Skeleton", skeletons[0] if len(skeletons) == 1 else merge_skeletons(skeletons))
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
    result = _parse_all(_expand(files), dataset_name=dataset_override)
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


def _check_task_form(api: Api, me: Principal, params: JSON, file_count: int) -> None:
    """Task type (of the requester's organization), batch size and project (managed by the requester)."""
    check_batch_size(batch_task_types(api, me, [str(params.get("taskTypeId") or "")]), file_count)
    project = api.store.one(r.Project, "name = ? AND organization_id = ?",
                            (str(params.get("projectName") or ""), me.organization_id))
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND)
    if not me.manages(project.team_id, project.organization_id):
        raise NotFound()


def _task_files(files: list[tuple[str, bytes]]) -> list[Outcome | ParsedNml]:
    """One parsed NML (task mode) or one failure per NML, in request order; zips count per NML."""
    outcomes: list[Outcome | ParsedNml] = []
    for item in _expand(files):
        if isinstance(item, NmlParseError):
            outcomes.append(BadRequest(item.reason))
            continue
        try:
            nml = parse_nml(item.data, item.name, task_mode=True)
        except NmlEmptyError:
            outcomes.append(BadRequest(EMPTY_FILE_TEXT))
            continue
        except NmlParseError as error:
            outcomes.append(BadRequest(error.reason))
            continue
        outcomes.append(nml if nml.has_content else BadRequest(NEEDS_SKELETON_OR_VOLUME))
    return outcomes


def _task_dataset(api: Api, me: Principal, parsed: list[ParsedNml]) -> r.Dataset | None:
    """The one dataset all parsed NMLs name (None without any)."""
    if not parsed:
        return None
    names = {nml.dataset_name for nml in parsed}
    if len(names) > 1:
        raise BadRequest(NOT_ON_SAME_DATASET)
    return batch_dataset(api, me, names.pop())


async def create_tasks_from_files(api: Api, body: Any = None, user: str | None = None, **kwargs: Any) -> Response:
    """``POST /tasks/createFromFiles``: one task per NML (NMLs inside zips count individually, §9.4)."""
    me = api.require(user)
    files = [(name, data) for name, data in await _uploaded_files(api, body, kwargs)
             if name.lower().endswith((".nml", ".zip"))]
    if not files:
        raise BadRequest(NO_NML_FILE)
    params = _form_params(body)
    _check_task_form(api, me, params, len(files))
    outcomes = _task_files(files)
    dataset = _task_dataset(api, me, [item for item in outcomes if isinstance(item, ParsedNml)])
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
