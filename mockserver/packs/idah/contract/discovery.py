"""Real ids of the deployment, read before a run (GET only), put into the cases that address one record.

Generated ids never exist, so every ``GET /<resource>/{resource_id}`` would only ever see 404: the first
record of each index the token's user sees is used instead. Creates (write runs) get the caller's organisation
(from the token's claims) and a name of the run's own.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import httpx
import orjson

from mockserver.contract.guard import Guard

RESOURCES = ("projects", "project_members", "datasets", "entries", "annotations", "note_feeds", "note_comments",
             "label_config_templates", "entry_stats")


class Discovered:
    """One real id per resource and the caller's organisation (as the core's ``Discovery``)."""

    def __init__(self, ids: dict[str, str], organization: int | None = None) -> None:
        self.ids, self.organization = ids, organization

    def parameters(self) -> dict[str, str]:
        return {}

    def fixup(self, case: Any) -> None:
        """A positive case addressing one record gets a real id of its resource; a create the caller's
        organisation and a fresh name."""
        if case.method.upper() == "POST" and case.path in CREATES:
            self._own(case)
        if case.method.upper() != "GET" or not isinstance(case.path_parameters, dict):
            return  # writes address what the run created (the stateful phase's links)
        if "resource_id" not in case.path_parameters or _phase(case) == "stateful":
            return  # the stateful phase reads what a link named
        resource = case.path.strip("/").split("/")[0]
        if resource in self.ids:
            case.path_parameters["resource_id"] = self.ids[resource]

    def _own(self, case: Any) -> None:
        attributes = _attributes_of(case)
        if attributes is None:
            return
        case.body["data"].pop("id", None)  # the server's UUIDv7 (a cleanup addresses it safely)
        attributes.pop("id", None)
        attributes["name"] = f"contract_{secrets.token_hex(6)}"
        if self.organization is not None:
            attributes["organization_id"] = self.organization


CREATES = frozenset({"/projects", "/label_config_templates"})


def _phase(case: Any) -> str:
    return str(getattr(getattr(getattr(case, "meta", None), "phase", None), "name", ""))


def _attributes_of(case: Any) -> dict[str, Any] | None:
    data = case.body.get("data") if isinstance(case.body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    return attributes if isinstance(attributes, dict) else None


def _organization(client: httpx.Client) -> int | None:
    """The first organisation of the token's claims (``s.organization_ids``), read without verifying."""
    parts = str(client.headers.get("Authorization", "")).removeprefix("Bearer ").split(".")
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return int(claims["s"]["organization_ids"][0])
    except (IndexError, KeyError, TypeError, ValueError, orjson.JSONDecodeError):
        return None


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
    return Discovered({resource: value for resource, value in found.items() if value}, _organization(client))
