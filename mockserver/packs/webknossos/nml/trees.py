"""The real ``TreeValidator`` and ``MultiComponentTreeSplitter`` on parsed canonical trees.

``validate_graph`` checks what must hold before trees can be split into components (unique tree and
node ids, no duplicate edges, edges between existing nodes, no self-loops); ``split_disconnected_trees``
turns a tree with several components into one tree per component; ``validate_references`` checks
group, comment and branch point references afterwards. Problems are ``InvalidNml`` with the real texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mockserver.packs.webknossos.nml.model import JSON, InvalidNml, all_group_ids, group_id_of


def multiset_extra(values: Sequence[int]) -> list[int]:
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


def join(values: Iterable[Any]) -> str:
    """``values`` as the real messages list them (``1, 2, 3``)."""
    return ", ".join(str(v) for v in values)


def validate_graph(trees: list[JSON]) -> None:
    """The real ``TreeValidator`` checks that must hold before trees can be split into components."""
    duplicates = multiset_extra([t["id"] for t in trees])
    if duplicates:
        raise InvalidNml(f"Duplicate treeIds: {join(duplicates)}")
    duplicates = multiset_extra([n["id"] for t in trees for n in t["nodes"]])
    if duplicates:
        raise InvalidNml(f"Duplicate nodeIds: {join(duplicates)}")
    for tree in trees:
        seen: set[tuple[int, int]] = set()
        repeated = []
        for source, target in tree["edges"]:
            if (source, target) in seen or (target, source) in seen:
                repeated.append((source, target))
            else:
                seen.add((source, target))
        if repeated:
            raise InvalidNml(f"Duplicate edges in tree {tree['id']}: {join(_edge_text(e) for e in repeated)}")
    for tree in trees:
        node_ids = {n["id"] for n in tree["nodes"]}
        missing = list(dict.fromkeys(v for edge in tree["edges"] for v in edge if v not in node_ids))
        if missing:
            raise InvalidNml(f"Some edges refer to non-existent nodes. treeId: {tree['id']}, nodeIds: {join(missing)}")
    for tree in trees:
        loops = [edge for edge in tree["edges"] if edge[0] == edge[1]]
        if loops:
            raise InvalidNml(f"Some edges have the same source and target. treeId: {tree['id']}, "
                           f"edges: {join(_edge_text(e) for e in loops)}")


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
        extra = additions.get(group_id_of(group))
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


def validate_references(trees: list[JSON], groups: list[JSON], branch_points: list[JSON],
                        comments: list[JSON]) -> None:
    """Group ids are unique; trees, branch points and comments refer to existing groups and nodes."""
    duplicates = multiset_extra(all_group_ids(groups))
    if duplicates:
        raise InvalidNml(f"Duplicate treeGroupIds: {join(duplicates)}")
    group_ids = set(all_group_ids(groups))
    missing_groups = list(dict.fromkeys(t["groupId"] for t in trees
                                        if t.get("groupId") is not None and t["groupId"] not in group_ids))
    if missing_groups:
        raise InvalidNml(f"Some treeGroups used in trees don't exist. treeGroups: {join(missing_groups)}")
    node_ids = {n["id"] for t in trees for n in t["nodes"]}
    for items, key, label in ((branch_points, "node", "branchPoints"), (comments, "node", "comments")):
        missing = list(dict.fromkeys(item[key] for item in items if item[key] not in node_ids))
        if missing:
            raise InvalidNml(f"Some {label} refer to non-existent nodes. {label}: {join(missing)}")
