"""What every Cytomine handler shares: query arguments, booleans in any case, bodies, single and bulk writes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion import request
from starlette.responses import Response

from mockserver.errors import HttpError
from mockserver.packs.cytomine.api import Cytomine
from mockserver.packs.cytomine.errors import BadRequest, DomainError
from mockserver.packs.cytomine.listing import collection
from mockserver.responses import json_response

TRUE = frozenset({"true", "1", "yes"})
LONG = 2**63
"""Ids are Java longs."""


def query_args() -> dict[str, str]:
    return {key: value for key, value in request.query_params.items()}


def flag(value: Any) -> bool:
    """A query boolean as the client sends it (``True``/``False``, Python's spelling) or as JSON has it."""
    return value is True or (isinstance(value, str) and value.strip().lower() in TRUE)


def ids(value: Any) -> list[int]:
    """A comma list of ids (``images=1,2``); anything else is a 400."""
    if value is None or value == "":
        return []
    try:
        found = [int(part) for part in str(value).split(",") if part.strip()]
    except ValueError as exc:
        raise BadRequest(f"Bad id list: {value}") from exc
    if any(not -LONG <= number < LONG for number in found):
        raise BadRequest(f"Bad id list: {value}")
    return found


def listed(items: list[dict[str, Any]], max: int | None = None, offset: int | None = None, sort: str | None = None,
           order: str | None = None) -> Response:
    return json_response(collection(items, query_args(), max=max, offset=offset, sort=sort, order=order))


def an_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The body cannot be parsed, is the body content in the good format?")
    return body


def text_field(body: dict[str, Any], key: str, domain: str, *, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(f"{domain}.{key} cannot be null")
        return None
    if not isinstance(value, str):
        raise DomainError(f"{domain}.{key} must be a string")
    return value


def id_field(body: dict[str, Any], key: str, domain: str, *, required: bool = True) -> int | None:
    value = body.get(key)
    if isinstance(value, dict):  # a nested object, as some clients send
        value = value.get("id")
    if value is None or value == "":
        if required:
            raise DomainError(f"{domain}.{key} cannot be null")
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).lstrip("-").isdigit() \
            or not -LONG <= int(value) < LONG:
        raise DomainError(f"{domain}.{key} is not a valid id: {value}")
    return int(value)


def bool_field(body: dict[str, Any], key: str, current: bool) -> bool:
    value = body.get(key, current)
    return flag(value) if isinstance(value, str) else bool(value) if value is not None else current


def echoed(value: Any) -> Any:
    """A request's JSON as an answer may echo it: integers beyond 64 bits (which JSON allows) as text."""
    if isinstance(value, dict):
        return {key: echoed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [echoed(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and not -LONG <= value < LONG:
        return str(value)
    return value


def create(cy: Cytomine, body: Any, one: Callable[[dict[str, Any]], dict[str, Any]], plural: str) -> Response:
    """A create route: one object answers its command envelope; a JSON array creates each (bulk)."""
    if not isinstance(body, list):
        with cy.store.transaction():
            return json_response(one(an_object(body)))
    saved: list[str] = []
    errors: list[dict[str, Any]] = []
    for item in body:
        try:
            with cy.store.transaction():
                envelope = one(an_object(item))
        except HttpError as exc:
            errors.append({"data": echoed(item), "message": exc.detail})
            continue
        saved.append(str(next(v["id"] for v in envelope.values() if isinstance(v, dict) and "id" in v)))
    if not saved and errors:
        return json_response({"data": {"success": False, "message": "No entry saved", "errors": errors},
                              "status": 400}, status=400)
    data: dict[str, Any] = {"message": f"{plural} {','.join(saved)} added"}
    if errors:
        data |= {"success": False, "errors": errors}
    return json_response({"data": data, "status": 200})
