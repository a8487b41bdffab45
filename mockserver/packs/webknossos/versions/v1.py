"""v1: before the ``visibility`` enum (annotations carry ``isPublic``)."""

from __future__ import annotations

from mockserver.packs.webknossos.versions.base import JSON
from mockserver.packs.webknossos.versions.v2 import V2


class V1(V2):
    """v1: annotations carry ``isPublic`` (true iff visibility is Public) instead of ``visibility``."""

    name = "v1"

    def annotation(self, data: JSON) -> JSON:
        return self._visibility_to_flag(super().annotation(data))

    def annotation_compact(self, data: JSON) -> JSON:
        return self._visibility_to_flag(super().annotation_compact(data))

    @staticmethod
    def _visibility_to_flag(data: JSON) -> JSON:
        rewritten = {k: v for k, v in data.items() if k != "visibility"}
        rewritten["isPublic"] = data.get("visibility") == "Public"
        return rewritten

    def annotation_edit(self, body: JSON) -> JSON:
        rewritten = {k: v for k, v in body.items() if k != "isPublic"}
        if "isPublic" in body:
            rewritten["visibility"] = "Public" if body["isPublic"] else "Internal"
        return rewritten
