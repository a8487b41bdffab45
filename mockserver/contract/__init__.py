"""Contract checks of a deployment against a pack's specs, built on schemathesis (the pack: ``ContractProfile``)."""

from __future__ import annotations

from mockserver.contract.options import ContractOptions
from mockserver.contract.profile import Cleaned, ContractProfile, Discovery
from mockserver.contract.runner import run_contract

__all__ = ["Cleaned", "ContractOptions", "ContractProfile", "Discovery", "run_contract"]
