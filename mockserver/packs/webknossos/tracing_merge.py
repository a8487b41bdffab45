"""Merging and copying tracing content the way the WEBKNOSSOS tracingstore does (reference §12).

Skeleton contents use the canonical format of ``mockserver.packs.webknossos.world.skeletons``. Tree groups are
``{"groupId" (or "id"), "name", "children": [...]}``; user bounding boxes are dicts with an integer
``"id"`` (other keys are kept as they are).

Merging is applied pairwise, left to right (``reduceLeft``). Of each pair the **later** tracing keeps
its tree, node and group ids; the earlier (accumulated) one is renumbered:

- tree ids + the maximum tree id of the later tracing;
- node ids + ``max(maxNodeId(later) + 1 - minNodeId(earlier), 0)``; edges, comments, branch points,
  the active node and ``#<nodeId>`` references in comment texts follow;
- group ids + ``max(maxGroupId(later) + 1 - minGroupId(earlier), 0)``; trees' ``groupId`` follow;
- trees and groups: the later tracing's first, then the renumbered earlier ones;
- user bounding boxes are concatenated (earlier first); a later box whose id is already taken gets
  the next free id.

The other keys (edit position, rotation, zoom level, time …) are those of the first tracing.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.world.skeletons import empty_skeleton, volume_content
from mockserver.store import Store

JSON = dict[str, Any]

NODE_REFERENCE = re.compile(r"#([0-9]+)")


# skeletons ---------------------------------------------------------------------------------------


def merge_skeletons(contents: list[JSON]) -> JSON:
    """One skeleton content merged from ``contents`` (in order; at least one)."""
    if not contents:
        raise ValueError("merge_skeletons needs at least one skeleton")
    merged = copy.deepcopy(contents[0])
    for later in contents[1:]:
        merged = _merge_two(merged, copy.deepcopy(later))
    return merged


def _node_ids(trees: Iterable[JSON]) -> list[int]:
    return [int(node["id"]) for tree in trees for node in tree.get("nodes", [])]


def _merge_two(earlier: JSON, later: JSON) -> JSON:
    earlier_trees: list[JSON] = earlier.get("trees", [])
    later_trees: list[JSON] = later.get("trees", [])
    node_offset = _node_offset(earlier_trees, later_trees)
    tree_offset = max((int(t["id"]) for t in later_trees), default=0)
    group_offset = _group_offset(earlier.get("groups", []), later.get("groups", []))
    earlier_nodes = set(_node_ids(earlier_trees))

    def node(node_id: int) -> int:
        return node_id + node_offset

    def group(group_id: int | None) -> int | None:
        return None if group_id is None else group_id + group_offset

    def references(text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            old = int(match.group(1))
            return f"#{node(old) if old in earlier_nodes else old}"

        return NODE_REFERENCE.sub(replace, text)

    moved_trees = []
    for tree in earlier_trees:
        moved = dict(tree)
        moved["id"] = int(tree["id"]) + tree_offset
        moved["nodes"] = [{**n, "id": node(int(n["id"]))} for n in tree.get("nodes", [])]
        moved["edges"] = [[node(int(s)), node(int(t))] for s, t in tree.get("edges", [])]
        if "groupId" in tree:
            moved["groupId"] = group(tree["groupId"])
        moved_trees.append(moved)

    merged = dict(earlier)
    merged["trees"] = [*later_trees, *moved_trees]
    merged["comments"] = [
        *later.get("comments", []),
        *({**c, "node": node(int(c["node"])), "content": references(str(c.get("content", "")))}
          for c in earlier.get("comments", [])),
    ]
    merged["branchPoints"] = [
        *later.get("branchPoints", []),
        *({**b, "node": node(int(b["node"]))} for b in earlier.get("branchPoints", [])),
    ]
    merged["groups"] = [*later.get("groups", []), *_shift_groups(earlier.get("groups", []), group_offset)]
    merged["userBoundingBoxes"] = concat_bounding_boxes(earlier.get("userBoundingBoxes", []),
                                                        later.get("userBoundingBoxes", []))
    active = earlier.get("activeNode")
    merged["activeNode"] = node(int(active)) if active is not None else later.get("activeNode")
    return merged


def _node_offset(earlier_trees: list[JSON], later_trees: list[JSON]) -> int:
    if not later_trees:
        return 0
    later_max = max(_node_ids(later_trees), default=0)
    earlier_min = min(_node_ids(earlier_trees), default=0)
    return max(later_max + 1 - earlier_min, 0)


def group_id(group: JSON) -> int:
    """The id of a tree or segment group (``groupId``, or ``id`` in NML-like dicts)."""
    return int(group["groupId"] if "groupId" in group else group["id"])


def _all_group_ids(groups: list[JSON]) -> list[int]:
    ids: list[int] = []
    for group in groups:
        ids.append(group_id(group))
        ids.extend(_all_group_ids(group.get("children", [])))
    return ids


def _group_offset(earlier_groups: list[JSON], later_groups: list[JSON]) -> int:
    if not later_groups:
        return 0
    later_max = max(_all_group_ids(later_groups), default=0)
    earlier_min = min(_all_group_ids(earlier_groups), default=0)
    return max(later_max + 1 - earlier_min, 0)


def _shift_groups(groups: list[JSON], offset: int) -> list[JSON]:
    shifted = []
    for group in groups:
        key = "groupId" if "groupId" in group else "id"
        shifted.append({**group, key: group_id(group) + offset,
                        "children": _shift_groups(group.get("children", []), offset)})
    return shifted


def concat_bounding_boxes(first: list[JSON], second: list[JSON]) -> list[JSON]:
    """``first`` then ``second``; boxes of ``second`` whose id is taken get the next free id."""
    result = [dict(box) for box in first]
    used = {box.get("id") for box in result}
    next_id = max((int(i) for i in used if i is not None), default=-1) + 1
    for box in second:
        entry = dict(box)
        if entry.get("id") in used:
            entry["id"] = next_id
        used.add(entry.get("id"))
        next_id = max(next_id, int(entry.get("id") or 0)) + 1
        result.append(entry)
    return result


# volumes -----------------------------------------------------------------------------------------


def merge_volumes(contents: list[JSON]) -> JSON:
    """Volume metadata merged from ``contents``: the first fallback layer, the largest segment id,
    segments of all (the earlier wins for equal ids) and the groups merged like tree groups."""
    if not contents:
        raise ValueError("merge_volumes needs at least one volume")
    merged = copy.deepcopy(contents[0])
    for later in contents[1:]:
        offset = _group_offset(merged.get("groups", []), later.get("groups", []))
        segments = {int(s["id"]): s for s in merged.get("segments", [])}
        shifted_segments = []
        for segment in merged.get("segments", []):
            entry = dict(segment)
            if entry.get("groupId") is not None:
                entry["groupId"] = int(entry["groupId"]) + offset
            shifted_segments.append(entry)
        extra = [copy.deepcopy(s) for s in later.get("segments", []) if int(s["id"]) not in segments]
        largest = [v for v in (merged.get("largestSegmentId"), later.get("largestSegmentId")) if v is not None]
        merged = {
            **merged,
            "fallbackLayer": merged.get("fallbackLayer") or later.get("fallbackLayer"),
            "largestSegmentId": max(largest) if largest else None,
            "segments": [*extra, *shifted_segments],
            "groups": [*copy.deepcopy(later.get("groups", [])), *_shift_groups(merged.get("groups", []), offset)],
        }
    return merged


# copying -----------------------------------------------------------------------------------------


def copy_layers(store: Store, layers: list[JSON], new_tracing_id: Callable[[], str]
                ) -> tuple[list[r.Tracing], list[JSON]]:
    """Fresh copies (new tracing ids) of the tracings of ``layers``; returns ``(tracings, new layers)``.

    The tracings are not inserted. A layer whose tracing is missing gets an empty content.
    """
    tracings, new_layers = [], []
    for layer in layers:
        original = store.get(r.Tracing, layer["tracingId"])
        content = copy.deepcopy(original.content) if original else _empty_content(layer["typ"])
        tracing = r.Tracing(new_tracing_id(), layer["typ"], content)
        tracings.append(tracing)
        new_layers.append({**layer, "tracingId": tracing.id})
    return tracings, new_layers


def _empty_content(typ: str) -> JSON:
    return empty_skeleton([0, 0, 0], 0) if typ == "Skeleton" else volume_content(None, None)


def merge_layers(store: Store, layer_lists: list[list[JSON]]) -> list[tuple[JSON, str, str]]:
    """The merged contents of the (first) skeleton and (first) volume layer of each annotation.

    Returns ``[(content, typ, name)]``: at most one Skeleton and one Volume entry; the name is the
    common layer name if all inputs agree, else ``Skeleton`` / ``Volume``.
    """
    result = []
    for typ, merge in (("Skeleton", merge_skeletons), ("Volume", merge_volumes)):
        picked = [next((layer for layer in layers if layer["typ"] == typ), None) for layers in layer_lists]
        chosen = [layer for layer in picked if layer is not None]
        if not chosen:
            continue
        contents = []
        for layer in chosen:
            tracing = store.get(r.Tracing, layer["tracingId"])
            contents.append(tracing.content if tracing else _empty_content(typ))
        names = {str(layer.get("name") or typ) for layer in chosen}
        result.append((merge(contents), typ, names.pop() if len(names) == 1 else typ))
    return result
