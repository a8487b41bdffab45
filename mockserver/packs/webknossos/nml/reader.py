"""Reading uploaded NML files as the real ``NmlParser`` does (reference §10.3).

``parse_nml`` turns an NML into a ``ParsedNml``: skeleton in the canonical format, volume layer
descriptions, parameters. XML goes through ``safe_xml`` (hardened lxml), trees through ``trees``
(the real validation and splitting). Every problem is an ``NmlParseError`` (a 400 ``ApiError`` with
the real text ``Could not parse file: <name>. <reason>``); an empty file is an ``NmlEmptyError``.
Nothing else escapes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import random
import re
from collections.abc import Iterable, Sequence
from typing import Any

from mockserver import safe_xml
from mockserver.packs.webknossos.nml.model import (
    DEFAULT_EDIT_POSITION,
    DEFAULT_ZOOM,
    INT32,
    INT64,
    JSON,
    TREE_TYPES,
    InvalidNml,
    NmlEmptyError,
    NmlParseError,
    ParsedNml,
    ParsedVolume,
    all_group_ids,
    float32,
)
from mockserver.packs.webknossos.nml.trees import (
    join,
    multiset_extra,
    split_disconnected_trees,
    validate_graph,
    validate_references,
)

MAX_GROUP_DEPTH = 100
NO_PARAMETERS = "No parameters section found"
NODE_ATTRIBUTES = ("id", "radius", "x", "y", "z", "rotX", "rotY", "rotZ", "inVp", "inMag", "bitDepth", "interpolation",
                   "time")
SEGMENT_ATTRIBUTES = ("id", "name", "created", "anchorPositionX", "anchorPositionY", "anchorPositionZ", "color.r",
                      "color.g", "color.b", "color.a", "groupId")
STREAMED: safe_xml.Streamed = {
    ("thing", "nodes", "node"): NODE_ATTRIBUTES,
    ("thing", "edges", "edge"): ("source", "target"),
    ("comments", "comment"): ("node", "content"),
    ("branchpoints", "branchpoint"): ("id", "time"),
    ("volume", "segments", "segment"): SEGMENT_ATTRIBUTES,
}
"""The long lists of an NML, taken out of the XML tree while parsing (only these attributes are read)."""


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
        raise InvalidNml("Invalid tree groups: nested too deeply")
    groups = []
    for element in elements:
        text = _attr(element, "id")
        group_id = _to_int(text)
        if group_id is None:
            raise InvalidNml(f"Invalid tree group id {text}")
        groups.append({"groupId": group_id, "name": _attr(element, "name"),
                       "children": _groups(_children(element, "group"), depth + 1)})
    return groups


def _node(element: Any) -> JSON:
    text = _attr(element, "id")
    node_id = _to_int(text)
    if node_id is None:
        raise InvalidNml(f"Invalid node id {text}")
    position = _position(element)
    if position is None:
        raise InvalidNml(f"Invalid node position for node id {node_id}")
    radius = _to_float(element.get("radius"))
    inVp, inMag, bit_depth = (_to_int(element.get(name)) for name in ("inVp", "inMag", "bitDepth"))
    return {
        "id": node_id, "position": position, "radius": float32(radius) if radius is not None else 1.0,
        "rotation": _rotation(element, ("rotX", "rotY", "rotZ")) or [0.0, 0.0, 0.0],
        "inVp": inVp or 0, "inMag": inMag or 0, "bitDepth": bit_depth or 0,
        "interpolation": bool(_to_bool(element.get("interpolation"))),
        "time": _to_int(element.get("time"), INT64) or 0,
    }


def _tree(doc: safe_xml.Document, element: Any) -> JSON:
    text = _attr(element, "id")
    tree_id = _to_int(text)
    if tree_id is None:
        raise InvalidNml(f"Invalid tree id {text}")
    nodes = [_node(node) for node in doc.grandchildren(element, "nodes", "node")]
    edges = []
    for edge in doc.grandchildren(element, "edges", "edge"):
        source_text, target_text = _attr(edge, "source"), _attr(edge, "target")
        source, target = _to_int(source_text), _to_int(target_text)
        if source is None or target is None:
            raise InvalidNml(f"Invalid edge {source_text} {target_text}")
        edges.append([source, target])
    tree_type = element.get("type")
    return {"id": tree_id, "name": _attr(element, "name"), "color": _color(element),
            "groupId": _to_int(element.get("groupId")), "type": tree_type if tree_type in TREE_TYPES else "DEFAULT",
            "nodes": nodes, "edges": edges}


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


def _segments(doc: safe_xml.Document, volume: Any) -> list[JSON]:
    segments = []
    for element in doc.grandchildren(volume, "segments", "segment"):
        text = _attr(element, "id")
        segment_id = _to_int(text, INT64)
        if segment_id is None:
            raise InvalidNml(f"Invalid segment id {text}")
        anchor = _position(element, ("anchorPositionX", "anchorPositionY", "anchorPositionZ"))
        name = element.get("name")
        segments.append({"id": segment_id, "name": name, "created": _to_int(element.get("created"), INT64),
                         "anchorPosition": anchor, "color": _color(element),
                         "groupId": _to_int(element.get("groupId"))})
    return segments


def _volumes(doc: safe_xml.Document) -> list[ParsedVolume]:
    volumes = []
    for index, element in enumerate(_children(doc.root, "volume")):
        groups = _groups(_grandchildren(element, "groups", "group"))
        duplicates = multiset_extra(all_group_ids(groups))
        if duplicates:
            raise InvalidNml(f"Duplicate segmentGroupIds: {join(duplicates)}")
        volumes.append(ParsedVolume(
            index=index, name=element.get("name"), location=_attr(element, "location"),
            fallback_layer=element.get("fallbackLayer"),
            largest_segment_id=_to_int(element.get("largestSegmentId"), INT64), format=element.get("format"),
            segments=_segments(doc, element), groups=groups))
    return volumes


def _random_color(seed: bytes) -> list[float]:
    rng = random.Random(hashlib.sha256(seed).digest())
    return [rng.random(), rng.random(), rng.random(), 1.0]



def parse_nml(data: bytes, filename: str, *, task_mode: bool = False,
              dataset_name: str | None = None) -> ParsedNml:
    """Parse an uploaded NML (``task_mode``: ``<taskBoundingBox>`` is the task's bounding box; otherwise
    it becomes a user bounding box named ``task bounding box``). ``dataset_name`` overrides the NML's
    dataset and drops its organization. Raises ``NmlParseError`` / ``NmlEmptyError`` only."""
    try:
        return _parse(data, filename, task_mode, dataset_name)
    except InvalidNml as failure:
        raise NmlParseError(filename, str(failure)) from None
    except (NmlParseError, NmlEmptyError):
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError, OverflowError,
            AttributeError) as error:  # defensive: a parser bug must not become a 500
        raise NmlParseError(filename, f"Failed to parse NML '{filename}': {type(error).__name__}") from None


def _parse(data: bytes, filename: str, task_mode: bool, dataset_override: str | None) -> ParsedNml:
    safe_xml.check_size(data)
    if not data.strip() or data.strip() == b"\xef\xbb\xbf":
        raise NmlEmptyError(filename)
    doc = safe_xml.parse_xml(data, filename, STREAMED)
    root = doc.root
    parameters_element = next(iter(_children(root, "parameters")), None)
    if parameters_element is None:
        raise InvalidNml(NO_PARAMETERS)
    parameters = _parameters(parameters_element, filename, dataset_override)
    comments = _comments(doc)
    branch_points = _branch_points(doc, parameters.time)
    trees = [_tree(doc, element) for element in _children(root, "thing")]
    groups = _groups(_grandchildren(root, "groups", "group"))
    volumes = _volumes(doc)
    validate_graph(trees)
    trees, groups = split_disconnected_trees(trees, groups)
    validate_references(trees, groups, branch_points, comments)
    boxes = list(parameters.user_bounding_boxes)
    task_box = parameters.task_bounding_box
    if task_box is not None and not task_mode:
        new_id = max((b["id"] for b in boxes), default=-1) + 1
        boxes.append({"id": new_id, "name": "task bounding box", "isVisible": None,
                      "color": _random_color(data[:4096] + filename.encode("utf-8", "replace")),
                      "boundingBox": task_box})
    skeleton: JSON | None = None
    if trees or boxes:
        skeleton = {
            "trees": trees, "comments": comments, "branchPoints": branch_points, "groups": groups,
            "userBoundingBoxes": boxes, "editPosition": parameters.edit_position,
            "editRotation": parameters.edit_rotation, "zoomLevel": parameters.zoom_level,
            "activeNode": _active_node(parameters_element), "time": parameters.time,
        }
        if task_mode and task_box is not None:
            skeleton["boundingBox"] = task_box
    meta = {_attr(m, "name"): _attr(m, "content") for m in _children(root, "meta") if m.get("name")}
    return dataclasses.replace(parameters, meta=meta, skeleton=skeleton, volumes=volumes, user_bounding_boxes=boxes)


def _parameters(element: Any, filename: str, dataset_override: str | None) -> ParsedNml:
    """The ``<parameters>`` section (with the parser's defaults) as a ``ParsedNml`` without content yet."""

    def first(tag: str) -> Any:
        return next(iter(_children(element, tag)), None)

    time_element = first("time")
    experiment = first("experiment")
    name = _attr(experiment, "name") if experiment is not None else ""
    organization = experiment.get("organization") if experiment is not None else None
    if dataset_override is not None:
        name, organization = dataset_override, None
    position, rotation, zoom, scale = first("editPosition"), first("editRotation"), first("zoomLevel"), first("scale")
    task_element = first("taskBoundingBox")
    return ParsedNml(
        filename=filename, dataset_name=name, organization=organization,
        description=_attr(experiment, "description") if experiment is not None else "",
        wk_url=experiment.get("wkUrl") if experiment is not None else None,
        time=(_to_int(time_element.get("ms"), INT64) if time_element is not None else None) or 0,
        edit_position=(_position(position) if position is not None else None) or list(DEFAULT_EDIT_POSITION),
        edit_rotation=(_rotation(rotation, ("xRot", "yRot", "zRot")) if rotation is not None else None)
        or [0.0, 0.0, 0.0],
        zoom_level=(_to_float(zoom.get("zoom")) if zoom is not None else None) or DEFAULT_ZOOM,
        scale=_rotation(scale, ("x", "y", "z")) if scale is not None else None,
        meta={}, skeleton=None, volumes=[],
        user_bounding_boxes=_user_bounding_boxes(_children(element, "userBoundingBox")),
        task_bounding_box=_bounding_box(task_element) if task_element is not None else None,
    )


def _active_node(parameters: Any) -> int | None:
    active = next(iter(_children(parameters, "activeNode")), None)
    return _to_int(active.get("id")) if active is not None else None


def _comments(doc: safe_xml.Document) -> list[JSON]:
    comments = []
    for element in doc.grandchildren(doc.root, "comments", "comment"):
        text = _attr(element, "node")
        node_id = _to_int(text)
        if node_id is None:
            raise InvalidNml(f"Invalid node id of comment {text}")
        comments.append({"node": node_id, "content": _attr(element, "content")})
    return comments


def _branch_points(doc: safe_xml.Document, timestamp: int) -> list[JSON]:
    """Branch points; a missing time is the file's time minus the index (as the real parser)."""
    branch_points = []
    for index, element in enumerate(doc.grandchildren(doc.root, "branchpoints", "branchpoint")):
        text = _attr(element, "id")
        node_id = _to_int(text)
        if node_id is None:
            raise InvalidNml(f"Invalid branchpoint node id {text}")
        parsed_time = _to_int(element.get("time"), INT64)
        branch_points.append({"node": node_id, "time": parsed_time if parsed_time is not None else timestamp - index})
    return branch_points
