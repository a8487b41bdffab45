"""Contract checks of a WEBKNOSSOS deployment against the specs, built on schemathesis."""

from __future__ import annotations

from mockserver.contract.options import ContractOptions
from mockserver.contract.runner import run_contract

__all__ = ["ContractOptions", "run_contract"]
