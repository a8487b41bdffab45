"""``/api/project/storage-settings``: the storage forms (WTForms, as the real server serialises them) and their
POST. The project's storages are the local ones (``tasks-json``, ``completions-dir``); a valid cloud form fails
as a real server without cloud credentials fails (400 ``Error while storage update: …``)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from starlette.responses import Response

from mockserver.packs.labelstudio.api import LabelStudio, jsonify_response, query_args
from mockserver.packs.labelstudio.errors import Crash, JsonError

CURRENT = {"source": "tasks-json", "target": "completions-dir"}
REQUIRED = "This field is required."


@dataclasses.dataclass(frozen=True)
class Form:
    """What validating a storage form needs: its required ``path``, its ``regex`` check, the update's failure."""

    path: bool = True
    regex: bool = False
    failure: str | None = None
    """The text of a valid form's update (None: the update works)."""


GCS_CREDENTIALS = ("Could not automatically determine credentials. Please set GOOGLE_APPLICATION_CREDENTIALS or "
                   "explicitly create credentials and re-run the application. For more information, please see "
                   "https://cloud.google.com/docs/authentication/getting-started")
FORMS = {
    "tasks-json": Form(path=False), "completions-dir": Form(path=False),
    "s3": Form(regex=True, failure="Unable to locate credentials"),
    "s3-completions": Form(failure="Unable to locate credentials"),
    "gcs": Form(regex=True, failure=GCS_CREDENTIALS), "gcs-completions": Form(failure=GCS_CREDENTIALS),
}
"""Storage type → its form (``get_storage_form``); another type is the real ``KeyError``. The real registry also
has ``json`` and ``dir-jsons``, which the mock does not offer."""


async def storage_settings(ls: LabelStudio) -> Response:
    """Every storage form of both sides: ``current``, ``description``, ``fields`` (the current one's empty),
    ``path`` (the side's readable path) and ``type``; ``data_key`` fields hold the config's first data key."""
    directory = ls.project().directory
    paths = {"source": f"{directory}/tasks.json", "target": f"{directory}/completions"}
    data_key = next(iter(ls.config().data_types), None)
    forms = json.loads((ls.backend.pack.fixtures / "storage-forms.json").read_text(encoding="utf-8"))
    shown: dict[str, dict[str, Any]] = {}
    for side, by_type in forms.items():
        shown[side] = {name: {"current": name == CURRENT[side], "description": form["description"],
                              "fields": [_filled(field, data_key) for field in form["fields"]],
                              "path": paths[side], "type": name}
                       for name, form in by_type.items()}
    return jsonify_response(shown)


def _filled(field: dict[str, Any], data_key: str | None) -> dict[str, Any]:
    return {**field, "data": data_key} if field["name"] == "data_key" and data_key else field


async def update_storage(ls: LabelStudio, storage_for: str | None = None, type_: str | None = None,
                         body: Any = None) -> Response:
    """The form of ``type`` (default: the side's current type) validated on the JSON body: 400 ``{"errors":
    {field: [texts]}}``; a ``regex`` that is not a string is the real ``TypeError`` (500); a valid local form
    needs ``type`` in the body (201 ``{"result": "ok"}``; the side's entry in the project's ``config`` is rewritten
    without its path), a valid cloud form fails to connect."""
    chosen = type_ or CURRENT.get(storage_for or "", "")
    if chosen not in FORMS:
        raise Crash(repr(chosen), query_args(), "KeyError")
    form, data = FORMS[chosen], body if isinstance(body, dict) else {}
    errors: dict[str, list[str]] = {}
    if form.path and not data.get("path"):
        errors["path"] = [REQUIRED]
    if form.regex:  # a non-empty JSON body is the form data (a missing field is ""); else the fields are None
        errors |= _regex_errors(data.get("regex", "" if data else None))
    if errors:
        raise JsonError({"errors": errors}, 400)
    if form.failure is not None:
        raise JsonError({"detail": f"Error while storage update: {form.failure}"}, 400)
    if not isinstance(body, dict):
        raise Crash("'NoneType' object is not subscriptable", query_args(), "TypeError")
    if "type" not in body:
        raise Crash("'type'", query_args(), "KeyError")
    if storage_for in CURRENT and body["type"] == CURRENT[storage_for]:
        with ls.store.transaction():
            project = ls.project()
            ls.store.update(project, saved_storages={**(project.saved_storages or {}), storage_for: body["type"]})
    return jsonify_response({"result": "ok"}, status=201)


def _regex_errors(regex: Any) -> dict[str, list[str]]:
    if not isinstance(regex, str):
        raise Crash("first argument must be string or compiled pattern", query_args(), "TypeError")
    try:
        re.compile(regex)
    except re.error:
        return {"regex": [f"{regex} is not a valid regular expression"]}
    return {}
