"""Real ids of the deployment, read before a run (GET only), put into the cases that address one record.

Generated ids never exist, so every ``GET /<resource>/{resource_id}`` would only ever see 404: the first
record of each index the token's user sees is used instead.
"""

from __future__ import annotations

from typing import Any

import httpx

from mockserver.contract.guard import Guard

RESOURCES = ("projects", "project_members", "datasets", "entries", "annotations", "note_feeds", "note_comments",
             "label_config_templates", "entry_stats")


class Discovered:
    """One real id per resource (as the core's ``Discovery``)."""

    def __init__(self, ids: dict[str, str]) -> None:
        self.ids = ids

    def parameters(self) -> dict[str, str]:
        return {}

    def fixup(self, case: Any) -> None:
        """A positive case addressing one record gets a real id of its resource."""
        if not isinstance(case.path_parameters, dict) or "resource_id" not in case.path_parameters:
            return
        resource = case.path.strip("/").split("/")[0]
        if resource in self.ids:
            case.path_parameters["resource_id"] = self.ids[resource]


def _first_id(client: httpx.Client, guard: Guard, resource: str) -> str | None:
    path = f"/{resource}"
    guard.admit("GET", path, {})
    try:
        response = client.get(path, params={"page[size]": "1"})
    except httpx.HTTPError:
        return None
    data = response.json().get("data") if response.status_code == 200 else None
    return str(data[0]["id"]) if isinstance(data, list) and data and isinstance(data[0], dict) else None


def discover(client: httpx.Client, guard: Guard, writes: bool) -> Discovered:
    found = {resource: _first_id(client, guard, resource) for resource in RESOURCES}
    return Discovered({resource: value for resource, value in found.items() if value})
