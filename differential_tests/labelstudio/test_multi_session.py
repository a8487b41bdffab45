"""Multi-session mode against the real ``label-studio start-multi-session``: one cookie jar per browser and server,
every exchange compared as in ``test_differential.py``, after naming each project and user UUID by the order in
which the server first showed it (the real server's random UUIDs and the mock's then compare as equal exactly when
they play the same part)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx

from differential_tests.labelstudio.conftest import Servers
from differential_tests.labelstudio.session_flows import SESSION_FLOWS, Remember, SessionStep
from differential_tests.labelstudio.test_differential import Comparison, send, shape
from mockserver.packs.labelstudio.world import SESSIONS_ROOT

UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Side:
    """One server as the flows see it: a cookie jar per browser, the UUIDs it showed, the projects remembered."""

    def __init__(self, base: str, root: str) -> None:
        self.base, self.root = base, root
        self.browsers: dict[str, httpx.Client] = {}
        self.uuids: dict[bytes, bytes] = {}
        self.remembered: dict[str, str] = {}

    def client(self, browser: str | None) -> httpx.Client:
        if browser is None:
            return httpx.Client(timeout=30)  # a new one per request: it never sends a cookie
        if browser not in self.browsers:
            self.browsers[browser] = httpx.Client(timeout=30)
        return self.browsers[browser]

    def send(self, browser: str | None, method: str, path: str, body: Any) -> dict[str, Any]:
        client = self.client(browser)
        response = send(client, self.base, method, path.format(**self.remembered), body)
        if browser is None:
            client.close()
        named = UUID.sub(self._name, response.content)
        return shape(httpx.Response(response.status_code, headers=response.headers, content=named), self.root)

    def remember(self, step: Remember) -> None:
        project = self.client(step.browser).get(f"{self.base}/api/project").json()
        self.remembered[step.name] = project["project_name"].split("/")[1]

    def _name(self, match: re.Match[bytes]) -> bytes:
        if match.group(0) == UNKNOWN_BYTES:
            return match.group(0)
        return self.uuids.setdefault(match.group(0), f"uuid-{len(self.uuids) + 1}".encode())

    def close(self) -> None:
        for client in self.browsers.values():
            client.close()


UNKNOWN_BYTES = b"0d4d4b4e-1c1c-4c1c-8c1c-1c1c1c1c1c1c"


@contextlib.contextmanager
def sides(servers: Servers) -> Iterator[tuple[Side, Side]]:
    real, mock = Side(servers.real, servers.real_dir), Side(servers.mock, SESSIONS_ROOT)
    try:
        yield real, mock
    finally:
        real.close()
        mock.close()


def run(servers: Servers, flows: dict[str, list[SessionStep]]) -> None:
    comparison = Comparison(list(flows))
    with sides(servers) as (real, mock):
        for flow, steps in flows.items():
            for step in steps:
                if isinstance(step, Remember):
                    real.remember(step)
                    mock.remember(step)
                    continue
                label, browser, method, path, body = step
                comparison.add(f"{flow}: {label}", f"{browser}: {method} {path}",
                               real.send(browser, method, path, body), mock.send(browser, method, path, body))
    comparison.finish()


def test_multi_session_mode_as_the_real_server(multi_session_servers: Servers) -> None:
    run(multi_session_servers, SESSION_FLOWS)
