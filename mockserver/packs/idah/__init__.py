"""The IDAH pack: the Dataset service of IDAH (Ingedata Annotation Hub) at ``/api/v1/dataset``.

JSON:API as the Verse framework renders it, JSON-RPC for annotation writes, the entry workflow with its
roll-ups, and the IAM login routes that mint tokens for the seeded accounts (``/api/v1/iam/auth/…``).
``pack()`` is the entry point the core finds (``mockserver.packs`` in ``pyproject.toml``). Behaviour follows
the service's code and the real frontend's requests, not the published OpenAPI document;
``spec/idah/dataset-v1/openapi.yaml`` says each divergence in the operation's description.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.pack import DiffProfile, Mount, Pack, Version

if TYPE_CHECKING:
    from mockserver.contract.profile import ContractProfile

HANDLERS = "mockserver.packs.idah.handlers"


def pack() -> Pack:
    """The IDAH pack (imports its modules on first use, not at import time)."""
    from mockserver.packs.idah import world
    from mockserver.packs.idah.api import Idah
    from mockserver.packs.idah.arrange import ACTIONS, Arranger
    from mockserver.packs.idah.auth import security
    from mockserver.packs.idah.errors import ERROR_FORMAT, translate
    from mockserver.packs.idah.records import SCHEMA

    version = Version("dataset-v1", "idah/dataset-v1/openapi.yaml", "/api/v1/dataset")
    return Pack(
        name="idah",
        title="IDAH Dataset service",
        versions=(version,),
        handlers=HANDLERS,
        schema=SCHEMA,
        build_world=world.build,
        open_world=world.resume,
        context=lambda backend, version: Idah(backend),
        security=security,
        errors=ERROR_FORMAT,
        translate=translate,
        auth_header="Authorization",
        mounts=(Mount("iam", "idah/iam-v1/openapi.yaml", "/api/v1/iam", version.name),),
        arranger=Arranger,
        scenario_actions=ACTIONS,
        contract=contract_profile,
        diff=DiffProfile(replay=None, recipe="empty"),
    )


def contract_profile() -> ContractProfile:
    """The contract profile (imports schemathesis: only contract runs build it)."""
    from mockserver.packs.idah.contract import contract_profile as build

    return build()
