"""Seeded skeleton and volume tracing content (trees, nodes, edges, comments, branchpoints).

Canonical skeleton content is a JSON dict::

    {"trees": [{"id", "name", "color": [r,g,b,a] | None, "groupId": int | None, "type": "DEFAULT",
                "nodes": [{"id", "position": [x,y,z], "radius", "rotation": [x,y,z], "inVp", "inMag",
                           "bitDepth", "interpolation", "time"}],
                "edges": [[source, target], ...]}],
     "comments": [{"node", "content"}], "branchPoints": [{"node", "time"}], "groups": [...],
     "userBoundingBoxes": [...], "editPosition", "editRotation", "zoomLevel", "activeNode", "time"}
"""

from __future__ import annotations

import random
from typing import Any

COMMENTS = ("soma", "synapse?", "check merger", "ends here", "spine head", "axon initial segment", "branch")


def empty_skeleton(edit_position: list[int], created_ms: int) -> dict[str, Any]:
    return {
        "trees": [],
        "comments": [],
        "branchPoints": [],
        "groups": [],
        "userBoundingBoxes": [],
        "editPosition": list(edit_position),
        "editRotation": [0.0, 0.0, 0.0],
        "zoomLevel": 1.0,
        "activeNode": None,
        "time": created_ms,
    }


def random_skeleton(rng: random.Random, bbox: dict[str, Any], created_ms: int) -> dict[str, Any]:
    """A small, valid skeleton inside ``bbox``: 1–3 trees of 3–12 nodes each, connected as trees."""
    low = bbox["topLeft"]
    size = (bbox["width"], bbox["height"], bbox["depth"])
    content = empty_skeleton([low[i] + size[i] // 2 for i in range(3)], created_ms)
    (x, y, z), (width, height, depth) = low, (max(s, 1) for s in size)
    randrange = rng.randrange
    node_id = 1
    for tree_id in range(1, rng.randint(1, 3) + 1):
        nodes, edges = [], []
        for index in range(rng.randint(3, 12)):
            position = [x + randrange(width), y + randrange(height), z + randrange(depth)]
            nodes.append(_node(node_id, position, created_ms + index * 1000))
            if index:
                edges.append([rng.choice(nodes[:-1])["id"], node_id])
            node_id += 1
        color = [round(rng.random(), 6), round(rng.random(), 6), round(rng.random(), 6), 1.0]
        content["trees"].append(
            {"id": tree_id, "name": f"tree{tree_id:03d}", "color": color, "groupId": None, "type": "DEFAULT",
             "nodes": nodes, "edges": edges}
        )
    all_nodes = [n["id"] for tree in content["trees"] for n in tree["nodes"]]
    for node in rng.sample(all_nodes, k=min(2, len(all_nodes))):
        content["comments"].append({"node": node, "content": rng.choice(COMMENTS)})
    for node in rng.sample(all_nodes, k=min(rng.randint(0, 2), len(all_nodes))):
        content["branchPoints"].append({"node": node, "time": created_ms + node})
    content["activeNode"] = all_nodes[-1]
    return content


def _node(node_id: int, position: list[int], time_ms: int) -> dict[str, Any]:
    return {
        "id": node_id, "position": position, "radius": 1.0, "rotation": [0.0, 0.0, 0.0], "inVp": 0, "inMag": 0,
        "bitDepth": 8, "interpolation": False, "time": time_ms,
    }


def volume_content(fallback_layer: str | None, largest_segment_id: int | None) -> dict[str, Any]:
    return {"fallbackLayer": fallback_layer, "largestSegmentId": largest_segment_id, "segments": [], "groups": []}


def skeleton_stats(content: dict[str, Any]) -> dict[str, int]:
    trees = content.get("trees", [])
    return {
        "treeCount": len(trees),
        "nodeCount": sum(len(t["nodes"]) for t in trees),
        "edgeCount": sum(len(t["edges"]) for t in trees),
        "branchPointCount": len(content.get("branchPoints", [])),
    }
