"""The schemathesis configuration of a contract run, as the dict its config file would hold.

Every check is on (schemathesis' own and the domain checks). The few operation-specific settings
below encode documented behaviour of the real server that schemathesis' defaults would call a
failure; each names its reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockserver.contract.discovery import Facts
from mockserver.contract.options import PHASES, ContractOptions
from mockserver.contract.policy import Policy, policy_of

POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

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


def schemathesis_config(options: ContractOptions, labels: list[str], facts: Facts, junit: Path) -> dict[str, Any]:
    """The configuration of one run over the operations ``labels``; the JUnit report goes to ``junit``."""
    config: dict[str, Any] = {
        "parameters": facts.parameters(),
        "base-url": options.api_url,
        "headers": {"X-Auth-Token": options.token} if options.token else {},
        "workers": options.workers,
        "cache": {"enabled": False},
        "generation": {"max-examples": options.max_examples, "database": "none"},
        "phases": {phase: {"enabled": phase in options.phases} for phase in PHASES},
        "operations": [operation for label in labels if (operation := _operation_config(label))],
    }
    # Undeclared methods are sent only when writes are allowed, and then only TRACE (safe by RFC 9110).
    config["phases"]["coverage"]["unexpected-methods"] = ["TRACE"] if options.allow_writes else []
    # The stateful phase follows the links written into the specs (not links schemathesis guesses) with
    # valid data, so that sequences go deep (invalid data is the unit phases' job), and runs many more
    # short scenarios than an operation gets examples: writes to existing resources are tested there only.
    config["phases"]["stateful"]["inference"] = {"algorithms": []}
    config["phases"]["stateful"]["generation"] = {"mode": "positive",
                                                  "max-examples": max(100, 20 * options.max_examples)}
    if options.max_time:
        config["max-time"] = options.max_time
    if options.seed is not None:
        config["seed"] = options.seed
    config["reports"] = _reports(options, junit)
    return config


def _operation_config(label: str) -> dict[str, Any] | None:
    method, path = label.split(" ", 1)
    config: dict[str, Any] = {}
    if policy_of(method, path) is Policy.ON_CREATED:
        # Changes an existing resource: only in the stateful phase, whose links name what this run created.
        config["phases"] = {phase: {"enabled": False} for phase in ("examples", "coverage", "fuzzing")}
    checks: dict[str, Any] = {}
    if label in SEMANTIC_400:
        checks["positive_data_acceptance"] = {"expected-statuses": [*POSITIVE_STATUSES, "400"]}
    if path.startswith("/annotations/"):
        # DELETE on an annotation cancels a task annotation and leaves an explorational as it is (real
        # server); neither is gone afterwards, so "deleted resource still available" does not apply.
        checks["use_after_free"] = {"enabled": False}
    if path.startswith("/tasks/{id}"):
        # Deleting a project deletes its tasks: a task created in a scenario may be gone because a
        # sibling step deleted its project, which "created resource not found" cannot see.
        checks["ensure_resource_availability"] = {"enabled": False}
    if checks:
        config["checks"] = checks
    return {"include-name": label, **config} if config else None


def _reports(options: ContractOptions, junit: Path) -> dict[str, Any]:
    directory = options.report_dir
    reports: dict[str, Any] = {"directory": str(directory), "junit": {"enabled": True, "path": str(junit)}}
    if "html" in options.reports:
        reports["html"] = {"enabled": True, "path": str(directory / "html")}
    return reports
