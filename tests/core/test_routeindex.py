"""routeindex.py: a router tries only the routes a path can match, and answers exactly as Starlette's loop."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, Route, Router
from starlette.testclient import TestClient

from mockserver import routeindex
from mockserver.app import create_app
from mockserver.settings import Settings


def _endpoint(name: str) -> Any:
    async def endpoint(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{name} {dict(request.path_params)} {request.scope.get('root_path', '')}")
    return endpoint


def _router() -> Router:
    """Literal and parameter segments at every depth, mounts (nested and at the root), methods, a default."""
    inner = Router([Route("/users", _endpoint("inner users")), Route("/users/{id}", _endpoint("inner user")),
                    Route("/{kind}/list", _endpoint("inner list"), methods=["POST"])])
    return Router([
        Route("/tasks/list", _endpoint("tasks list"), methods=["POST"]),
        Route("/tasks/{id}", _endpoint("task")),
        Route("/tasks/{id}", _endpoint("task deleted"), methods=["DELETE"]),
        Route("/tasks", _endpoint("tasks")),
        Route("/{kind}/count", _endpoint("count")),
        Route("/users/", _endpoint("users slash")),
        Route("/files/{path:path}", _endpoint("file")),
        Route("/n/{number:int}", _endpoint("number")),
        Mount("/api/v2", app=inner),
        Mount("/api/v1", app=Router([Route("/users", _endpoint("v1 users"))])),
        Mount("/api", app=Router([Route("/users", _endpoint("api users"))])),
        Mount("/static", app=PlainTextResponse("static")),
        Mount("", app=Router([Route("/last", _endpoint("last"))])),
    ])


PATHS = ["/tasks/list", "/tasks/7", "/tasks", "/tasks/", "/tasks/7/", "/tasks/list/x", "/users/count", "/users",
         "/users/", "/files/a/b.txt", "/n/12", "/n/x", "/api/v2/users", "/api/v2/users/3", "/api/v2/tasks/list",
         "/api/v2/users/", "/api/v1/users", "/api/v3/users", "/api/users", "/api", "/api/", "/static/x.css",
         "/last", "/last/", "/nothing", "/", "", "/tasks//7", "/%7Bid%7D/count"]


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_an_indexed_router_answers_every_path_as_starlettes_loop(method: str) -> None:
    plain, indexed = _router(), _router()
    assert routeindex.index_routers([indexed]) == 5  # the router, its three mounted routers and its root mount
    _assert_same_answers(plain, indexed, method, PATHS)


def _assert_same_answers(plain: Router, indexed: Router, method: str, paths: list[str]) -> None:
    """Status, text and redirect of every path are the same from both routers."""
    with TestClient(plain) as before, TestClient(indexed) as after:
        for path in paths:
            expected = before.request(method, path, follow_redirects=False)
            found = after.request(method, path, follow_redirects=False)
            assert (found.status_code, found.text, found.headers.get("location")) == (
                expected.status_code, expected.text, expected.headers.get("location")), (method, path)


def test_only_the_routes_a_path_can_match_are_tried() -> None:
    router = _router()
    table = routeindex.RouteTable(router.routes)
    paths = {route.path for route in table.candidates("/tasks/list")}
    assert paths == {"/tasks/list", "/tasks/{id}", "/tasks", "/{kind}/count", ""}
    assert {route.path for route in table.candidates("/tasks/7")} == {"/tasks/{id}", "/tasks", "/{kind}/count", ""}
    assert {route.path for route in table.candidates("/api/v2/users")} == {"/api/v2", "/api", "/{kind}/count", ""}
    assert [route.path for route in table.candidates("/unknown/x")] == ["/{kind}/count", ""]
    for path, route in itertools.product(PATHS, router.routes):  # a route left out never matches the path
        if route not in table.candidates(path) and path.startswith("/"):
            assert route.matches({"type": "http", "path": path, "method": "GET"})[0] is Match.NONE, (path, route.path)


@pytest.mark.parametrize(("route", "prefix"), [
    (Route("/tasks/list", _endpoint("")), ("tasks", "list")),
    (Route("/tasks/{id}/finish", _endpoint("")), ("tasks",)),
    (Route("/tasks", _endpoint("")), ("tasks",)),
    (Route("/{kind}/list", _endpoint("")), ()),
    (Route("/a{b}/c", _endpoint("")), ()),
    (Route("/users/", _endpoint("")), ("users",)),
    (Mount("/api/v5", app=Router()), ("api", "v5")),
    (Mount("/api", app=Router()), ("api",)),
    (Mount("", app=Router()), ()),
])
def test_the_literal_prefix_of_a_route(route: Any, prefix: tuple[str, ...]) -> None:
    assert routeindex.literal_prefix(route) == prefix


def test_routes_added_after_indexing_are_found() -> None:
    router = _router()
    routeindex.index_routers([router])
    router.routes.insert(0, Route("/tasks/new", _endpoint("new")))
    with TestClient(router) as client:
        assert client.get("/tasks/new").text.startswith("new")
        assert client.get("/tasks/7").text.startswith("task ")


def test_a_mock_routes_through_route_tables() -> None:
    app = create_app(Settings(api="webknossos"))
    with TestClient(app) as client:
        stack = app.middleware.middleware_stack
        routers = list(routeindex.routers(stack))
        assert len(routers) >= 4  # Connexion's routing, its API routers, the operations' and the docs'
        assert all(isinstance(router.middleware_stack, routeindex.IndexedRouter) for router in routers)
        user = client.get("/api/v5/user", headers={"X-Auth-Token": app.backend.world.token("admin")})
        assert user.status_code == 200
        assert client.post("/api/v5/user").status_code == 405
        assert client.get("/api/v5/nothing/here").status_code == 404


def _mounts(shared_default: bool = True) -> Router:
    """The Swagger UI's shape: mounts whose routers share the outer default and begin every route literally."""
    async def default(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(f"default {scope['path']} {scope.get('root_path', '')}")(scope, receive, send)

    def inner() -> Router:
        return Router([Route("/openapi.json", _endpoint("spec")), Route("/ui/", _endpoint("ui")),
                       Route("/ui", _endpoint("ui bare")), Mount("/ui", app=PlainTextResponse("static"))],
                      default=default if shared_default else PlainTextResponse("inner default"))

    return Router([Mount("/api/v1", app=inner()), Mount("/api/v2", app=inner())], default=default)


MOUNTED_PATHS = ["/api/v1/openapi.json", "/api/v1/openapi.json/", "/api/v1/ui", "/api/v1/ui/", "/api/v1/ui/x.css",
                 "/api/v1/tasks", "/api/v1/tasks/", "/api/v1/tasks/7", "/api/v1", "/api/v1/", "/api/v2/ui/",
                 "/api/v3/x", "/other", "/", "/api/v1//ui"]


@pytest.mark.parametrize("shared_default", [True, False])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_path_beyond_every_mounted_route_goes_to_the_default_as_in_starlette(method: str,
                                                                               shared_default: bool) -> None:
    plain, indexed = _mounts(shared_default), _mounts(shared_default)
    routeindex.index_routers([indexed])
    _assert_same_answers(plain, indexed, method, MOUNTED_PATHS)


def test_only_mounts_sharing_the_default_are_skipped() -> None:
    table = routeindex.RouteTable(_mounts().routes, _mounts().default)
    assert table.mounted == ()  # another router's default (each _mounts() has its own): not known to miss
    router = _mounts()
    table = routeindex.RouteTable(router.routes, router.default)
    assert [mount.path for mount, _ in table.mounted] == ["/api/v1", "/api/v2"]
    assert table.beyond_every_route("/api/v1/tasks") is router.routes[0]
    assert table.beyond_every_route("/api/v2/") is router.routes[1]
    assert not any(table.beyond_every_route(path) for path in ("/api/v1/ui/x.css", "/api/v1/openapi.json/",
                                                              "/api/v1", "/api/v3/x", "/other"))
    unshared = _mounts(shared_default=False)
    assert routeindex.RouteTable(unshared.routes, unshared.default).mounted == ()
