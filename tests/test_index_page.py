"""The index page: browsers at the server, API and version URLs get HTML; API clients keep their 404."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mockserver.app import MockApp
from mockserver.index_page import ApiVersion, IndexPage, render, wants_html
from mockserver.packs.webknossos.versions import ADAPTERS

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
NOT_FOUND = {"messages": [{"error": "Couldn't find the requested resource."}]}


@pytest.mark.parametrize("path", ["/", "/api", "/api/", "/api/v5", "/api/v1/"])
def test_browsers_get_the_index_page(client: TestClient, app: MockApp, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    for version in ADAPTERS:
        assert f'href="/api/{version}/ui/"' in page and f'href="/api/{version}/openapi.json"' in page
    assert 'href="/__admin/ui/"' in page
    for user in app.backend.world.known_users:
        assert f"<td>{user.role}</td><td>{user.email}</td>" in page
        assert user.token not in page


@pytest.mark.parametrize("path", ["/", "/api", "/api/v5"])
@pytest.mark.parametrize("accept", [None, "application/json", "*/*", "text/html;q=0"])
def test_api_clients_keep_the_json_404(client: TestClient, path: str, accept: str | None) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_only_get_and_only_the_index_paths(client: TestClient) -> None:
    assert client.post("/api", headers={"Accept": BROWSER}).json() == NOT_FOUND
    assert client.get("/api/v9", headers={"Accept": BROWSER}).json()["messages"][0]["error"].startswith(
        "This WEBKNOSSOS instance does not yet support this API version.")
    assert client.get("/api/v5/user", headers={"Accept": BROWSER}).status_code == 401


@pytest.mark.parametrize(("accept", "html"), [
    (BROWSER, True), ("text/html", True), ("TEXT/HTML; q=0.5", True), ("application/json, text/html;q=0.1", True),
    ("text/html;q=0", False), ("text/html;q=x", False), ("*/*", False), ("application/json", False), ("", False),
])
def test_wants_html(accept: str, html: bool) -> None:
    assert wants_html(accept) is html


def test_render_escapes_the_content() -> None:
    page = IndexPage(title="<b>API</b>", api_path="/api", versions=(ApiVersion("v1", "/api/v1", "a & b"),),
                     admin_path="/__admin/ui/", auth_header="X-<Key>", users=(("user", "<x>@example.org"),))
    html = render(page)
    assert "<title>&lt;b&gt;API&lt;/b&gt;</title>" in html and "(a &amp; b)" in html
    assert "&lt;x&gt;@example.org" in html and "X-&lt;Key&gt;" in html and page.paths == {"/", "/api", "/api/v1"}
