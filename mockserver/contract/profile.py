"""``ContractProfile``: what a pack gives the contract runner (safety policy, discovery, checks, cleanup)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.contract.checks import CheckFunction
from mockserver.contract.policy import Created, Policies
from mockserver.contract.signing import SignerFactory

if TYPE_CHECKING:
    import httpx

    from mockserver.contract.guard import Guard


class Discovery(Protocol):
    """What a run learnt about the deployment before it started (real values to send)."""

    def parameters(self) -> dict[str, str]:
        """Path and query values for schemathesis' ``parameters`` setting."""
        ...

    def fixup(self, case: Any) -> None:
        """Put real references, and rules the spec cannot express, into a positive case before it is sent."""
        ...


class NoDiscovery:
    """A run that knows nothing of the deployment (generated data only)."""

    def parameters(self) -> dict[str, str]:
        return {}

    def fixup(self, case: Any) -> None:
        return None


@dataclasses.dataclass(frozen=True)
class Cleaned:
    """What the cleanup did: resources deleted, resources only archived (the API cannot delete them), left."""

    deleted: int = 0
    archived: int = 0
    left: tuple[Created, ...] = ()


def delete_each(client: httpx.Client, guard: Guard, version: str, *,
                path: Callable[[Created], str] = lambda item: f"/{item.kind}/{item.id}",
                order: Sequence[str] = ()) -> Cleaned:
    """The default cleanup: ``DELETE /<kind>/<id>`` (or ``path``) for everything the run created (404: already gone),
    the kinds in ``order`` first, in that order (what holds others last)."""
    left = []
    deleted = 0
    for item in sorted(guard.sandbox, key=lambda item: order.index(item.kind) if item.kind in order else len(order)):
        guard.limiter.wait()
        guard.sent["DELETE"] += 1
        response = client.delete(path(item))
        if response.status_code < 300 or response.status_code == 404:
            deleted += 1
        else:
            left.append(item)
    return Cleaned(deleted, 0, tuple(left))


@dataclasses.dataclass(frozen=True)
class ContractProfile:
    """A pack's contract checks: which writes are safe, how to find real data, its checks, how to clean up."""

    policies: Policies
    whoami: str | None = None
    """An authenticated "who am I" GET of the API (WEBKNOSSOS: ``/user``): the pre-flight checks the token with it
    before the run; None: the API needs no credentials (the pre-flight only checks that the URL answers)."""
    target_parameters: tuple[str, ...] = ("id",)
    """Path parameters that name the resource an ``ON_CREATED`` operation changes."""
    created_by: Callable[[str, Any], list[Created]] = lambda path, body: []
    """(path template, 2xx body of a creating operation) → what it created."""
    record: Callable[[Guard, Any, Any], None] | None = None
    """(guard, case, 2xx response) → further bookkeeping of what a run owns (beyond ``created_by``)."""
    discover: Callable[[httpx.Client, Guard, bool], Discovery] = lambda client, guard, writes: NoDiscovery()
    """(client on the version's URL, guard, writes allowed) → what the run learnt (GET only, or its sandbox)."""
    cleanup: Callable[[httpx.Client, Guard, str], Cleaned] = delete_each
    """(client, guard, version) → remove what the run created (default: ``DELETE /<kind>/<id>`` each)."""
    operation_config: Callable[[str], Mapping[str, Any]] = lambda label: {}
    """``"METHOD /path"`` → schemathesis operation settings (documented semantic 400s, disabled checks …)."""
    excused: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """``"METHOD /path"`` → why a run cannot be expected to get a 2xx from it (data no run can discover); such an
    operation does not count against ``--min-coverage`` (it is listed as excused)."""
    checks: tuple[CheckFunction, ...] = ()
    """The pack's domain checks, registered with schemathesis for the run."""
    exchange_checks: tuple[CheckFunction, ...] = ()
    """Those of ``checks`` that need nothing but the exchange at hand (no follow-up request, no memory of the run):
    ``mockserver proxy`` holds live traffic against them too."""
    signer: SignerFactory | None = None
    """Key pair → the headers that sign a request, for APIs whose users sign requests (``--public-key``,
    ``--private-key``); None: the pack's runs authenticate with a token only."""
    deployment_version: Callable[[httpx.Client], str | None] | None = None
    """(client on the version's URL) → the version the deployment says it is (Label Studio: ``GET /version``), or
    None where it does not say; the pre-flight stops a run whose spec version it contradicts."""
