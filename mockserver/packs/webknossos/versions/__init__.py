"""API version adapters, one registry entry per mounted version.

Adding a version: write ``spec/webknossos/vN/openapi.yaml``, add ``versions/vN.py`` with an adapter
(the new latest subclasses ``Adapter``; the previous latest then overrides what changed) and one line
in ``ADAPTERS``. The unversioned ``/api`` serves ``LATEST``.
"""

from __future__ import annotations

from mockserver.packs.webknossos.versions.base import Adapter
from mockserver.packs.webknossos.versions.v1 import V1
from mockserver.packs.webknossos.versions.v2 import V2
from mockserver.packs.webknossos.versions.v3 import V3
from mockserver.packs.webknossos.versions.v4 import V4
from mockserver.packs.webknossos.versions.v5 import V5

ADAPTERS: dict[str, Adapter] = {"v1": V1(), "v2": V2(), "v3": V3(), "v4": V4(), "v5": V5()}
LATEST = "v5"

__all__ = ["ADAPTERS", "LATEST", "Adapter"]
