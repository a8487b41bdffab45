"""What NML files hold, on canonical tracing content: the writer's input, the reader's output, errors.

Canonical shapes used beyond ``world.skeletons``: tree/segment groups ``{"groupId", "name",
"children"}``; user bounding boxes ``{"id", "name", "isVisible", "color", "boundingBox": {"topLeft",
"width", "height", "depth"}}``; segments ``{"id", "name", "created", "anchorPosition", "color",
"groupId"}``; a skeleton's task bounding box (task uploads) is ``"boundingBox"``.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterable, Sequence
from typing import Any

from mockserver.packs.webknossos.errors import BadRequest
from mockserver.safe_xml import InvalidXml

JSON = dict[str, Any]

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
EMPTY_FILE_TEXT = "No file or file with empty content uploaded"
DEFAULT_EDIT_POSITION = (0, 0, 0)
DEFAULT_ZOOM = 2.0
TREE_TYPES = ("DEFAULT", "AGGLOMERATE")


class NmlParseError(BadRequest):
    """A file that cannot be used: 400 ``Could not parse file: <name>. <reason>``."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"Could not parse file: {filename}. {reason}")
        self.filename = filename
        self.reason = reason


class NmlEmptyError(BadRequest):
    """A file without content (the real server ignores it; nothing usable → this 400)."""

    def __init__(self, filename: str = "") -> None:
        super().__init__(EMPTY_FILE_TEXT)
        self.filename = filename


InvalidNml = InvalidXml
"""A parse problem (the reason text) inside ``parse_nml``; turned into ``NmlParseError``."""


def float32(value: float) -> float:
    """``value`` rounded to float32 and widened back to double (how the server stores colours, radii)."""
    try:
        return float(struct.unpack("<f", struct.pack("<f", float(value)))[0])
    except (OverflowError, struct.error):
        return float(value)


def group_id_of(group: JSON) -> int:
    """The id of a canonical group (``groupId``, or ``id`` in older content)."""
    return int(group["groupId"] if "groupId" in group else group.get("id", 0))


def all_group_ids(groups: Iterable[JSON]) -> list[int]:
    """Ids of ``groups`` and all their descendants, depth first."""
    ids: list[int] = []
    for group in groups:
        ids.append(group_id_of(group))
        ids.extend(all_group_ids(group.get("children") or []))
    return ids


@dataclasses.dataclass(frozen=True)
class NmlVolume:
    """One volume layer to write: its name, canonical volume content and data zip name (None: skipped)."""

    name: str
    content: JSON
    location: str | None = None
    format: str = "wkw"


@dataclasses.dataclass(frozen=True)
class NmlDocument:
    """Everything ``write_nml`` needs about one annotation."""

    dataset_name: str
    organization: str
    wk_url: str
    timestamp: int
    writer_commit: str
    description: str | None = ""
    scale: Sequence[float] | None = None
    annotation_id: str | None = None
    username: str | None = None
    task_id: str | None = None
    skeleton: JSON | None = None
    volumes: Sequence[NmlVolume] = ()
    task_bounding_box: JSON | None = None
    skip_volume_data: bool = False
    default_edit_position: Sequence[int] = DEFAULT_EDIT_POSITION
    default_time: int = 0


@dataclasses.dataclass(frozen=True)
class ParsedVolume:
    """A ``<volume>`` element of an uploaded NML."""

    index: int
    name: str | None
    location: str
    fallback_layer: str | None
    largest_segment_id: int | None
    format: str | None
    segments: list[JSON]
    groups: list[JSON]

    def content(self) -> JSON:
        """Canonical volume content (``world.skeletons.volume_content`` plus segments and groups)."""
        return {"fallbackLayer": self.fallback_layer, "largestSegmentId": self.largest_segment_id,
                "segments": [dict(s) for s in self.segments], "groups": list(self.groups)}


@dataclasses.dataclass(frozen=True)
class ParsedNml:
    """An uploaded NML: parameters, skeleton (canonical, None without trees and bounding boxes), volumes."""

    filename: str
    dataset_name: str
    organization: str | None
    description: str
    wk_url: str | None
    time: int
    edit_position: list[int]
    edit_rotation: list[float]
    zoom_level: float
    scale: list[float] | None
    meta: dict[str, str]
    skeleton: JSON | None
    volumes: list[ParsedVolume]
    task_bounding_box: JSON | None
    user_bounding_boxes: list[JSON]

    @property
    def has_content(self) -> bool:
        return self.skeleton is not None or bool(self.volumes)

    def renamed(self, filename: str) -> ParsedNml:
        return dataclasses.replace(self, filename=filename)
