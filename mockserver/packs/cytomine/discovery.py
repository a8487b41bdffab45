"""What a Cytomine contract run reads before it starts (GET only, through the guard), and how it uses it.

Generated ids never name anything that exists, so every read by id would only meet "not found". ``discover``
walks the caller's newest project: its ontology, terms and a parent relation, an image instance with its abstract
image, uploaded file and slices, an annotation with its term, and whatever the project and these hold of tags,
properties, descriptions, attached files, tracks, image and annotation groups and annotation filters; the user,
their role and public key, a storage. ``Fixups`` puts these into every other positive case of each read by id
(``READ_BY_ID``; the other half keeps its generated ids and meets the 404s), so coverage does not hang on whether
the stateful phase's links reach them within the budget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx

from mockserver.contract.guard import Guard
from mockserver.packs.cytomine.sandbox import Creates, prepare

Facts = dict[str, Any]
"""Discovered values by name (``project``, ``image``, ``annotation`` …); a name is absent where nothing was found."""

PROJECT_CLASS = "be.cytomine.domain.project.Project"


READ_BY_ID: dict[str, dict[str, str]] = {
    "GET /api/user/{id}.json": {"id": "user"},
    "GET /api/userkey/{publicKey}/keys.json": {"publicKey": "public_key"},
    "GET /api/user/{id}/keys.json": {"id": "user"},
    "GET /api/user/{id}/project.json": {"id": "user"},
    "GET /api/user/{id}/role.json": {"id": "user"},
    "GET /api/user/{id}/role/{role}.json": {"id": "user", "role": "user_role"},
    "GET /api/project/{id}.json": {"id": "project"},
    "GET /api/project/{id}/user.json": {"id": "project"},
    "GET /api/project/{id}/admin.json": {"id": "project"},
    "GET /api/project/{id}/term.json": {"id": "project"},
    "GET /api/project/{id}/imageinstance.json": {"id": "project"},
    "GET /api/project/{id}/track.json": {"id": "project"},
    "GET /api/project/{id}/imagegroup.json": {"id": "project"},
    "GET /api/project/{id}/annotationgroup.json": {"id": "project"},
    "GET /api/project/{id}/userconnection/{userId}.json": {"id": "project", "userId": "user"},
    "GET /api/project/{id}/user/{userId}/imageconsultation.json": {"id": "project", "userId": "user"},
    "GET /api/ontology/{id}.json": {"id": "ontology"},
    "GET /api/ontology/{id}/project.json": {"id": "ontology"},
    "GET /api/ontology/{id}/term.json": {"id": "ontology"},
    "GET /api/ontology/{id}/user.json": {"id": "ontology"},
    "GET /api/term/{id}.json": {"id": "term"},
    "GET /api/relation/parent/term1/{term1}/term2/{term2}.json": {"term1": "parent_term", "term2": "child_term"},
    "GET /api/storage/{id}.json": {"id": "storage"},
    "GET /api/uploadedfile/{id}.json": {"id": "uploaded_file"},
    "GET /api/uploadedfile/{id}/abstractslice.json": {"id": "uploaded_file"},
    "GET /api/abstractimage/{id}.json": {"id": "abstract_image"},
    "GET /api/abstractimage/{id}/abstractslice.json": {"id": "abstract_image"},
    "GET /api/abstractimage/{id}/thumb.{format}": {"id": "abstract_image"},
    "GET /api/abstractimage/{id}/download": {"id": "abstract_image"},
    "GET /api/abstractslice/{id}.json": {"id": "abstract_slice"},
    "GET /api/imageinstance/{id}.json": {"id": "image"},
    "GET /api/imageinstance/{id}/sliceinstance.json": {"id": "image"},
    "GET /api/imageinstance/{id}/sliceinstance/reference.json": {"id": "image"},
    "GET /api/imageinstance/{id}/thumb.{format}": {"id": "image"},
    "GET /api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.{format}": {"id": "image"},
    "GET /api/imageinstance/{id}/download": {"id": "image"},
    "GET /api/imageinstance/{id}/track.json": {"id": "image"},
    "GET /api/imageinstance/{id}/positions.json": {"id": "image"},
    "GET /api/imageinstance/{id}/annotation_action.json": {"id": "image"},
    "GET /api/imageinstance/{id}/imagegroupimageinstance.json": {"id": "image"},
    "GET /api/sliceinstance/{id}.json": {"id": "slice"},
    "GET /api/sliceinstance/{id}/thumb.{format}": {"id": "slice"},
    "GET /api/sliceinstance/{id}/positions.json": {"id": "slice"},
    "GET /api/annotation/{id}.json": {"id": "annotation"},
    "GET /api/annotation/{id}/term.json": {"id": "annotation"},
    "GET /api/annotation/{id}/term/{term}.json": {"id": "annotation", "term": "annotation_term"},
    "GET /api/annotation/{id}/property.json": {"id": "annotation"},
    "GET /api/annotation/{id}/annotationlink.json": {"id": "annotation"},
    "GET /api/userannotation/{id}/{kind}.{format}": {"id": "annotation"},
    "GET /api/role/{id}.json": {"id": "role"},
    "GET /api/tag/{id}.json": {"id": "tag"},
    "GET /api/tag_domain_association/{id}.json": {"id": "tag_association"},
    "GET /api/domain/{domainClassName}/{domainIdent}/property/{id}.json": {
        "domainClassName": "property_class", "domainIdent": "property_ident", "id": "property"},
    "GET /api/domain/{domainClassName}/{domainIdent}/key/{key}/property.json": {
        "domainClassName": "property_class", "domainIdent": "property_ident", "key": "property_key"},
    "GET /api/domain/{domainClassName}/{domainIdent}/description.json": {
        "domainClassName": "description_class", "domainIdent": "description_ident"},
    "GET /api/track/{id}.json": {"id": "track"},
    "GET /api/annotationtrack/{annotation}/{track}.json": {"annotation": "tracked_annotation", "track": "track"},
    "GET /api/attachedfile/{id}.json": {"id": "attached_file"},
    "GET /api/attachedfile/{id}/download": {"id": "attached_file"},
    "GET /api/imagegroup/{id}.json": {"id": "image_group"},
    "GET /api/imagegroup/{id}/imageinstance.json": {"id": "image_group"},
    "GET /api/imagegroup/{id}/imagegroupimageinstance.json": {"id": "image_group"},
    "GET /api/imagegroup/{id}/annotationgroup.json": {"id": "image_group"},
    "GET /api/imagegroup/{group}/imageinstance/{image}.json": {"group": "image_group", "image": "grouped_image"},
    "GET /api/annotationgroup/{id}.json": {"id": "annotation_group"},
    "GET /api/annotationgroup/{id}/annotationlink.json": {"id": "annotation_group"},
    "GET /api/annotationgroup/{group}/annotation/{annotation}.json": {
        "group": "annotation_group", "annotation": "linked_annotation"},
    "GET /api/annotationfilter/{id}.json": {"id": "annotation_filter"},
}
"""Reads by id → {path parameter: ``Facts`` name of a thing that exists}."""

PROJECT_QUERY = frozenset({"GET /api/annotation.json", "GET /api/annotation/included.json",
                           "GET /api/annotationfilter.json"})
"""Lists of a project: every positive case asks for the discovered project's."""

DOMAIN_LISTS = frozenset({"GET /api/domain/{domainClassName}/{domainIdent}/property.json",
                          "GET /api/domain/{domainClassName}/{domainIdent}/tag_domain_association.json",
                          "GET /api/domain/{domainClassName}/{domainIdent}/attachedfile.json"})
"""Lists of what a domain object holds: every other positive case asks about the discovered project."""


def discover(client: httpx.Client, guard: Guard, allow_writes: bool) -> Discovered:
    """The caller's newest project and what it holds (GET only); with writes, then the run's own project with an
    image in it, where its creates go (``sandbox.prepare``)."""
    facts: Facts = {}
    reader = _Reader(client, guard)
    me = reader.get("/api/user/current.json")
    if isinstance(me, dict) and me.get("id"):
        facts["user"], facts["public_key"] = me["id"], me.get("publicKey")
        facts["user_role"] = _first(reader.items(f"/api/user/{me['id']}/role.json"), "role")
    facts["role"] = _first(reader.items("/api/role.json"))
    facts["storage"] = _first(reader.items("/api/storage.json", {"max": 1}))
    facts["tag"] = _first(reader.items("/api/tag.json", {"max": 1}))
    projects = reader.items("/api/project.json", {"max": 1})
    if projects:
        _project(reader, facts, projects[0])
    creates = Creates()
    if allow_writes:
        bases = tuple(item["id"] for item in reader.items("/api/abstractimage.json", {"max": 5}) if "id" in item)
        creates = prepare(client, guard, bases)
    return Discovered({name: value for name, value in facts.items() if value is not None}, creates)


def _project(reader: _Reader, facts: Facts, project: dict[str, Any]) -> None:
    ident = facts["project"] = project.get("id")
    facts["project_class"] = project.get("class") or PROJECT_CLASS
    facts["ontology"] = project.get("ontology")
    if facts["ontology"]:
        terms = reader.items(f"/api/ontology/{facts['ontology']}/term.json")
        facts["term"] = _first(terms)
        child = next((t for t in terms if t.get("parent")), None)
        if child is not None:
            facts["parent_term"], facts["child_term"] = child["parent"], child["id"]
    image = next(iter(reader.items(f"/api/project/{ident}/imageinstance.json", {"max": 1})), None)
    if image is not None:
        facts["image"], facts["abstract_image"] = image.get("id"), image.get("baseImage")
        facts["slice"] = _first(reader.items(f"/api/imageinstance/{image['id']}/sliceinstance.json"))
    if facts.get("abstract_image"):
        abstract = reader.get(f"/api/abstractimage/{facts['abstract_image']}.json")
        facts["uploaded_file"] = abstract.get("uploadedFile") if isinstance(abstract, dict) else None
        slices = reader.items(f"/api/abstractimage/{facts['abstract_image']}/abstractslice.json")
        facts["abstract_slice"] = _first(slices)
    annotations = reader.items("/api/annotation.json", {"project": ident, "max": 100})
    annotation = next((a for a in annotations if a.get("term")), annotations[0] if annotations else None)
    if annotation is not None:
        facts["annotation"] = annotation.get("id")
        facts["annotation_term"] = next(iter(annotation.get("term") or []), None)
    tracked = next((a for a in annotations if a.get("track")), None)
    if tracked is not None:
        facts["tracked_annotation"], facts["track"] = tracked["id"], tracked["track"][0]
    else:
        facts["track"] = _first(reader.items(f"/api/project/{ident}/track.json", {"max": 1}))
    images = [("be.cytomine.domain.image.ImageInstance", image["id"])] if image else []
    _domains(reader, facts, [(facts["project_class"], ident), *_annotation_domain(annotation), *images])
    _groups(reader, facts, ident)
    facts["annotation_filter"] = _first(reader.items("/api/annotationfilter.json", {"project": ident}))


def _annotation_domain(annotation: dict[str, Any] | None) -> list[tuple[str, Any]]:
    return [(annotation.get("class", "be.cytomine.domain.ontology.UserAnnotation"), annotation["id"])] \
        if annotation else []


def _domains(reader: _Reader, facts: Facts, domains: list[tuple[str, Any]]) -> None:
    """Properties, tag associations, attached files and a description of the project, annotation or image."""
    for cls, ident in domains:
        base = f"/api/domain/{cls}/{ident}"
        if "property" not in facts:
            prop = next(iter(reader.items(f"{base}/property.json")), None)
            if prop is not None:
                facts.update(property=prop.get("id"), property_key=prop.get("key"), property_class=cls,
                             property_ident=ident)
        if facts.get("tag_association") is None:
            facts["tag_association"] = _first(reader.items(f"{base}/tag_domain_association.json"))
        if facts.get("attached_file") is None:
            facts["attached_file"] = _first(reader.items(f"{base}/attachedfile.json"))
        if "description_class" not in facts and isinstance(reader.get(f"{base}/description.json"), dict):
            facts.update(description_class=cls, description_ident=ident)


def _groups(reader: _Reader, facts: Facts, project: Any) -> None:
    group = _first(reader.items(f"/api/project/{project}/imagegroup.json"))
    if group is not None:
        facts["image_group"] = group
        facts["grouped_image"] = _first(reader.items(f"/api/imagegroup/{group}/imagegroupimageinstance.json"),
                                        "image")
    group = _first(reader.items(f"/api/project/{project}/annotationgroup.json"))
    if group is not None:
        facts["annotation_group"] = group
        facts["linked_annotation"] = _first(reader.items(f"/api/annotationgroup/{group}/annotationlink.json"),
                                            "annotationIdent")


def _first(items: list[dict[str, Any]], key: str = "id") -> Any:
    return next((item.get(key) for item in items if item.get(key) is not None), None)


class _Reader:
    def __init__(self, client: httpx.Client, guard: Guard) -> None:
        self.client, self.guard = client, guard

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        self.guard.admit("GET", path, {})
        try:
            response = self.client.get(path, params=params)
            return response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    def items(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body = self.get(path, params)
        items = body.get("collection") if isinstance(body, dict) else body
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


@dataclasses.dataclass
class Discovered:
    """``Facts`` and the fixups of positive cases (the core's ``Discovery``)."""

    facts: Facts
    creates: Creates = dataclasses.field(default_factory=Creates)
    turns: dict[str, int] = dataclasses.field(default_factory=dict)

    def parameters(self) -> dict[str, str]:
        return {}

    def fixup(self, case: Any) -> None:
        self.creates.fixup(case)
        label = f"{case.method.upper()} {case.path}"
        if label in PROJECT_QUERY and "project" in self.facts:
            case.query = {**(case.query or {}), "project": self.facts["project"]}
            if "bbox" in case.query:  # minX,minY,maxX,maxY or WKT: a rule no schema of a string can express
                case.query["bbox"] = "0,0,1000,1000"
        if label not in READ_BY_ID and label not in DOMAIN_LISTS:
            return
        turn = self.turns[label] = self.turns.get(label, 0) + 1
        if not turn % 2:
            return
        values = dict(self._values(label))
        if values:
            case.path_parameters = {**(case.path_parameters or {}), **values}

    def _values(self, label: str) -> Iterator[tuple[str, Any]]:
        if label in DOMAIN_LISTS:
            names = {"domainClassName": "project_class", "domainIdent": "project"}
        else:
            names = READ_BY_ID[label]
        if all(name in self.facts for name in names.values()):
            yield from ((parameter, self.facts[name]) for parameter, name in names.items())
