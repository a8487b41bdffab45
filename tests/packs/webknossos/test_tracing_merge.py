from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from mockserver.packs.webknossos.tracing_merge import concat_bounding_boxes, merge_skeletons, merge_volumes
from mockserver.packs.webknossos.world.skeletons import empty_skeleton


def node(node_id: int) -> dict[str, Any]:
    return {"id": node_id, "position": [node_id, 0, 0], "radius": 1.0, "rotation": [0.0, 0.0, 0.0], "inVp": 0,
            "inMag": 0, "bitDepth": 8, "interpolation": False, "time": 0}


def tree(tree_id: int, node_ids: list[int], group: int | None = None) -> dict[str, Any]:
    return {"id": tree_id, "name": f"t{tree_id}", "color": None, "groupId": group, "type": "DEFAULT",
            "nodes": [node(n) for n in node_ids], "edges": [[a, b] for a, b in itertools.pairwise(node_ids)]}


def skeleton(trees: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {**empty_skeleton([1, 2, 3], 5), "trees": trees, **extra}


def test_later_tracing_keeps_its_ids_and_earlier_ones_are_shifted() -> None:
    first = skeleton([tree(1, [1, 2, 3], group=1)], comments=[{"node": 2, "content": "see #3 and #99"}],
                     branchPoints=[{"node": 3, "time": 7}], groups=[{"groupId": 1, "name": "g", "children": []}],
                     userBoundingBoxes=[{"id": 0, "name": "a"}], activeNode=3)
    second = skeleton([tree(1, [1, 2]), tree(4, [7])], comments=[{"node": 7, "content": "x"}],
                      groups=[{"groupId": 2, "name": "h", "children": [{"groupId": 5, "name": "i", "children": []}]}],
                      userBoundingBoxes=[{"id": 0, "name": "b"}], editPosition=[9, 9, 9])
    before = copy.deepcopy([first, second])
    merged = merge_skeletons([first, second])
    assert [first, second] == before  # inputs untouched
    assert merged["trees"][:2] == second["trees"]
    moved = merged["trees"][2]
    assert moved["id"] == 1 + 4 and moved["groupId"] == 1 + 5
    assert [n["id"] for n in moved["nodes"]] == [8, 9, 10]  # offset max(7 + 1 - 1, 0) = 7
    assert moved["edges"] == [[8, 9], [9, 10]]
    assert merged["comments"] == [{"node": 7, "content": "x"}, {"node": 9, "content": "see #10 and #99"}]
    assert merged["branchPoints"] == [{"node": 10, "time": 7}]
    assert [g["groupId"] for g in merged["groups"]] == [2, 6]
    assert [b["id"] for b in merged["userBoundingBoxes"]] == [0, 1]
    assert merged["activeNode"] == 10 and merged["editPosition"] == [1, 2, 3]


def test_merging_many_keeps_every_tree_and_unique_ids() -> None:
    parts = [skeleton([tree(1, [1, 2]), tree(2, [3])]) for _ in range(4)]
    merged = merge_skeletons(parts)
    assert len(merged["trees"]) == 8
    node_ids = [n["id"] for t in merged["trees"] for n in t["nodes"]]
    tree_ids = [t["id"] for t in merged["trees"]]
    assert len(node_ids) == 12 == len(set(node_ids)) and len(set(tree_ids)) == 8


def test_empty_later_tracing_needs_no_offset() -> None:
    merged = merge_skeletons([skeleton([tree(3, [5])]), skeleton([])])
    assert merged["trees"] == [tree(3, [5])]


def test_merge_needs_input() -> None:
    with pytest.raises(ValueError):
        merge_skeletons([])
    assert merge_skeletons([skeleton([tree(1, [1])])])["trees"] == [tree(1, [1])]


def test_bounding_boxes_are_concatenated() -> None:
    assert concat_bounding_boxes([{"id": 1}], [{"id": 2}, {"id": 1}]) == [{"id": 1}, {"id": 2}, {"id": 3}]


def test_volumes_merge_segments_and_largest_id() -> None:
    a = {"fallbackLayer": "segmentation", "largestSegmentId": 10, "segments": [{"id": 1}], "groups": []}
    b = {"fallbackLayer": None, "largestSegmentId": 20, "segments": [{"id": 1}, {"id": 2}], "groups": []}
    merged = merge_volumes([a, b])
    assert merged["fallbackLayer"] == "segmentation" and merged["largestSegmentId"] == 20
    assert sorted(s["id"] for s in merged["segments"]) == [1, 2]
