"""What a Cytomine contract run with ``--allow-writes`` may write, what it created, and how it cleans up.

The run writes only into a sandbox of its own: projects, ontologies, image instances and annotations it created
(``POLICIES``). Before the run, ``prepare`` creates a project and places one of the deployment's abstract images in
it; every other positive create is steered there (``Creates``): annotations on that image, image instances into that
project, projects and ontologies under fresh names. Nothing that existed before is changed: an image instance only
refers to an abstract image, and deletes address only what the run created. ``cleanup`` deletes what is left,
annotations first and ontologies last (a project holding an ontology keeps it from being deleted), deleting a
project takes its image instances and annotations with it.
"""

from __future__ import annotations

import itertools
import re
import secrets
from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from mockserver.contract.guard import Guard
from mockserver.contract.policy import Created, Policy
from mockserver.contract.profile import Cleaned, delete_each
from mockserver.contract.settings import POSITIVE_STATUSES

KINDS = ("annotation", "imageinstance", "project", "ontology")
"""What a run creates, in the order the cleanup deletes it."""

POLICIES = {
    **{("POST", f"/api/{kind}.json"): Policy.CREATE for kind in KINDS},
    **{("DELETE", f"/api/{kind}/{{id}}.json"): Policy.ON_CREATED for kind in KINDS},
}

SQUARE = "POLYGON ((10 10, 20 10, 20 20, 10 20, 10 10))"
BULK_IDS = re.compile(r"^\w+ ([\d,]+) added$")
"""A bulk create's message: ``userannotations 17,18 added``."""


def created_by(path: str, body: Any) -> list[Created]:
    """(path template, 2xx body of a create) → what it created: the object under its class key (one object), or the
    ids a bulk create's message names."""
    kind = path.removeprefix("/api/").removesuffix(".json")
    if kind not in KINDS or not isinstance(body, dict):
        return []
    if isinstance(body.get(kind), dict) and "id" in body[kind]:
        return [Created(kind, str(body[kind]["id"]))]
    message = body.get("data", {}).get("message", "") if isinstance(body.get("data"), dict) else ""
    found = BULK_IDS.match(str(message))
    return [Created(kind, ident) for ident in found.group(1).split(",")] if found else []


CREATES = frozenset(f"POST /api/{kind}.json" for kind in KINDS)


def operation_config(label: str) -> Mapping[str, Any]:
    """A create's body is any object to the spec; the API wants its fields (``location``, ``image`` …) and answers
    400 without them: no finding for a positive case."""
    if label in CREATES:
        return {"checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "400"]}}}
    return {}


def fresh_name() -> str:
    return f"contract_{secrets.token_hex(6)}"


class Creates:
    """Positive creates, every other one steered into the run's sandbox with a body the API accepts (the others keep
    their generated bodies, so the 400s stay tested)."""

    def __init__(self, project: Any = None, image: Any = None, abstract_images: tuple[Any, ...] = ()) -> None:
        self.project, self.image = project, image
        self._bases: Iterator[Any] = itertools.cycle(abstract_images) if abstract_images else iter(())
        self._turns: dict[str, int] = {}

    def fixup(self, case: Any) -> None:
        label = f"{case.method.upper()} {case.path}"
        if case.method.upper() != "POST" or (case.method.upper(), case.path) not in POLICIES:
            return
        turn = self._turns[label] = self._turns.get(label, 0) + 1
        body = self.body(case.path.removeprefix("/api/").removesuffix(".json")) if turn % 2 else None
        if body is not None:
            case.body = body

    def body(self, kind: str) -> dict[str, Any] | None:
        if kind in ("project", "ontology"):
            return {"name": fresh_name()}
        if kind == "annotation" and self.image is not None:
            return {"location": SQUARE, "image": self.image}
        base = next(self._bases, None)
        if kind == "imageinstance" and self.project is not None and base is not None:
            return {"baseImage": base, "project": self.project}
        return None


def prepare(client: httpx.Client, guard: Guard, abstract_images: tuple[Any, ...]) -> Creates:
    """The run's project with one of ``abstract_images`` placed in it (both in the sandbox)."""
    project = _create(client, guard, "project", {"name": fresh_name()})
    if project is None or not abstract_images:
        return Creates(project)
    image = _create(client, guard, "imageinstance", {"baseImage": abstract_images[0], "project": project})
    return Creates(project, image, abstract_images[1:] or abstract_images)


def _create(client: httpx.Client, guard: Guard, kind: str, body: dict[str, Any]) -> Any:
    path = f"/api/{kind}.json"
    guard.admit("POST", path, {})
    try:
        response = client.post(path, json=body)
        created = created_by(path, response.json()) if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return None
    for item in created:
        guard.sandbox.add(item)
    return int(created[0].id) if created else None


def cleanup(client: httpx.Client, guard: Guard, version: str) -> Cleaned:
    """Delete what the run created, annotations first and ontologies last (404: already gone, e.g. with its
    project)."""
    return delete_each(client, guard, version, path=lambda item: f"/api/{item.kind}/{item.id}.json", order=KINDS)
