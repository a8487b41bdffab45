"""Annotations through the client: download by id and by URL, upload, download again."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
import webknossos as wk
from mockserve import Mock

AsRole = Callable[[str], AbstractContextManager[None]]
Trees = dict[int, tuple[str, dict[int, tuple[int, int, int]], set[tuple[int, int]]]]


def task_annotations(mock: Mock, readable_by: str = "admin") -> Iterator[dict[str, Any]]:
    """Task annotations of the seeded world on datasets that ``readable_by`` may read."""
    datasets = {d["name"] for d in mock.get("/datasets", readable_by)}
    for project in mock.get("/projects"):
        for task in mock.get(f"/projects/{project['id']}/tasks", limit=20):
            yield from (a for a in mock.get(f"/tasks/{task['id']}/annotations") if a["dataSetName"] in datasets)


def layer_types(annotation: dict[str, Any]) -> list[str]:
    return sorted(layer["typ"] for layer in annotation["annotationLayers"])


def task_annotation(mock: Mock, readable_by: str = "admin") -> dict[str, Any]:
    """A skeleton-only task annotation (its download is a plain NML) with nodes."""
    return next(a for a in task_annotations(mock, readable_by)
                if layer_types(a) == ["Skeleton"] and rest_trees(mock, a["id"]))


def rest_trees(mock: Mock, annotation_id: str) -> Trees:
    """Trees of the NML that ``GET /annotations/{id}/download`` sends: id → (name, nodes, edges)."""
    things = ET.fromstring(mock.request("GET", f"/annotations/{annotation_id}/download").content)
    trees: Trees = {}
    for thing in things.iter("thing"):
        nodes = {int(n.get("id", "0")): (int(float(n.get("x", "0"))), int(float(n.get("y", "0"))),
                                          int(float(n.get("z", "0")))) for n in thing.iter("node")}
        edges = {(int(e.get("source", "0")), int(e.get("target", "0"))) for e in thing.iter("edge")}
        trees[int(thing.get("id", "0"))] = (thing.get("name", ""), nodes, edges)
    return trees


def client_trees(annotation: wk.Annotation) -> Trees:
    trees: Trees = {}
    for tree in annotation.skeleton.flattened_trees():
        nodes = {node.id: (node.position.x, node.position.y, node.position.z) for node in tree.nodes}
        edges = {(a.id, b.id) for a, b in tree.edges}
        trees[tree.id] = (tree.name, nodes, edges)
    return trees


def undirected(trees: Trees) -> Trees:
    """Edges as (smaller id, larger id): skeleton trees are undirected graphs in the client."""
    return {i: (name, nodes, {(min(e), max(e)) for e in edges}) for i, (name, nodes, edges) in trees.items()}


@pytest.mark.parametrize("address", ["id", "url"])
def test_download(mock: Mock, as_role: AsRole, address: str) -> None:
    rest = task_annotation(mock)
    target = rest["id"] if address == "id" else f"{mock.url}/annotations/{rest['id']}"
    with as_role("admin"):
        annotation = wk.Annotation.download(target)
    info = mock.get(f"/annotations/{rest['id']}/info", timestamp=0)
    assert annotation.annotation_id == rest["id"]
    assert (annotation.dataset_name, annotation.organization_id) == (info["dataSetName"], info["organization"])
    assert annotation.owner_name == f"{info['owner']['firstName']} {info['owner']['lastName']}"
    assert undirected(client_trees(annotation)) == undirected(rest_trees(mock, rest["id"]))
    assert sum(len(nodes) for _, nodes, _ in client_trees(annotation).values()) > 0


def test_upload_then_download_round_trip(mock: Mock, as_role: AsRole) -> None:
    rest = task_annotation(mock, readable_by="user")
    with as_role("admin"):
        annotation = wk.Annotation.download(rest["id"])
    tree = annotation.skeleton.add_tree("client round trip")
    first = tree.add_node(position=(11, 22, 33), comment="start")
    tree.add_edge(first, tree.add_node(position=(44, 55, 66)))
    with as_role("user"):
        url = annotation.upload()
        again = wk.Annotation.download(url)
    new_id = url.rsplit("/", 1)[-1]
    assert url == f"{mock.url}/annotations/Explorational/{new_id}" and again.annotation_id == new_id
    info = mock.get(f"/annotations/{new_id}/info", "user", timestamp=0)
    assert (info["typ"], info["state"], info["owner"]["email"]) == ("Explorational", "Active", mock.emails["user"])
    assert info["dataSetName"] == annotation.dataset_name == again.dataset_name
    assert undirected(client_trees(again)) == undirected(client_trees(annotation))
    assert undirected(rest_trees(mock, new_id)) == undirected(client_trees(annotation))
    added = next(t for t in again.skeleton.flattened_trees() if t.name == "client round trip")
    assert sorted(tuple(n.position) for n in added.nodes) == [(11, 22, 33), (44, 55, 66)]
    assert [n.comment for n in added.nodes if tuple(n.position) == (11, 22, 33)] == ["start"]


def test_download_hybrid_annotation(mock: Mock, as_role: AsRole) -> None:
    """A skeleton + volume annotation comes as a zip (NML + volume data); the client reads both."""
    rest = next(a for a in task_annotations(mock) if layer_types(a) == ["Skeleton", "Volume"])
    with as_role("admin"):
        annotation = wk.Annotation.download(rest["id"])
    volume_names = [layer["name"] for layer in rest["annotationLayers"] if layer["typ"] == "Volume"]
    assert annotation.annotation_id == rest["id"] and list(annotation.get_volume_layer_names()) == volume_names
    assert annotation.dataset_name == rest["dataSetName"]
