"""v4: before annotation layers (``tracing: {skeleton, volume}``)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos.errors import BadRequest
from mockserver.packs.webknossos.versions.base import JSON
from mockserver.packs.webknossos.versions.v5 import V5


class V4(V5):
    """v4: annotation JSON has ``tracing: {skeleton, volume}`` instead of ``annotationLayers``."""

    name = "v4"

    def annotation(self, data: JSON) -> JSON:
        return self._layers_to_tracing(data)

    def annotation_compact(self, data: JSON) -> JSON:
        return self._layers_to_tracing(data)

    @staticmethod
    def _layers_to_tracing(data: JSON) -> JSON:
        layers = data.get("annotationLayers", [])
        tracing: JSON = {}
        for typ, key in (("Skeleton", "skeleton"), ("Volume", "volume")):
            ids = [layer["tracingId"] for layer in layers if layer["typ"] == typ]
            if len(ids) > 1:
                raise BadRequest(
                    f"A requested annotation has more than one {key} layer and cannot be served using the legacy "
                    "api, please use api version v5 or newer")
            tracing[key] = ids[0] if ids else None
        rewritten = {k: v for k, v in data.items() if k != "annotationLayers"}
        rewritten["tracing"] = tracing
        return rewritten

    def explorational_layers(self, body: Any) -> list[JSON]:
        """v1–v4 send one object ``{typ: skeleton|volume|hybrid, fallbackLayerName?, resolutionRestrictions?}``."""
        typ = str(body.get("typ", ""))
        extra = {k: body[k] for k in ("fallbackLayerName", "resolutionRestrictions") if k in body}
        layers: list[JSON] = []
        if typ != "volume":
            layers.append({"typ": "Skeleton", "name": "Skeleton", **extra})
        if typ != "skeleton":
            layers.append({"typ": "Volume", "name": "Volume", **extra})
        return layers
