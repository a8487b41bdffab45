"""NML files: writing them as the real server does (reference §10.1) and parsing uploads (§10.3).

``write_nml`` renders an ``NmlDocument`` (canonical skeleton content of ``world.skeletons`` plus
volume layers and annotation metadata) byte-exactly in the server's layout: no XML declaration,
two-space indentation, ``<tag attr="…" />`` for empty elements, Java number formats (``1.0``;
radii and the voxel size as float32 values widened to double), empty colour attributes for
colourless trees. Colours are written as stored; the parser widens parsed colours from float32 as
the real parser does (``0.2`` comes back as ``0.20000000298023224``).

``parse_nml`` reads an uploaded NML into a ``ParsedNml`` (skeleton in the canonical format, volume
layer descriptions, parameters). It is hardened: lxml without entity resolution, network or DTD
loading, documents with a DOCTYPE or entity declarations are rejected before parsing, only
ASCII-compatible encodings are accepted, file size, element count and group depth are capped.
Every problem is an ``NmlParseError`` (a 400 ``ApiError`` with the real text ``Could not parse
file: <name>. <reason>``); an empty file is an ``NmlEmptyError``. Nothing else escapes.

Canonical shapes used beyond ``world.skeletons``: tree/segment groups ``{"groupId", "name",
"children"}``; user bounding boxes ``{"id", "name", "isVisible", "color", "boundingBox": {"topLeft",
"width", "height", "depth"}}``; segments ``{"id", "name", "created", "anchorPosition", "color",
"groupId"}``; a skeleton's task bounding box (task uploads) is ``"boundingBox"``.
"""

from __future__ import annotations

import dataclasses
import decimal
import hashlib
import math
import random
import re
import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lxml import etree

from mockserver.errors import BadRequest

JSON = dict[str, Any]

MAX_NML_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
MAX_GROUP_DEPTH = 100
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)

EMPTY_FILE_TEXT = "No file or file with empty content uploaded"
NO_PARAMETERS = "No parameters section found"
DOCTYPE_TEXT = ('DOCTYPE is disallowed when the feature "http://apache.org/xml/features/disallow-doctype-decl" '
                "set to true.")
SKIPPED_VOLUME_NOTE = "Note that volume data was omitted when downloading this annotation."
ASCII_COMPATIBLE = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15",
                    "windows-1252", "cp1252"}
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


# numbers -----------------------------------------------------------------------------------------


def float32(value: float) -> float:
    """``value`` rounded to float32 and widened back to double (how the server stores colours, radii)."""
    try:
        return float(struct.unpack("<f", struct.pack("<f", float(value)))[0])
    except (OverflowError, struct.error):
        return float(value)


def java_double(value: float) -> str:
    """Java's ``Double.toString``: ``1.0``, ``0.22112327814102173``, ``1.0E7``, ``1.0E-4``."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        if "e" in text or "E" in text:  # not reached for this range, kept for safety
            text = format(decimal.Decimal(text), "f")
        return text if "." in text else f"{text}.0"
    sign, digits, exponent = decimal.Decimal(repr(value)).as_tuple()
    numerals = "".join(str(d) for d in digits).rstrip("0") or "0"
    assert isinstance(exponent, int)
    power = exponent + len(digits) - 1
    mantissa = numerals[0] + "." + (numerals[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{power}"


def _int_text(value: Any) -> str:
    return str(int(value))


def _bool_text(value: Any) -> str:
    return "true" if value else "false"


# writing -----------------------------------------------------------------------------------------


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


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape_attribute(value: Any) -> str:
    """An attribute value: XML escapes; newlines and tabs as character references (round-trip safe)."""
    text = _ILLEGAL_XML.sub("", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


Attrs = list[tuple[str, str]]


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    @staticmethod
    def _start(tag: str, attrs: Attrs) -> str:
        rendered = "".join(f' {name}="{escape_attribute(value)}"' for name, value in attrs)
        return f"<{tag}{rendered}"

    def empty(self, depth: int, tag: str, attrs: Attrs | None = None) -> None:
        self.lines.append(f"{'  ' * depth}{self._start(tag, attrs or [])} />")

    def element(self, depth: int, tag: str, attrs: Attrs, children: Callable[[_Lines, int], None],
                inline: str = "") -> None:
        """``tag`` with the children ``children`` writes (self-closing when there are none)."""
        inner = _Lines()
        children(inner, depth + 1)
        if not inner.lines and not inline:
            self.empty(depth, tag, attrs)
            return
        self.lines.append(f"{'  ' * depth}{self._start(tag, attrs)}>{inline}")
        self.lines.extend(inner.lines)
        self.lines.append(f"{'  ' * depth}</{tag}>")


def _color_attrs(color: Any) -> Attrs:
    if isinstance(color, (list, tuple)) and len(color) in (3, 4):
        values = [*color, 1.0] if len(color) == 3 else list(color)
        try:
            texts = [java_double(float(v)) for v in values]
        except (TypeError, ValueError):
            texts = [""] * 4
    elif isinstance(color, dict) and all(k in color for k in "rgb"):
        try:
            texts = [java_double(float(color.get(k, 1.0))) for k in "rgba"]
        except (TypeError, ValueError):
            texts = [""] * 4
    else:
        texts = [""] * 4
    return [("color.r", texts[0]), ("color.g", texts[1]), ("color.b", texts[2]), ("color.a", texts[3])]


def _box_parts(box: JSON) -> JSON:
    """``{"topLeft", "width", "height", "depth"}`` of a canonical box (also inside ``boundingBox``)."""
    inner = box.get("boundingBox") if isinstance(box.get("boundingBox"), dict) else box
    return inner if isinstance(inner, dict) else {}


def _box_attrs(box: JSON) -> Attrs:
    parts = _box_parts(box)
    top_left = [*list(parts.get("topLeft") or []), 0, 0, 0]
    return [("topLeftX", _int_text(top_left[0])), ("topLeftY", _int_text(top_left[1])),
            ("topLeftZ", _int_text(top_left[2])), ("width", _int_text(parts.get("width", 0))),
            ("height", _int_text(parts.get("height", 0))), ("depth", _int_text(parts.get("depth", 0)))]


def _group_id_of(group: JSON) -> int:
    return int(group["groupId"] if "groupId" in group else group.get("id", 0))


def _groups_writer(groups: Iterable[JSON]) -> Callable[[_Lines, int], None]:
    items = list(groups)

    def write(out: _Lines, depth: int) -> None:
        for group in items:
            attrs = [("name", str(group.get("name", ""))), ("id", _int_text(_group_id_of(group)))]
            out.element(depth, "group", attrs, _groups_writer(group.get("children") or []))

    return write


def _empties_writer(tag: str, attr_lists: Iterable[Attrs]) -> Callable[[_Lines, int], None]:
    items = list(attr_lists)

    def write(out: _Lines, depth: int) -> None:
        for attrs in items:
            out.empty(depth, tag, attrs)

    return write


def _vector(values: Any, length: int = 3) -> list[Any]:
    items = list(values) if isinstance(values, (list, tuple)) else []
    return (items + [0] * length)[:length]


def _parameters(doc: NmlDocument, source: JSON, is_skeleton: bool) -> Callable[[_Lines, int], None]:
    def write(out: _Lines, depth: int) -> None:
        experiment: Attrs = [("name", doc.dataset_name), ("organization", doc.organization)]
        if doc.description is not None:
            experiment.append(("description", doc.description))
        experiment.append(("wkUrl", doc.wk_url))
        out.empty(depth, "experiment", experiment)
        if doc.scale is not None and len(doc.scale) >= 3:
            scale = [java_double(float32(float(v))) for v in list(doc.scale)[:3]]
        else:
            scale = ["-1", "-1", "-1"]
        out.empty(depth, "scale", [("x", scale[0]), ("y", scale[1]), ("z", scale[2])])
        out.empty(depth, "offset", [("x", "0"), ("y", "0"), ("z", "0")])
        out.empty(depth, "time", [("ms", _int_text(source.get("time", doc.default_time) or 0))])
        position = _vector(source.get("editPosition") or doc.default_edit_position)
        out.empty(depth, "editPosition", [(axis, _int_text(v)) for axis, v in zip("xyz", position, strict=True)])
        rotation = _vector(source.get("editRotation") or [0.0, 0.0, 0.0])
        out.empty(depth, "editRotation",
                  [(name, java_double(float(v))) for name, v in zip(("xRot", "yRot", "zRot"), rotation, strict=True)])
        out.empty(depth, "zoomLevel", [("zoom", java_double(float(source.get("zoomLevel", 1.0) or 1.0)))])
        if is_skeleton and source.get("activeNode") is not None:
            out.empty(depth, "activeNode", [("id", _int_text(source["activeNode"]))])
        for box in source.get("userBoundingBoxes") or []:
            attrs: Attrs = [("id", _int_text(box.get("id", 0)))]
            if box.get("name") is not None:
                attrs.append(("name", str(box["name"])))
            if box.get("isVisible") is not None:
                attrs.append(("isVisible", _bool_text(box["isVisible"])))
            attrs.extend(_color_attrs(box.get("color")))
            attrs.extend(_box_attrs(box))
            out.empty(depth, "userBoundingBox", attrs)
        task_box = doc.task_bounding_box
        if task_box is None and is_skeleton and isinstance(source.get("boundingBox"), dict):
            task_box = source["boundingBox"]
        if task_box is not None:
            out.empty(depth, "taskBoundingBox", _box_attrs(task_box))

    return write


def _write_tree(out: _Lines, depth: int, tree: JSON) -> None:
    attrs: Attrs = [("id", _int_text(tree["id"])), *_color_attrs(tree.get("color")),
                    ("name", str(tree.get("name", "")))]
    if tree.get("groupId") is not None:
        attrs.append(("groupId", _int_text(tree["groupId"])))
    if tree.get("type") is not None:
        attrs.append(("type", str(tree["type"])))
    nodes = sorted(tree.get("nodes") or [], key=lambda n: int(n["id"]))
    edges = list(tree.get("edges") or [])

    def children(inner: _Lines, d: int) -> None:
        inner.element(d, "nodes", [], _empties_writer("node", (_node_attrs(n) for n in nodes)))
        inner.element(d, "edges", [], _empties_writer(
            "edge", ([("source", _int_text(e[0])), ("target", _int_text(e[1]))] for e in edges)))

    out.element(depth, "thing", attrs, children)


def _node_attrs(node: JSON) -> Attrs:
    position = _vector(node.get("position"))
    rotation = _vector(node.get("rotation") or [0.0, 0.0, 0.0])
    return [
        ("id", _int_text(node["id"])), ("radius", java_double(float32(float(node.get("radius", 1.0))))),
        ("x", _int_text(position[0])), ("y", _int_text(position[1])), ("z", _int_text(position[2])),
        ("rotX", java_double(float(rotation[0]))), ("rotY", java_double(float(rotation[1]))),
        ("rotZ", java_double(float(rotation[2]))), ("inVp", _int_text(node.get("inVp", 0))),
        ("inMag", _int_text(node.get("inMag", 0))), ("bitDepth", _int_text(node.get("bitDepth", 0))),
        ("interpolation", _bool_text(node.get("interpolation", False))), ("time", _int_text(node.get("time", 0))),
    ]


def _write_skeleton(out: _Lines, depth: int, skeleton: JSON) -> None:
    for tree in skeleton.get("trees") or []:
        _write_tree(out, depth, tree)
    branch_points = sorted(skeleton.get("branchPoints") or [], key=lambda b: -int(b.get("time", 0)))
    out.element(depth, "branchpoints", [], _empties_writer(
        "branchpoint", ([("id", _int_text(b["node"])), ("time", _int_text(b.get("time", 0)))] for b in branch_points)))
    out.element(depth, "comments", [], _empties_writer(
        "comment", ([("node", _int_text(c["node"])), ("content", str(c.get("content", "")))]
                    for c in skeleton.get("comments") or [])))
    out.element(depth, "groups", [], _groups_writer(skeleton.get("groups") or []))


def _segment_attrs(segment: JSON) -> Attrs:
    attrs: Attrs = [("id", _int_text(segment.get("id", segment.get("segmentId", 0))))]
    if segment.get("name") is not None:
        attrs.append(("name", str(segment["name"])))
    created = segment.get("created", segment.get("creationTime"))
    if created is not None:
        attrs.append(("created", _int_text(created)))
    anchor = segment.get("anchorPosition")
    if isinstance(anchor, (list, tuple)) and len(anchor) >= 3:
        attrs.extend((f"anchorPosition{axis}", _int_text(v)) for axis, v in zip("XYZ", anchor, strict=False))
    if segment.get("color") is not None:
        attrs.extend(_color_attrs(segment["color"]))
    if segment.get("groupId") is not None:
        attrs.append(("groupId", _int_text(segment["groupId"])))
    return attrs


def _write_volume(out: _Lines, depth: int, index: int, volume: NmlVolume, skip: bool) -> None:
    content = volume.content
    attrs: Attrs = [("id", str(index)), ("name", volume.name)]
    if not skip and volume.location is not None:
        attrs.extend([("location", volume.location), ("format", volume.format)])
    if content.get("fallbackLayer") is not None:
        attrs.append(("fallbackLayer", str(content["fallbackLayer"])))
    if content.get("largestSegmentId") is not None:
        attrs.append(("largestSegmentId", _int_text(content["largestSegmentId"])))
    segments = [_segment_attrs(s) for s in content.get("segments") or []]
    groups = list(content.get("groups") or [])

    def children(inner: _Lines, d: int) -> None:
        inner.element(d, "segments", [], _empties_writer("segment", segments))
        inner.element(d, "groups", [], _groups_writer(groups))

    out.element(depth, "volume", attrs, children, inline=f"<!--{SKIPPED_VOLUME_NOTE}-->" if skip else "")


def write_nml(doc: NmlDocument) -> bytes:
    """The NML of ``doc`` exactly as the real server writes it (UTF-8, no XML declaration)."""
    out = _Lines()

    def things(inner: _Lines, depth: int) -> None:
        meta = [("writer", "NmlWriter.scala"), ("writerGitCommit", doc.writer_commit),
                ("timestamp", str(doc.timestamp))]
        if doc.annotation_id is not None:
            meta.append(("annotationId", doc.annotation_id))
        if doc.username is not None:
            meta.append(("username", doc.username))
        if doc.task_id is not None:
            meta.append(("taskId", doc.task_id))
        for name, content in meta:
            inner.empty(depth, "meta", [("name", name), ("content", content)])
        skeleton = doc.skeleton
        source = skeleton if skeleton is not None else (doc.volumes[0].content if doc.volumes else {})
        inner.element(depth, "parameters", [], _parameters(doc, source, skeleton is not None))
        if skeleton is not None:
            _write_skeleton(inner, depth, skeleton)
        for index, volume in enumerate(doc.volumes):
            _write_volume(inner, depth, index, volume, doc.skip_volume_data)

    out.element(0, "things", [], things)
    return "\n".join(out.lines).encode("utf-8", "replace")


# parsing -----------------------------------------------------------------------------------------


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


class _Failure(Exception):
    """A parse problem (the reason text) inside ``parse_nml``; turned into ``NmlParseError``."""


_INT = re.compile(r"^[+-]?[0-9]{1,19}$")
_FLOAT = re.compile(r"^\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?[fFdD]?\s*$")


def _to_int(text: str | None, bounds: tuple[int, int] = INT32) -> int | None:
    if text is None or not _INT.match(text):
        return None
    value = int(text)
    return value if bounds[0] <= value <= bounds[1] else None


def _to_float(text: str | None) -> float | None:
    if text is None or not _FLOAT.match(text):
        return None
    value = float(text.strip().rstrip("fFdD"))
    return value if math.isfinite(value) else None


def _to_bool(text: str | None) -> bool | None:
    if text is None:
        return None
    lowered = text.lower()
    return True if lowered == "true" else False if lowered == "false" else None


def _attr(element: Any, name: str) -> str:
    value = element.get(name)
    return "" if value is None else str(value)


def _children(element: Any, tag: str) -> list[Any]:
    return [child for child in element if child.tag == tag]


def _grandchildren(element: Any, tag: str, child_tag: str) -> list[Any]:
    return [item for child in _children(element, tag) for item in _children(child, child_tag)]


def _color(element: Any) -> list[float] | None:
    values = [_to_float(element.get(f"color.{c}")) for c in "rgba"]
    if any(v is None for v in values):
        return None
    return [float32(v) for v in values if v is not None]


def _position(element: Any, names: Sequence[str] = ("x", "y", "z")) -> list[int] | None:
    result = []
    for name in names:
        text = element.get(name)
        value = _to_int(text)
        if value is None:
            number = _to_float(text)
            if number is None or not INT32[0] <= number <= INT32[1]:
                return None
            value = math.floor(float32(number) + 0.5)
        result.append(value)
    return result


def _rotation(element: Any, names: Sequence[str]) -> list[float] | None:
    values = [_to_float(element.get(name)) for name in names]
    if any(v is None for v in values):
        return None
    return [float(v) for v in values if v is not None]


def _bounding_box(element: Any) -> JSON | None:
    values = [_to_int(element.get(name)) for name in ("topLeftX", "topLeftY", "topLeftZ", "width", "height", "depth")]
    if any(v is None for v in values):
        return None
    return {"topLeft": values[:3], "width": values[3], "height": values[4], "depth": values[5]}


def _groups(elements: Iterable[Any], depth: int = 0) -> list[JSON]:
    if depth > MAX_GROUP_DEPTH:
        raise _Failure("Invalid tree groups: nested too deeply")
    groups = []
    for element in elements:
        text = _attr(element, "id")
        group_id = _to_int(text)
        if group_id is None:
            raise _Failure(f"Invalid tree group id {text}")
        groups.append({"groupId": group_id, "name": _attr(element, "name"),
                       "children": _groups(_children(element, "group"), depth + 1)})
    return groups


def all_group_ids(groups: Iterable[JSON]) -> list[int]:
    ids: list[int] = []
    for group in groups:
        ids.append(_group_id_of(group))
        ids.extend(all_group_ids(group.get("children") or []))
    return ids


def _node(element: Any) -> JSON:
    text = _attr(element, "id")
    node_id = _to_int(text)
    if node_id is None:
        raise _Failure(f"Invalid node id {text}")
    position = _position(element)
    if position is None:
        raise _Failure(f"Invalid node position for node id {node_id}")
    radius = _to_float(element.get("radius"))
    inVp, inMag, bit_depth = (_to_int(element.get(name)) for name in ("inVp", "inMag", "bitDepth"))
    return {
        "id": node_id, "position": position, "radius": float32(radius) if radius is not None else 1.0,
        "rotation": _rotation(element, ("rotX", "rotY", "rotZ")) or [0.0, 0.0, 0.0],
        "inVp": inVp or 0, "inMag": inMag or 0, "bitDepth": bit_depth or 0,
        "interpolation": bool(_to_bool(element.get("interpolation"))),
        "time": _to_int(element.get("time"), INT64) or 0,
    }


def _tree(element: Any) -> JSON:
    text = _attr(element, "id")
    tree_id = _to_int(text)
    if tree_id is None:
        raise _Failure(f"Invalid tree id {text}")
    nodes = [_node(node) for node in _grandchildren(element, "nodes", "node")]
    edges = []
    for edge in _grandchildren(element, "edges", "edge"):
        source_text, target_text = _attr(edge, "source"), _attr(edge, "target")
        source, target = _to_int(source_text), _to_int(target_text)
        if source is None or target is None:
            raise _Failure(f"Invalid edge {source_text} {target_text}")
        edges.append([source, target])
    tree_type = element.get("type")
    return {"id": tree_id, "name": _attr(element, "name"), "color": _color(element),
            "groupId": _to_int(element.get("groupId")), "type": tree_type if tree_type in TREE_TYPES else "DEFAULT",
            "nodes": nodes, "edges": edges}


def _multiset_extra(values: Sequence[int]) -> list[int]:
    """``values.diff(values.distinct)`` in Scala: the repeated occurrences."""
    seen: set[int] = set()
    extra = []
    for value in values:
        if value in seen:
            extra.append(value)
        seen.add(value)
    return extra


def _edge_text(edge: Sequence[int]) -> str:
    return f"Edge({edge[0]},{edge[1]})"


def _join(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _validate_graph(trees: list[JSON]) -> None:
    """The real ``TreeValidator`` checks that must hold before trees can be split into components."""
    duplicates = _multiset_extra([t["id"] for t in trees])
    if duplicates:
        raise _Failure(f"Duplicate treeIds: {_join(duplicates)}")
    duplicates = _multiset_extra([n["id"] for t in trees for n in t["nodes"]])
    if duplicates:
        raise _Failure(f"Duplicate nodeIds: {_join(duplicates)}")
    for tree in trees:
        seen: set[tuple[int, int]] = set()
        repeated = []
        for source, target in tree["edges"]:
            if (source, target) in seen or (target, source) in seen:
                repeated.append((source, target))
            else:
                seen.add((source, target))
        if repeated:
            raise _Failure(f"Duplicate edges in tree {tree['id']}: {_join(_edge_text(e) for e in repeated)}")
    for tree in trees:
        node_ids = {n["id"] for n in tree["nodes"]}
        missing = list(dict.fromkeys(v for edge in tree["edges"] for v in edge if v not in node_ids))
        if missing:
            raise _Failure(f"Some edges refer to non-existent nodes. treeId: {tree['id']}, nodeIds: {_join(missing)}")
    for tree in trees:
        loops = [edge for edge in tree["edges"] if edge[0] == edge[1]]
        if loops:
            raise _Failure(f"Some edges have the same source and target. treeId: {tree['id']}, "
                           f"edges: {_join(_edge_text(e) for e in loops)}")


def _components(tree: JSON) -> list[tuple[list[JSON], list[list[int]]]]:
    """Nodes and edges of each connected component of a tree (components in node order, as JGraphT's
    ConnectivityInspector); linear in the size of the tree."""
    parent = {n["id"]: n["id"] for n in tree["nodes"]}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for source, target in tree["edges"]:
        a, b = find(source), find(target)
        if a != b:
            parent[b] = a
    buckets: dict[int, tuple[list[JSON], list[list[int]]]] = {}
    for node in tree["nodes"]:
        buckets.setdefault(find(node["id"]), ([], []))[0].append(node)
    for edge in tree["edges"]:
        buckets[find(edge[0])][1].append(edge)
    return list(buckets.values())


def _with_new_children(groups: list[JSON], additions: dict[int, list[JSON]]) -> list[JSON]:
    """``groups`` with ``additions[id]`` prepended (latest first) to the children of the group ``id``."""
    result = []
    for group in groups:
        children = _with_new_children(list(group.get("children") or []), additions)
        extra = additions.get(_group_id_of(group))
        result.append({**group, "children": [*reversed(extra), *children] if extra else children})
    return result


def split_disconnected_trees(trees: list[JSON], groups: list[JSON]) -> tuple[list[JSON], list[JSON]]:
    """``MultiComponentTreeSplitter``: a tree with several components becomes one tree per component
    (``<name>_<index>``, new ids), wrapped in a new group named after the tree (a child of the tree's
    group, or a new top-level group)."""
    largest_tree = max((t["id"] for t in trees), default=0)
    largest_group = max(all_group_ids(groups), default=0)
    result: list[JSON] = []
    top_level: list[JSON] = []
    additions: dict[int, list[JSON]] = {}
    for tree in trees:
        components = _components(tree)
        if len(components) <= 1:
            result.append(tree)
            continue
        largest_group += 1
        new_group = {"groupId": largest_group, "name": tree["name"], "children": []}
        if tree.get("groupId") is not None:
            additions.setdefault(tree["groupId"], []).append(new_group)
        else:
            top_level.append(new_group)
        for index, (nodes, edges) in enumerate(components):
            largest_tree += 1
            result.append({**tree, "id": largest_tree, "name": f"{tree['name']}_{index}", "groupId": largest_group,
                           "nodes": nodes, "edges": edges})
    if not top_level and not additions:
        return result, groups
    return result, [*reversed(top_level), *_with_new_children(groups, additions)]


def _validate_references(trees: list[JSON], groups: list[JSON], branch_points: list[JSON],
                         comments: list[JSON]) -> None:
    duplicates = _multiset_extra(all_group_ids(groups))
    if duplicates:
        raise _Failure(f"Duplicate treeGroupIds: {_join(duplicates)}")
    group_ids = set(all_group_ids(groups))
    missing_groups = list(dict.fromkeys(t["groupId"] for t in trees
                                        if t.get("groupId") is not None and t["groupId"] not in group_ids))
    if missing_groups:
        raise _Failure(f"Some treeGroups used in trees don't exist. treeGroups: {_join(missing_groups)}")
    node_ids = {n["id"] for t in trees for n in t["nodes"]}
    for items, key, label in ((branch_points, "node", "branchPoints"), (comments, "node", "comments")):
        missing = list(dict.fromkeys(item[key] for item in items if item[key] not in node_ids))
        if missing:
            raise _Failure(f"Some {label} refer to non-existent nodes. {label}: {_join(missing)}")


def _user_bounding_boxes(elements: list[Any]) -> list[JSON]:
    """User bounding boxes; a single legacy box without id gets id 0, unusable boxes are dropped."""
    boxes = []
    if len(elements) == 1 and not _attr(elements[0], "id"):
        box = _bounding_box(elements[0])
        return [{"id": 0, "name": None, "isVisible": None, "color": None, "boundingBox": box}] if box else []
    for element in elements:
        box_id = _to_int(element.get("id"))
        box = _bounding_box(element)
        if box_id is None or box is None:
            continue
        name = _attr(element, "name")
        boxes.append({"id": box_id, "name": name or None, "isVisible": _to_bool(element.get("isVisible")),
                      "color": _color(element), "boundingBox": box})
    return boxes


def _segments(volume: Any) -> list[JSON]:
    segments = []
    for element in _grandchildren(volume, "segments", "segment"):
        text = _attr(element, "id")
        segment_id = _to_int(text, INT64)
        if segment_id is None:
            raise _Failure(f"Invalid segment id {text}")
        anchor = _position(element, ("anchorPositionX", "anchorPositionY", "anchorPositionZ"))
        name = element.get("name")
        segments.append({"id": segment_id, "name": name, "created": _to_int(element.get("created"), INT64),
                         "anchorPosition": anchor, "color": _color(element),
                         "groupId": _to_int(element.get("groupId"))})
    return segments


def _volumes(root: Any) -> list[ParsedVolume]:
    volumes = []
    for index, element in enumerate(_children(root, "volume")):
        groups = _groups(_grandchildren(element, "groups", "group"))
        duplicates = _multiset_extra(all_group_ids(groups))
        if duplicates:
            raise _Failure(f"Duplicate segmentGroupIds: {_join(duplicates)}")
        volumes.append(ParsedVolume(
            index=index, name=element.get("name"), location=_attr(element, "location"),
            fallback_layer=element.get("fallbackLayer"),
            largest_segment_id=_to_int(element.get("largestSegmentId"), INT64), format=element.get("format"),
            segments=_segments(element), groups=groups))
    return volumes


def _random_color(seed: bytes) -> list[float]:
    rng = random.Random(hashlib.sha256(seed).digest())
    return [rng.random(), rng.random(), rng.random(), 1.0]


def _syntax_reason(filename: str, line: int, column: int, message: str) -> str:
    return f"Failed to parse NML '{filename}'. Error in Line {line} (column {column}): {message}"


def _declared_encoding(data: bytes) -> str | None:
    match = re.match(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']", data[:1024])
    return match.group(1).decode("ascii").lower() if match else None


def _check_prolog(data: bytes, filename: str) -> None:
    """Reject what the hardened parser must never see: non-ASCII-compatible encodings, DOCTYPE, entities."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4] or data[:4] == b"\x4c\x6f\xa7\x94":
        raise _Failure(_syntax_reason(filename, 1, 1, "Unsupported document encoding (only UTF-8 is accepted)"))
    encoding = _declared_encoding(data)
    if encoding is not None and encoding not in ASCII_COMPATIBLE:
        raise _Failure(_syntax_reason(filename, 1, 1, f"Unsupported document encoding {encoding}"))
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        position = data.find(marker)
        if position >= 0:
            line = data.count(b"\n", 0, position) + 1
            column = position - (data.rfind(b"\n", 0, position) + 1) + 1
            raise _Failure(_syntax_reason(filename, line, column, DOCTYPE_TEXT))


def _parse_xml(data: bytes, filename: str) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True, collect_ids=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        entry = error.error_log.last_error if error.error_log else None
        if entry is not None:
            raise _Failure(_syntax_reason(filename, entry.line, entry.column, entry.message.strip())) from None
        raise _Failure(_syntax_reason(filename, 1, 1, str(error))) from None
    except (ValueError, TypeError, LookupError, MemoryError) as error:
        raise _Failure(_syntax_reason(filename, 1, 1, str(error) or type(error).__name__)) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _Failure(_syntax_reason(filename, 1, 1, DOCTYPE_TEXT))
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise _Failure(f"Too many elements (more than {MAX_ELEMENTS})")
        if not isinstance(element.tag, str):
            raise _Failure(_syntax_reason(filename, 1, 1, "Entity references are not allowed"))
    return root


def parse_nml(data: bytes, filename: str, *, task_mode: bool = False,
              dataset_name: str | None = None) -> ParsedNml:
    """Parse an uploaded NML (``task_mode``: ``<taskBoundingBox>`` is the task's bounding box; otherwise
    it becomes a user bounding box named ``task bounding box``). ``dataset_name`` overrides the NML's
    dataset and drops its organization. Raises ``NmlParseError`` / ``NmlEmptyError`` only."""
    try:
        return _parse(data, filename, task_mode, dataset_name)
    except _Failure as failure:
        raise NmlParseError(filename, str(failure)) from None
    except (NmlParseError, NmlEmptyError):
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError, OverflowError,
            AttributeError) as error:  # defensive: a parser bug must not become a 500
        raise NmlParseError(filename, f"Failed to parse NML '{filename}': {type(error).__name__}") from None


def _parse(data: bytes, filename: str, task_mode: bool, dataset_override: str | None) -> ParsedNml:
    if len(data) > MAX_NML_BYTES:
        raise _Failure(f"File too large ({len(data)} bytes; at most {MAX_NML_BYTES} are accepted)")
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise NmlEmptyError(filename)
    _check_prolog(data, filename)
    root = _parse_xml(data, filename)
    parameters = next(iter(_children(root, "parameters")), None)
    if parameters is None:
        raise _Failure(NO_PARAMETERS)

    def first(tag: str) -> Any:
        return next(iter(_children(parameters, tag)), None)

    time_element = first("time")
    timestamp = (_to_int(time_element.get("ms"), INT64) if time_element is not None else None) or 0
    comments = []
    for element in _grandchildren(root, "comments", "comment"):
        text = _attr(element, "node")
        node_id = _to_int(text)
        if node_id is None:
            raise _Failure(f"Invalid node id of comment {text}")
        comments.append({"node": node_id, "content": _attr(element, "content")})
    branch_points = []
    for index, element in enumerate(_grandchildren(root, "branchpoints", "branchpoint")):
        text = _attr(element, "id")
        node_id = _to_int(text)
        if node_id is None:
            raise _Failure(f"Invalid branchpoint node id {text}")
        parsed_time = _to_int(element.get("time"), INT64)
        branch_points.append({"node": node_id, "time": parsed_time if parsed_time is not None else timestamp - index})
    trees = [_tree(element) for element in _children(root, "thing")]
    groups = _groups(_grandchildren(root, "groups", "group"))
    volumes = _volumes(root)
    _validate_graph(trees)
    trees, groups = split_disconnected_trees(trees, groups)
    _validate_references(trees, groups, branch_points, comments)

    experiment = first("experiment")
    name = _attr(experiment, "name") if experiment is not None else ""
    organization = experiment.get("organization") if experiment is not None else None
    description = _attr(experiment, "description") if experiment is not None else ""
    wk_url = experiment.get("wkUrl") if experiment is not None else None
    if dataset_override is not None:
        name, organization = dataset_override, None
    active = first("activeNode")
    position_element, rotation_element, zoom_element, scale_element = (
        first("editPosition"), first("editRotation"), first("zoomLevel"), first("scale"))
    edit_position = (_position(position_element) if position_element is not None else None) \
        or list(DEFAULT_EDIT_POSITION)
    edit_rotation = (_rotation(rotation_element, ("xRot", "yRot", "zRot")) if rotation_element is not None else None) \
        or [0.0, 0.0, 0.0]
    zoom = (_to_float(zoom_element.get("zoom")) if zoom_element is not None else None) or DEFAULT_ZOOM
    scale = _rotation(scale_element, ("x", "y", "z")) if scale_element is not None else None
    boxes = _user_bounding_boxes(_children(parameters, "userBoundingBox"))
    task_element = first("taskBoundingBox")
    task_box = _bounding_box(task_element) if task_element is not None else None
    if task_box is not None and not task_mode:
        new_id = max((b["id"] for b in boxes), default=-1) + 1
        boxes.append({"id": new_id, "name": "task bounding box", "isVisible": None,
                      "color": _random_color(data[:4096] + filename.encode("utf-8", "replace")),
                      "boundingBox": task_box})
    skeleton: JSON | None = None
    if trees or boxes:
        skeleton = {
            "trees": trees, "comments": comments, "branchPoints": branch_points, "groups": groups,
            "userBoundingBoxes": boxes, "editPosition": edit_position, "editRotation": edit_rotation,
            "zoomLevel": zoom, "activeNode": _to_int(active.get("id")) if active is not None else None,
            "time": timestamp,
        }
        if task_mode and task_box is not None:
            skeleton["boundingBox"] = task_box
    meta = {_attr(m, "name"): _attr(m, "content") for m in _children(root, "meta") if m.get("name")}
    return ParsedNml(
        filename=filename, dataset_name=name, organization=organization, description=description, wk_url=wk_url,
        time=timestamp, edit_position=edit_position, edit_rotation=edit_rotation, zoom_level=zoom, scale=scale,
        meta=meta, skeleton=skeleton, volumes=volumes, task_bounding_box=task_box, user_bounding_boxes=boxes,
    )
