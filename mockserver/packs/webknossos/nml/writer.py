"""Writing NML files as the real server does (reference §10.1, ``NmlWriter.scala``).

``write_nml`` renders an ``NmlDocument`` byte-exactly in the server's layout: no XML declaration,
two-space indentation, ``<tag attr="…" />`` for empty elements, Java number formats (``1.0``;
radii and the voxel size as float32 values widened to double), empty colour attributes for
colourless trees. Colours are written as stored (the reader widens them from float32 as the real
parser does, so ``0.2`` comes back as ``0.20000000298023224``).
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from mockserver.packs.webknossos.nml.model import JSON, NmlDocument, NmlVolume, float32, group_id_of

SKIPPED_VOLUME_NOTE = "Note that volume data was omitted when downloading this annotation."


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


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SPECIAL = re.compile('[\x00-\x1f&<>"\ufffe\uffff]')


def escape_attribute(value: Any) -> str:
    """An attribute value: XML escapes; newlines and tabs as character references (round-trip safe)."""
    text = str(value)
    if not _SPECIAL.search(text):  # numbers and most names: nothing to do
        return text
    text = _ILLEGAL_XML.sub("", text)
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


def _groups_writer(groups: Iterable[JSON]) -> Callable[[_Lines, int], None]:
    items = list(groups)

    def write(out: _Lines, depth: int) -> None:
        for group in items:
            attrs = [("name", str(group.get("name", ""))), ("id", _int_text(group_id_of(group)))]
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
