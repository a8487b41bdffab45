"""The main list and the main write of each pack but WEBKNOSSOS (whose workloads are the ``mock`` scenario's),
aimed at real ids of the running world: ``PACK_WORKLOADS`` maps a pack to its ``Workloads`` factory."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import httpx

from benchmarks.performance.load import Load
from benchmarks.performance.servers import PackServer

LIST, WRITE = "list", "write"
"""The load names of every pack's two rows (the targets find them by these)."""
SQUARE = "POLYGON ((100 100, 300 100, 300 300, 100 300, 100 100))"
IDAH = "/api/v1/dataset"
JSON_API = "application/vnd.api+json"


@dataclasses.dataclass(frozen=True)
class Workloads:
    headers: dict[str, str]
    loads: list[Load]
    facts: dict[str, object]


def _client(server: PackServer, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers=headers, timeout=120)


def labelstudio(server: PackServer, page: int = 100) -> Workloads:
    """``GET /api/tasks`` (a page of ``page``) and ``POST /api/project/import`` of one task; no auth."""
    with _client(server, {}) as client:
        first = client.get("/api/tasks", params={"page": 1, "page_size": 1}).raise_for_status().json()
    image = first[0]["data"]["image"] if first else "https://example.org/images/new.jpg"
    loads = [Load.get(LIST, f"/api/tasks?page=1&page_size={page}"),
             Load.json(WRITE, "POST", "/api/project/import", [{"data": {"image": image}}])]
    return Workloads({}, loads, {"page_size": page})


def cytomine(server: PackServer, page: int = 100) -> Workloads:
    """The annotations of the image with the most (``GET /api/annotation.json?image=…``, their WKT included) and
    ``POST /api/annotation.json`` of a polygon on it; the admin's bearer token. The image is found by the images'
    ``numberOfAnnotations``: listing every annotation to count them (77 MB with 100,000) would leave the server's
    heap grown and scattered before the measurement (a page of 1,000 then takes 8.6 ms instead of 7)."""
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    counts: dict[int, int] = {}
    with _client(server, headers) as client:
        for project in client.get("/api/project.json").raise_for_status().json()["collection"]:
            images = client.get(f"/api/project/{project['id']}/imageinstance.json").raise_for_status()
            counts.update((image["id"], image["numberOfAnnotations"]) for image in images.json()["collection"])
    image = max(counts, key=lambda key: (counts[key], -key))
    loads = [Load.get(LIST, f"/api/annotation.json?image={image}&max={page}&offset=0"),
             Load.json(WRITE, "POST", "/api/annotation.json", {"image": image, "location": SQUARE})]
    return Workloads(headers, loads, {"image": image, "image_annotations": counts[image], "max": page})


def idah(server: PackServer, page: int = 100) -> Workloads:
    """``GET …/entries`` with ``included[]=dataset`` (a page of ``page``) and ``POST …/entries`` (a new resource
    each time) in the first dataset; the admin's bearer token."""
    headers = {"Authorization": f"Bearer {server.tokens['admin']}"}
    with _client(server, headers) as client:
        datasets = client.get(f"{IDAH}/datasets").raise_for_status().json()["data"]
    dataset = datasets[0]["id"]
    body = {"data": {"type": "dataset:entries", "attributes": {"resource": "bench/__N__.jpg", "name": "bench"},
                     "relationships": {"dataset": {"data": {"type": "dataset:datasets", "id": dataset}}}}}
    loads = [Load.get(LIST, f"{IDAH}/entries?included%5B%5D=dataset&page%5Bnumber%5D=1&page%5Bsize%5D={page}"),
             Load.unique(WRITE, "POST", f"{IDAH}/entries", body, JSON_API)]
    return Workloads(headers, loads, {"dataset": dataset, "page_size": page})


PACK_WORKLOADS: dict[str, Callable[..., Workloads]] = {
    "labelstudio": labelstudio,
    "cytomine": cytomine,
    "idah": idah,
}
