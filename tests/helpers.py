"""Helpers shared by test modules that address the world per API version."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r


class VersionRefs:
    """How a version addresses things: the ``timestamp`` query (v3 on) and a project (by name in v1–v3)."""

    version: str
    project: r.Project

    @property
    def ts(self) -> dict[str, Any]:
        return {} if self.version in ("v1", "v2") else {"timestamp": 1}

    @property
    def project_ref(self) -> str:
        return self.project.name if self.version in ("v1", "v2", "v3") else self.project.id
