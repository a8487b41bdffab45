"""Flows of the multi-session mode (``start-multi-session`` / ``serve --mode multi-session``): who sends each
request matters, so a step names its browser (one cookie jar per browser and server; ``None``: a client that keeps
no cookie). ``Remember`` notes the UUID of a browser's current project; a path may then name it (``{first}``)."""

from __future__ import annotations

import dataclasses
from typing import Any

from differential_tests.labelstudio.flows import Raw


@dataclasses.dataclass(frozen=True)
class Remember:
    """Note the UUID of ``browser``'s current project as ``name`` (read from ``GET /api/project``; not compared)."""

    name: str
    browser: str


SessionStep = tuple[str, str | None, str, str, Any] | Remember
"""(label, browser, method, path, body) or ``Remember``."""

POLYGON = [{"from_name": "label", "to_name": "image", "type": "polygonlabels",
            "value": {"points": [[1, 1], [20, 1], [20, 20]], "polygonlabels": ["Car"]}}]
UNKNOWN = "0d4d4b4e-1c1c-4c1c-8c1c-1c1c1c1c1c1c"

SESSION_FLOWS: dict[str, list[SessionStep]] = {
    "multi-session": [
        ("a first request", "alice", "GET", "/api/health", None),
        ("alice's fresh project", "alice", "GET", "/api/project", None),
        ("alice imports", "alice", "POST", "/api/project/import", [{"image": "a.jpg"}, {"image": "b.jpg"}]),
        ("alice's tasks", "alice", "GET", "/api/tasks", None),
        ("bob's tasks are his own", "bob", "GET", "/api/tasks", None),
        ("bob's project", "bob", "GET", "/api/project", None),
        ("bob imports one", "bob", "POST", "/api/project/import", [{"image": "c.jpg"}]),
        ("bob's next", "bob", "GET", "/api/project/next", None),
        Remember("first", "alice"),
        ("alice makes a project", "alice", "POST", "/api/project?new=1&desc=Second", None),
        ("alice's new project has no tasks", "alice", "GET", "/api/tasks", None),
        ("alice's new project", "alice", "GET", "/api/project", None),
        ("a later browser's project takes that description", "carol", "GET", "/api/project", None),
        Remember("second", "alice"),
        ("alice switches back by form", "alice", "POST", "/api/project-switch?uuid={first}", None),
        ("alice's first project again", "alice", "GET", "/api/tasks", None),
        ("alice switches by link", "alice", "GET", "/api/project-switch?uuid={second}", None),
        ("on the second project", "alice", "GET", "/api/project", None),
        ("alice switches to her own project once more", "alice", "GET", "/api/project-switch?uuid={first}", None),
        ("bob opens alice's project", "bob", "POST", "/api/project-switch?uuid={first}", None),
        ("bob sees alice's tasks", "bob", "GET", "/api/tasks", None),
        ("bob completes one of them", "bob", "POST", "/api/tasks/0/completions", {"result": POLYGON}),
        ("bob's shared project", "bob", "GET", "/api/project", None),
        ("alice sees bob's completion", "alice", "GET", "/api/tasks/0", None),
        ("alice's completion ids", "alice", "GET", "/api/completions", None),
        ("GET of the deprecated delete-all route", "alice", "GET", "/api/project/completions", None),
        ("alice makes a project without a description", "alice", "POST", "/api/project?new=1", None),
        ("a later browser's project is described by default again", "erin", "GET", "/api/project", None),
        ("switch without a uuid", "erin", "GET", "/api/project-switch", None),
        ("switch by form without a uuid", "erin", "POST", "/api/project-switch", None),
        ("a project without new", "erin", "POST", "/api/project", None),
        ("new=0 is new too", "erin", "POST", "/api/project?new=0&desc=zero", None),
        ("a client without cookies imports", None, "POST", "/api/project/import", [{"image": "d.jpg"}]),
        ("and finds another project, empty", None, "GET", "/api/tasks", None),
        ("dave switches to a project nobody made", "dave", "POST", f"/api/project-switch?uuid={UNKNOWN}", None),
        ("dave's health", "dave", "GET", "/api/health", None),
        ("dave's project", "dave", "GET", "/api/project", None),
        ("dave's tasks with arguments", "dave", "GET", "/api/tasks?page=2", None),
        ("dave's import", "dave", "POST", "/api/project/import", [{"image": "e.jpg"}]),
        ("dave's malformed import", "dave", "POST", "/api/project/import", Raw(b"{bad", "application/json")),
        ("a page in a poisoned session", "dave", "GET", "/version", None),
        ("dave switches back by link", "dave", "GET", "/api/project-switch?uuid={first}", None),
        ("bob deletes alice's tasks", "bob", "DELETE", "/api/tasks", None),
        ("alice's first project is empty", "alice", "GET", "/api/project-switch?uuid={first}", None),
        ("alice's tasks after bob's delete", "alice", "GET", "/api/tasks", None),
    ],
}
