"""Team shape (reference §7.3)."""

from __future__ import annotations

from typing import Any

from mockserver import records as r
from mockserver.store import Store
from mockserver.views.users import organization_name


def team(store: Store, record: r.Team) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "organization": organization_name(store, record.organization_id)}
