"""v2: before info and finish required a ``timestamp``."""

from __future__ import annotations

from mockserver.packs.webknossos.versions.v3 import V3


class V2(V3):
    """v2: info and finish take no ``timestamp`` (a difference of the spec only)."""

    name = "v2"
