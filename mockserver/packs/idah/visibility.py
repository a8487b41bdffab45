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

    @functools.cached_property
    def owned_ids(self) -> tuple[str, ...]:
        """The projects whose every entry and dataset the caller sees."""
        return tuple(p.id for p in self.projects() if self.owns(p))

    def entries_where(self, *, owned: bool = True) -> Condition:
        """The entries the caller sees, as an SQL condition (``owned=False``: those outside the projects it owns):
        all of an owned project; an annotator's own; a reviewer's own and the unassigned ``review``-step entries
        it did not submit."""
        me, terms, params = self.who.account_id, list[str](), list[Any]()
        if owned and self.owned_ids:
            terms.append(f"project_id IN ({_marks(self.owned_ids)})")
            params += self.owned_ids
        for role, rule in ROLE_RULES.items():
            projects = tuple(p for p, has in self.roles.items() if has == role and p not in self.owned_ids)
            if projects:
                terms.append(f"(project_id IN ({_marks(projects)}) AND {rule})")
                params += (*projects, *(me,) * rule.count("?"))
        return (" OR ".join(terms) or "1 = 0"), tuple(params)

    @functools.cached_property
    def _entries(self) -> list[r.Entry]:
        return self.store.select(r.Entry, *self.entries_where(), order="id")

    def entry(self, entry_id: str) -> r.Entry | None:
        where, params = self.entries_where()
        return self.store.one(r.Entry, f"id = ? AND ({where})", (entry_id, *params))

    def entries(self) -> list[r.Entry]:
        return list(self._entries)

    def entry_ids(self) -> set[str]:
        return {e.id for e in self._entries}

    @functools.cached_property
    def _holding(self) -> frozenset[str]:
        """Datasets outside the owned projects that hold an entry the caller sees."""
        where, params = self.entries_where(owned=False)
        return frozenset(self.store.scalars(f"SELECT DISTINCT dataset_id FROM entries WHERE {where}", params))

    def sees_dataset(self, dataset: r.Dataset) -> bool:
        return dataset.project_id in self.owned_ids or dataset.id in self._holding

    def datasets(self) -> list[r.Dataset]:
        return [d for d in self.store.select(r.Dataset, order="id") if self.sees_dataset(d)]

    def dataset(self, dataset_id: str) -> r.Dataset | None:
        found = self.store.get(r.Dataset, dataset_id)
        return found if found is not None and self.sees_dataset(found) else None

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


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


Condition = tuple[str, tuple[Any, ...]]
"""An SQL condition on a table and the values its ``?`` stand for."""

ROLE_RULES = {
    "annotator": "assigned_to_id = ?",
    "reviewer": "(assigned_to_id = ? OR (wf_step = 'review' AND assigned_to_id IS NULL"
                " AND (submitted_by_id IS NULL OR submitted_by_id <> ?)))",
}
"""Project role → the entries of its projects a member sees (each ``?``: the caller's account id)."""

VISIBLE: dict[str, Callable[[Scope], Sequence[Any]]] = {
    "projects": Scope.projects, "project_members": Scope.members, "datasets": Scope.datasets,
    "entries": Scope.entries, "annotations": Scope.annotations, "note_feeds": Scope.note_feeds,
    "note_comments": Scope.note_comments, "label_config_templates": Scope.label_config_templates,
    "entry_stats": Scope.entry_stats}
"""Resource name → the rows of it the caller sees."""

VISIBLE_ONE: dict[str, Callable[[Scope, str], Any]] = {"entries": Scope.entry, "datasets": Scope.dataset}
"""Resource name → the row of that id the caller sees, or None (without reading every visible row)."""

WHERE: dict[str, Callable[[Scope], Condition]] = {"entries": Scope.entries_where}
"""Resource name → the rows of it the caller sees as an SQL condition (the store pages, sorts and counts them)."""
