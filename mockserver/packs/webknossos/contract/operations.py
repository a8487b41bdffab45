"""WEBKNOSSOS-specific settings of a contract run's operations: documented 400s and checks that do not apply."""

from __future__ import annotations

from typing import Any

from mockserver.contract.settings import POSITIVE_STATUSES

SEMANTIC_400: dict[str, str] = {
    "GET /datasets/{organizationName}/{dataSetName}":
        "an unknown organization gives 400 `Organization X could not be found` (real server)",
    "GET /datasets/{organizationName}/{dataSetName}/isValidNewName": "a taken or malformed name gives 400",
    "POST /annotations/upload": "the file parts must hold NML or ZIP content of an accessible dataset",
    "POST /tasks/createFromFiles": "the file parts must hold NML or ZIP content of an accessible dataset",
    "POST /teams": "a taken name gives 400 (not 409)",
    "POST /datasets/{organizationName}/{dataSetName}/createExplorational":
        "two layers with the same name give 400 `Annotation layer names must be unique` (JSON Schema cannot say it)",
    "PUT /tasks/{id}": "a negative instance count gives 400 (the spec admits any int32, as the server's parser)",
    "POST /tasks/{id}/assign": "a task without pending instances gives 400 `There is currently no task available`",
    "PATCH /annotations/{typ}/{id}/finish": "finishing an annotation that is not active gives 400",
    "PATCH /annotations/{typ}/{id}/reopen": "reopening an unfinished annotation (or too late) gives 400",
    "PUT /annotations/{typ}/{id}/reset": "resetting anything but a task annotation gives 400",
    **dict.fromkeys(["GET /annotations/{id}/info", "GET /annotations/{typ}/{id}/info", "GET /annotations/{id}/download",
                     "GET /annotations/{typ}/{id}/download"],
                    "a cancelled annotation gives 400 `This annotation is marked as cancelled and cannot be viewed`"),
    "PATCH /annotations/{typ}/{id}/edit":
        "mock deviation (documented on the operation): integers beyond 64 bits in viewConfiguration give 400",
}
"""Operations whose schema-valid requests may get 400 for a documented reason (state, conflict, content)."""

RUN_ENCODED_FILES = frozenset({"POST /annotations/upload", "POST /tasks/createFromFiles"})
"""Operations whose positive cases carry an NML the run encodes itself (discovery's fixups): schemathesis takes
such an already encoded body for one that violates the form's schema, so a 2xx to it is no accepted violation."""



def operation_config(label: str) -> dict[str, Any]:
    """schemathesis settings of one operation (``"METHOD /path"``), each with the real server's reason."""
    _, path = label.split(" ", 1)
    checks: dict[str, Any] = {}
    if label in SEMANTIC_400:
        checks["positive_data_acceptance"] = {"expected-statuses": [*POSITIVE_STATUSES, "400"]}
    if label in RUN_ENCODED_FILES:
        checks["negative_data_rejection"] = {"enabled": False}
    if path.startswith("/annotations/"):
        # DELETE on an annotation cancels a task annotation and leaves an explorational as it is (real
        # server); neither is gone afterwards, so "deleted resource still available" does not apply.
        checks["use_after_free"] = {"enabled": False}
    if path.startswith("/tasks/{id}"):
        # Deleting a project deletes its tasks: a task created in a scenario may be gone because a
        # sibling step deleted its project, which "created resource not found" cannot see.
        checks["ensure_resource_availability"] = {"enabled": False}
    return {"checks": checks} if checks else {}
