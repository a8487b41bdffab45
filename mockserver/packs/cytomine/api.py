"""What Cytomine handlers get first: the backend, the global id sequence, the caller and the write envelopes."""

from __future__ import annotations

import dataclasses
from typing import Any

from mockserver.backend import Backend
from mockserver.packs.cytomine.errors import Forbidden, NotFound, Unauthorized
from mockserver.packs.cytomine.geometry import Measurer
from mockserver.packs.cytomine.records import Member, Project, Sequence, User
from mockserver.store import Store

CLASS_PREFIX = "be.cytomine.domain."


def next_id(store: Store) -> int:
    """The next id of the one global sequence (shared by every domain and by commands; never reused)."""
    sequence = store.get(Sequence, 1)
    assert sequence is not None
    store.update(sequence, last=sequence.last + 1)
    return sequence.last + 1


@dataclasses.dataclass(frozen=True)
class Cytomine:
    backend: Backend
    measures: Measurer = dataclasses.field(default_factory=Measurer, compare=False, repr=False)
    """The annotations' WKT measures, remembered for the next page."""

    @property
    def store(self) -> Store:
        return self.backend.store

    @property
    def base_url(self) -> str:
        return self.backend.settings.base_url.rstrip("/")

    def now(self) -> int:
        return self.backend.clock()

    def new_id(self) -> int:
        return next_id(self.store)

    # the caller ---------------------------------------------------------------------------------

    def me(self, user: str | None) -> User:
        """The user the security check found (``user`` is its id), 401 otherwise."""
        found = self.store.get(User, int(user)) if user and user.isdigit() else None
        if found is None:
            raise Unauthorized("Full authentication is required to access this resource")
        return found

    def member(self, project: Project, user: User) -> Member | None:
        return self.store.get(Member, project.id, user.id)

    def can_read_project(self, project: Project, user: User) -> bool:
        return user.admin or self.member(project, user) is not None

    def can_manage_project(self, project: Project, user: User) -> bool:
        member = self.member(project, user)
        return user.admin or (member is not None and member.manager)

    def can_write_in(self, project: Project, user: User) -> bool:
        """Contributors add and edit in a project unless it is read-only or closed (managers always may)."""
        if self.can_manage_project(project, user):
            return True
        return self.member(project, user) is not None and not project.is_read_only and not project.is_closed

    def readable_project(self, project_id: int, user: User) -> Project:
        project = self.store.get(Project, project_id)
        if project is None:
            raise NotFound.of("Project", project_id)
        if not self.can_read_project(project, user):
            raise Forbidden(f"You don't have the right to read or modify this resource! {project.name} {project.id}")
        return project

    # write envelopes ----------------------------------------------------------------------------

    def command(self, key: str, data: dict[str, Any], verb: str, message: str, **ids: Any) -> dict[str, Any]:
        """The command envelope of a write: the object under its lower-case class key, always HTTP 200."""
        simple = str(data.get("class", key)).rsplit(".", 1)[-1]
        callback = {"method": f"be.cytomine.{verb}{simple}Command", f"{key}ID": str(data.get("id")),
                    **{name: str(value) for name, value in ids.items()}}
        return {key: data, "message": message, "callback": callback, "printMessage": True,
                "command": self.new_id()}
