"""Who is asking: token lookup, the requesting ``Principal`` and the real server's role rules.

Roles follow WEBKNOSSOS: an organization admin may do everything in the organization; a team
manager manages the tasks, projects and users of the teams they manage; a plain user reads their
own annotations and what their teams may read. Anonymous callers see only public data.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

from connexion.security import ApiKeySecurityHandler

from mockserver.packs.webknossos import records as r
from mockserver.store import Store


@dataclasses.dataclass(frozen=True)
class Principal:
    """A logged-in user and their team memberships (team id → is team manager)."""

    user: r.User
    teams: dict[str, bool]

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    @property
    def organization_id(self) -> str:
        return self.user.organization_id

    def in_organization(self, organization_id: str) -> bool:
        return self.user.organization_id == organization_id

    def is_member(self, team_id: str) -> bool:
        return team_id in self.teams

    def manages(self, team_id: str, organization_id: str | None = None) -> bool:
        """Team manager of ``team_id``, or admin of its organization."""
        if self.is_admin and (organization_id is None or self.in_organization(organization_id)):
            return True
        return self.teams.get(team_id, False)

    @property
    def is_team_manager_or_admin(self) -> bool:
        return self.is_admin or any(self.teams.values())

    def managed_team_ids(self) -> set[str]:
        return {team for team, manager in self.teams.items() if manager}


def may_edit_dataset(store: Store, viewer: Principal | None, dataset: r.Dataset) -> bool:
    """The real ``DatasetService.isEditableBy``: admins and dataset managers of the dataset's organization,
    and the managers of one of its allowed teams."""
    if viewer is None or not viewer.in_organization(dataset.organization_id):
        return False
    if viewer.is_admin or viewer.user.is_dataset_manager:
        return True
    allowed = store.scalars("SELECT team_id FROM dataset_teams WHERE dataset_id = ?", (dataset.id,))
    return any(viewer.manages(team_id) for team_id in allowed)


def load_principal(store: Store, user: r.User) -> Principal:
    memberships = store.remember(("memberships",), ("principal", user.id),
                                 lambda: store.select(r.Membership, "user_id = ?", (user.id,)))
    return Principal(user, {m.team_id: m.is_team_manager for m in memberships})


def principal_for(store: Store, user_id: str | None) -> Principal | None:
    """The principal of a user id from the security context (None when anonymous or deactivated)."""
    if not user_id:
        return None
    user = store.get(r.User, user_id)
    if user is None or not user.is_active:
        return None
    return load_principal(store, user)


def datastore_principal(store: Store, token: str | None, now: int) -> Principal | None:
    """The user a datastore request acts for: a personal token or an unexpired ``/userToken/generate`` token."""
    if not token:
        return None
    user = store.one(r.User, "token = ? AND is_active = 1", (token,))
    if user is None:
        issued = store.one(r.DatastoreToken, "token = ? AND expires > ?", (token, now))
        user = store.get(r.User, issued.user_id) if issued else None
    return load_principal(store, user) if user is not None and user.is_active else None


def token_lookup(store: Store) -> Callable[..., dict[str, Any] | None]:
    """The ``X-Auth-Token`` check: token → ``{"sub": user id}``, or None for an unknown token."""

    def token_info(api_key: str, **_: Any) -> dict[str, Any] | None:
        store.version()  # first thing a request does: notice other processes' writes (--workers)
        user = store.lookup(r.User, "token = ? AND is_active = 1", (api_key,))
        return {"sub": user.id} if user else None

    token_info.__signature__ = inspect.signature(token_info)  # type: ignore[attr-defined]  # inspected per request
    return token_info


def security_handler_class(store: Store) -> type[ApiKeySecurityHandler]:
    """An ``apiKey`` security handler that checks tokens against ``store`` (for ``security_map``)."""
    lookup = token_lookup(store)

    class StoreApiKeySecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return lookup

    return StoreApiKeySecurityHandler


def passthrough_security_handler_class() -> type[ApiKeySecurityHandler]:
    """An ``apiKey`` handler that hands any token to the handler as ``user`` (the datastore's routes take
    personal, datastore and sharing tokens and decide per dataset)."""

    def token_info(api_key: str, **_: Any) -> dict[str, Any]:
        return {"sub": api_key}

    class PassthroughApiKeySecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return token_info

    return PassthroughApiKeySecurityHandler
