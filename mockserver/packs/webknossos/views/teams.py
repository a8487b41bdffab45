"""Team shape (reference §7.3)."""

from __future__ import annotations

from typing import Any

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.views.users import organization_name
from mockserver.store import Store


def team(store: Store, record: r.Team) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "organization": organization_name(store, record.organization_id)}
