"""The schemathesis configuration of a contract run, as the dict its config file would hold.

Every check is on (schemathesis' own and the pack's domain checks). Operation-specific settings come
from the pack (``ContractProfile.operation_config``): documented behaviour of the real server that
schemathesis' defaults would call a failure, each with its reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mockserver.contract.options import PHASES, ContractOptions
from mockserver.contract.policy import Policy, policy_of
from mockserver.contract.profile import ContractProfile, Discovery

POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

def schemathesis_config(options: ContractOptions, profile: ContractProfile, labels: list[str], facts: Discovery,
                        junit: Path) -> dict[str, Any]:
    """The configuration of one run over the operations ``labels``; the JUnit report goes to ``junit``."""
    config: dict[str, Any] = {
        "parameters": facts.parameters(),
        "base-url": options.api_url,
        "headers": {options.pack.auth_header: options.token} if options.token else {},
        "workers": options.workers,
        "cache": {"enabled": False},
        "generation": {"max-examples": options.max_examples, "database": "none"},
        "phases": {phase: {"enabled": phase in options.phases} for phase in PHASES},
        "operations": [operation for label in labels if (operation := _operation_config(profile, label))],
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


def _operation_config(profile: ContractProfile, label: str) -> dict[str, Any] | None:
    method, path = label.split(" ", 1)
    config: dict[str, Any] = dict(profile.operation_config(label))
    if policy_of(profile.policies, method, path) is Policy.ON_CREATED:
        # Changes an existing resource: only in the stateful phase, whose links name what this run created.
        config["phases"] = {phase: {"enabled": False} for phase in ("examples", "coverage", "fuzzing")}
    return {"include-name": label, **config} if config else None


def _reports(options: ContractOptions, junit: Path) -> dict[str, Any]:
    directory = options.report_dir
    reports: dict[str, Any] = {"directory": str(directory), "junit": {"enabled": True, "path": str(junit)}}
    if "html" in options.reports:
        reports["html"] = {"enabled": True, "path": str(directory / "html")}
    return reports
