"""Routing that tries only the routes a request's path can match.

Starlette's ``Router`` tries its routes in order, one regular expression each, until one matches; a
pack's version has about a hundred routes and Connexion routes every request twice (once to find the
operation, once to call it), so a request used to run some forty expressions before its handler.
``index_routers`` gives each router a table from the literal leading path segments of its routes
(``/tasks/list`` → ``tasks``, ``list``; ``/tasks/{id}`` → ``tasks``; ``/{id}`` → none) to the routes
a path with those segments can match, in the router's order. A request tries just those; the first
full match wins, as in Starlette, because a route left out cannot match at all. A path no route
matches goes to the router's default, as in Starlette; a wrong method (a 405) or a missing or
extra trailing slash (a redirect) goes through Starlette's own loop, so those answers are Starlette's.

A router of mounts (Connexion's Swagger UI: ``/api/v5`` → ``/ui``, ``/openapi.json``) whose mounted routers share
its default and begin every route with a literal segment sends a path under a mount whose next segment no
route begins with straight to that default, with the mount's scope, without the mounted router's search: that
router would have found no route and no redirect, and called the same default with the same scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

DEPTH = 2
"""Literal leading segments a table looks at."""


def literal_prefix(route: BaseRoute) -> tuple[str, ...]:
    """The first ``DEPTH`` path segments every path ``route`` matches begins with (fewer where a segment
    holds a parameter; none for a route of another kind)."""
    if type(route) is Route:
        template = route.path
    elif type(route) is Mount:
        template = route.path + "/"  # a mount matches "<path>/<anything>"
    else:
        return ()
    if not template.startswith("/"):
        return ()
    parts = template[1:].split("/")
    complete = parts[:-1] if type(route) is Mount else parts  # a mount's last part is the open remainder
    prefix: list[str] = []
    for part in complete[:DEPTH]:
        if not part or "{" in part:
            break
        prefix.append(part)
    return tuple(prefix)


class RouteTable:
    """For a path's leading segments, the routes of ``routes`` (in their order) that can match it."""

    def __init__(self, routes: list[BaseRoute], default: Any = None) -> None:
        self.routes = routes
        self.size = len(routes)
        prefixes = [literal_prefix(route) for route in routes]

        def fitting(*segments: str) -> list[BaseRoute]:
            return [route for route, prefix in zip(routes, prefixes, strict=True) if prefix == segments[:len(prefix)]]

        self.any = fitting()
        self.first = {prefix[0]: fitting(prefix[0]) for prefix in prefixes if prefix}
        self.second: dict[tuple[str, ...], list[BaseRoute]] = {
            prefix: fitting(*prefix) for prefix in prefixes if len(prefix) == 2}
        self.mounted = mounted_segments(routes, default) if default is not None else ()

    def beyond_every_route(self, route_path: str) -> Mount | None:
        """The mount of ``mounted`` ``route_path`` lies under when none of its routes can match it (nor a
        redirect); None when one may, or when the path is under none."""
        for mount, segments in self.mounted:
            path = mount.path
            if route_path.startswith(path) and route_path[len(path):len(path) + 1] == "/":
                return mount if route_path[len(path) + 1:].split("/", 1)[0] not in segments else None
        return None

    def candidates(self, route_path: str) -> list[BaseRoute]:
        segments = route_path[1:].split("/", DEPTH)
        found = self.second.get(tuple(segments[:2])) if len(segments) > 1 else None
        if found is not None:
            return found
        return self.first.get(segments[0], self.any)


def mounted_segments(routes: list[BaseRoute], default: Any) -> tuple[tuple[Mount, frozenset[str]], ...]:
    """For a router whose routes are all mounts of literal paths, each holding a router that shares the outer
    default and whose routes all begin with a literal segment: (mount, those first segments) per mount.
    Empty for any other router (no path can be known to miss)."""
    found = []
    for route in routes:
        if type(route) is not Mount or "{" in route.path or not route.path:
            return ()
        inner = route.app
        if not isinstance(inner, Router) or inner.default != default or not (
                inner.middleware_stack == inner.app or isinstance(inner.middleware_stack, IndexedRouter)):
            return ()
        firsts = [literal_prefix(child)[:1] for child in inner.routes]
        if not all(firsts):
            return ()
        found.append((route, frozenset(first[0] for first in firsts)))
    return tuple(found)


class IndexedRouter:
    """The dispatch of one ``Router``: its route table first, Starlette's loop for everything else."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.loop = router.app  # Starlette's own dispatch
        self.table = RouteTable(router.routes, router.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.loop(scope, receive, send)
            return
        routes = self.router.routes
        if routes is not self.table.routes or len(routes) != self.table.size:
            self.table = RouteTable(routes, self.router.default)  # routes added since: index them anew
        scope.setdefault("router", self.router)
        route_path = _route_path(scope)
        if not await self._dispatched(scope, receive, send, route_path):
            await self.loop(scope, receive, send)

    async def _dispatched(self, scope: Scope, receive: Receive, send: Send, route_path: str) -> bool:
        """Handle the request if a route fully matches it, or if no route nor a redirect can (the router's
        default); False when Starlette's loop must decide (a 405, a redirect)."""
        if self.table.mounted and (mount := self.table.beyond_every_route(route_path)) is not None:
            match, child_scope = mount.matches(scope)
            if match is Match.FULL:  # as entering the mount would: its scope, then the shared default
                scope["route"] = mount
                scope.update(child_scope)
                await self.router.default(scope, receive, send)
                return True
        for route in self.table.candidates(route_path):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return True
            if match is Match.PARTIAL:
                return False
        if self.router.redirect_slashes and route_path != "/" and self._redirects(scope, route_path):
            return False
        await self.router.default(scope, receive, send)
        return True

    def _redirects(self, scope: Scope, route_path: str) -> bool:
        """Whether the path with its trailing slash added or removed matches a route (Starlette redirects)."""
        toggled = dict(scope)
        toggled["path"] = scope["path"].rstrip("/") if route_path.endswith("/") else scope["path"] + "/"
        return any(route.matches(toggled)[0] is not Match.NONE
                   for route in self.table.candidates(_route_path(toggled)))


def _route_path(scope: Scope) -> str:
    """The path a router of this scope matches (``starlette._utils.get_route_path``)."""
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if root_path and path.startswith(root_path) and (path == root_path or path[len(root_path)] == "/"):
        return path[len(root_path):]
    return path


def routers(apps: Iterable[Any]) -> Iterator[Router]:
    """Every ``Router`` held by ``apps`` (as ``router``), by their mounts and by their defaults, once each."""
    seen: set[int] = set()
    pending = [getattr(app, "router", app) for app in apps]
    while pending:
        candidate = pending.pop()
        if not isinstance(candidate, Router) or id(candidate) in seen:
            continue
        seen.add(id(candidate))
        yield candidate
        pending.append(getattr(candidate.default, "__self__", candidate.default))
        pending += [route.app for route in candidate.routes if isinstance(route, Mount)]


def index_routers(apps: Iterable[Any]) -> int:
    """Give every router of ``apps`` whose dispatch is Starlette's plain loop a route table; how many."""
    indexed = 0
    for router in routers(apps):
        if router.middleware_stack == router.app:  # no middleware of its own to keep in front
            router.middleware_stack = IndexedRouter(router)
            indexed += 1
    return indexed
