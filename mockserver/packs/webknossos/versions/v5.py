"""v5, the latest version: the views' shapes unchanged."""

from __future__ import annotations

from mockserver.packs.webknossos.versions.base import Adapter


class V5(Adapter):
    """Annotation layers (``annotationLayers``), list body of createExplorational, projects by id."""

    name = "v5"
