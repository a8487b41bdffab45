"""Annotation downloads: ``GET /annotations/{typ}/{id}/download`` and ``/annotations/{id}/download`` (§11).

The stored tracings are rendered with ``mockserver.packs.webknossos.nml.write_nml``: a skeleton-only annotation as an
NML (``application/xml``), one with volume layers as a ZIP with the NML and, unless
``skipVolumeData``, one small data zip per volume layer (no voxels are stored, so the data zips only
hold a header). Compound types answer a ZIP of the finished task annotations' individual files.
The operations are named ``annotations.download_*`` and re-exported by ``handlers.annotations``.
"""

from __future__ import annotations

import dataclasses
import re
import struct
import unicodedata
from typing import Any

import orjson
from starlette.responses import Response

from mockserver.archives import zip_bytes
from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.api import Api
from mockserver.packs.webknossos.auth import Principal
from mockserver.packs.webknossos.compound import (
    COMPOUND_TYPES,
    compound_target,
    find_annotation,
    finished_annotations,
    may_manage,
)
from mockserver.packs.webknossos.errors import NOT_FOUND_TEXT, Forbidden, NotFound
from mockserver.packs.webknossos.handlers.common import OBJECT_ID
from mockserver.packs.webknossos.handlers.misc import BUILD_INFO
from mockserver.packs.webknossos.nml import NmlDocument, NmlVolume, write_nml

JSON = dict[str, Any]

WRITER_COMMIT = str(BUILD_INFO["webknossos"]["commitHash"])  # type: ignore[index]
NML_MEDIA_TYPE = "application/xml"
ZIP_MEDIA_TYPE = "application/zip"
WKW_HEADER = b"WKW" + bytes([1, 0x55, 1, 5, 4]) + struct.pack("<Q", 16)
"""A WKW header (version 1, 32³ voxels per block, 32³ blocks per file, raw, uint32): the only content of
the volume data zips (the mock stores no voxels)."""


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


def volume_data_zip(data_format: str) -> bytes:
    """A small valid data zip for one volume layer (WKW header, or a Zarr v3 group for ``zarr3``)."""
    if data_format == "zarr3":
        group = orjson.dumps({"zarr_format": 3, "node_type": "group", "attributes": {}})
        return zip_bytes([("zarr.json", group)])
    return zip_bytes([("1/header.wkw", WKW_HEADER)])


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
    body = zip_bytes([(f"{name}.nml", rendered.nml), *rendered.volumes])
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
            entries.append((f"{name}.zip", zip_bytes(inner)))
        else:
            entries.append((f"{name}.nml", render_annotation(api, record).nml))
    filename = f"{safe_file_name(target.name) or target.id}_nmls.zip"
    return Response(zip_bytes(entries), media_type=ZIP_MEDIA_TYPE, headers=attachment(filename, space=True))


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

