"""Domain objects named by ``domainClassName`` and ``domainIdent`` (properties, tags, descriptions): which record a
class name means, and who may read and write metadata on it (the members of its project, or everybody)."""

from __future__ import annotations

import dataclasses
from typing import Any

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import Forbidden, NotFound


def _project_of(record: Any) -> int | None:
    return record.id if isinstance(record, r.Project) else getattr(record, "project", None)


DOMAINS: dict[str, type[Any]] = {
    "Project": r.Project, "ImageInstance": r.ImageInstance, "UserAnnotation": r.Annotation,
    "AnnotationDomain": r.Annotation, "AbstractImage": r.AbstractImage, "Ontology": r.Ontology, "Term": r.Term,
    "Storage": r.Storage, "UploadedFile": r.UploadedFile, "User": r.User,
}
"""The simple class name (``be.cytomine.domain.project.Project`` → ``Project``; the Grails names too) → record."""


@dataclasses.dataclass(frozen=True)
class Domain:
    class_name: str
    ident: int
    record: Any

    @property
    def project(self) -> int | None:
        return _project_of(self.record)


def resolve(cy: Cytomine, class_name: str, ident: int) -> Domain:
    simple = class_name.rsplit(".", 1)[-1]
    if simple.lower() == "annotation":
        simple = "UserAnnotation"
    record_type = DOMAINS.get(simple)
    if record_type is None:  # no object of an unknown class exists
        raise NotFound(f"{class_name} not found with id : {ident}")
    record = cy.store.get(record_type, ident)
    if record is None:
        raise NotFound.of(simple, ident)
    return Domain(class_name, ident, record)


def checked(cy: Cytomine, class_name: str, ident: int, me: r.User, write: bool = False) -> Domain:
    """The domain object, if ``me`` may read (or ``write``) its metadata: project members, else everybody."""
    domain = resolve(cy, class_name, ident)
    if domain.project is not None:
        project = cy.readable_project(domain.project, me)
        if write and not cy.can_write_in(project, me):
            raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
    return domain




METADATA = ("properties", "tag_associations", "descriptions", "attached_files")


def forget(cy: Cytomine, idents_sql: str, params: tuple[Any, ...]) -> None:
    """The metadata (properties, tags, descriptions, attached files) of the objects ``idents_sql`` selects,
    deleted with them."""
    for table in METADATA:
        cy.store.execute(f"DELETE FROM {table} WHERE domain_ident IN ({idents_sql})", params)
