"""Layers: in a project that hides its users' (or its managers') layers, a contributor sees only its own
annotations and those of the other kind of member; managers see everything. ``visible`` judges one annotation,
``condition`` is the same rule as an SQL condition on annotations (engine-neutral)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import Cytomine


def visible(cy: Cytomine, annotation: r.Annotation, me: r.User) -> bool:
    """Whether ``me`` sees ``annotation``."""
    project = cy.store.get(r.Project, annotation.project)
    if project is None or annotation.user == me.id or cy.can_manage_project(project, me):
        return True
    author = cy.store.get(r.Member, project.id, annotation.user)
    by_manager = author is not None and author.manager
    return not (project.hide_admins_layers if by_manager else project.hide_users_layers)


def condition(cy: Cytomine, projects: Iterable[r.Project], me: r.User) -> tuple[str, list[Any]]:
    """A condition keeping the annotations of ``projects`` that ``me`` sees, with its parameters ("": all)."""
    rules = [(project.id, _authors(cy, project, me)) for project in projects]
    if all(rule is None for _, rule in rules):
        return "", []
    parts, params = [], []
    for project_id, rule in rules:
        if rule is None:
            parts.append("project = ?")
            params.append(project_id)
        else:
            parts.append(f"(project = ? AND {rule[0]})")
            params += [project_id, *rule[1]]
    return f"({' OR '.join(parts)})", params


def _authors(cy: Cytomine, project: r.Project, me: r.User) -> tuple[str, list[int]] | None:
    """The authors whose annotations in ``project`` ``me`` sees, as a condition; None: every author."""
    users, admins = project.hide_users_layers, project.hide_admins_layers
    if not (users or admins) or cy.can_manage_project(project, me):
        return None
    if users and admins:
        return '"user" = ?', [me.id]
    managers = [m.user for m in cy.store.select(r.Member, "project = ?", (project.id,)) if m.manager]
    if users:  # what managers and oneself drew
        shown = [me.id, *managers]
        return f'"user" IN ({", ".join("?" for _ in shown)})', shown
    hidden = [user for user in managers if user != me.id]  # all but the other managers' layers
    return (f'"user" NOT IN ({", ".join("?" for _ in hidden)})', hidden) if hidden else None
