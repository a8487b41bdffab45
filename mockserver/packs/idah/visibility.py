"""What a caller may see and change (the service's ``as_user`` scopes), by project role.

- admins see everything; an organisation owner owns every project of the organisation;
- ``project_owner``: everything in the project; only owners create, change and delete datasets, entries and
  members;
- ``annotator``: the entries assigned to them (and the datasets holding such entries);
- ``reviewer``: the entries assigned to them plus unassigned ``review``-step entries they did not submit;
- a disabled member sees nothing of the project.

Rows out of scope are answered as not found (404), not as forbidden.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

from mockserver.packs.idah import records as r
from mockserver.packs.idah.auth import Principal
from mockserver.store import Store


@dataclasses.dataclass(frozen=True)
class Scope:
    store: Store
    who: Principal

    @functools.cached_property
    def roles(self) -> dict[str, str]:
        """Project id → the caller's role there (enabled memberships only)."""
        members = self.store.select(r.ProjectMember, "account_id = ? AND disabled_at IS NULL", (self.who.account_id,))
        return {m.project_id: m.role for m in members}

    def owns(self, project: r.Project) -> bool:
        return self.who.owns_organization(project.organization_id) or self.roles.get(project.id) == "project_owner"

    def owns_id(self, project_id: str) -> bool:
        project = self.store.get(r.Project, project_id)
        return project is not None and self.owns(project)

    def projects(self) -> list[r.Project]:
        return [p for p in self.store.select(r.Project, order="id") if self.owns(p) or p.id in self.roles]

    def sees_entry(self, entry: r.Entry) -> bool:
        if self.owns_id(entry.project_id):
            return True
        role, me = self.roles.get(entry.project_id), self.who.account_id
        if role == "annotator":
            return entry.assigned_to_id == me
        if role == "reviewer":
            return entry.assigned_to_id == me or (entry.wf_step == "review" and entry.assigned_to_id is None
                                                   and entry.submitted_by_id != me)
        return False

    @functools.cached_property
    def _entries(self) -> list[r.Entry]:
        owned = {p.id for p in self.projects() if self.owns(p)}
        visible = set(self.roles) | owned
        return [e for e in self.store.select(r.Entry, order="id")
                if e.project_id in visible and (e.project_id in owned or self.sees_entry(e))]

    def entries(self) -> list[r.Entry]:
        return list(self._entries)

    def entry_ids(self) -> set[str]:
        return {e.id for e in self._entries}

    def datasets(self) -> list[r.Dataset]:
        owned = {p.id for p in self.projects() if self.owns(p)}
        holding = {e.dataset_id for e in self._entries}
        return [d for d in self.store.select(r.Dataset, order="id") if d.project_id in owned or d.id in holding]

    def members(self) -> list[r.ProjectMember]:
        visible = {p.id for p in self.projects()}
        return [m for m in self.store.select(r.ProjectMember, order="id") if m.project_id in visible]

    def annotations(self) -> list[r.Annotation]:
        ids = self.entry_ids()
        return [a for a in self.store.select(r.Annotation, order="id") if a.entry_id in ids]

    def note_feeds(self) -> list[r.NoteFeed]:
        ids = self.entry_ids()
        return [n for n in self.store.select(r.NoteFeed, order="id") if n.entry_id in ids]

    def note_comments(self) -> list[r.NoteComment]:
        feeds = {n.id for n in self.note_feeds()}
        return [c for c in self.store.select(r.NoteComment, order="id") if c.note_feed_id in feeds]

    def label_config_templates(self) -> list[r.LabelConfigTemplate]:
        return [t for t in self.store.select(r.LabelConfigTemplate, order="id")
                if self.who.is_admin or t.organization_id in self.who.organization_ids]

    def entry_stats(self) -> list[r.EntryStat]:
        return [entry_stat(self.store, e) for e in self._entries]


def entry_stat(store: Store, entry: r.Entry) -> r.EntryStat:
    annotations = store.select(r.Annotation, "entry_id = ?", (entry.id,))
    feeds = store.select(r.NoteFeed, "entry_id = ?", (entry.id,))
    latest = max([entry.updated_at, *(a.updated_at for a in annotations), *(f.updated_at for f in feeds)])
    return r.EntryStat(entry.id, entry.id, len(annotations), len(feeds),
                       sum(f.status == "pending" for f in feeds), latest)


VISIBLE: dict[str, Callable[[Scope], Sequence[Any]]] = {
    "projects": Scope.projects, "project_members": Scope.members, "datasets": Scope.datasets,
    "entries": Scope.entries, "annotations": Scope.annotations, "note_feeds": Scope.note_feeds,
    "note_comments": Scope.note_comments, "label_config_templates": Scope.label_config_templates,
    "entry_stats": Scope.entry_stats}
"""Resource name → the rows of it the caller sees."""
