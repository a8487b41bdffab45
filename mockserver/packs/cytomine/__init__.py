"""The Cytomine pack: the core API (`/api/<resource>.json`, `/server/ping`) as the real Python client uses it.

``pack()`` is the entry point the core finds (``mockserver.packs`` in ``pyproject.toml``). Sources: what the real
``cytomine-python-client`` 4.3.0 and 3.1.0 send and need, and the server behaviour read from Cytomine-core's
source; ``spec/cytomine/core/openapi.yaml`` says where the mock follows the running code over the published docs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.pack import DiffProfile, Pack, Version

if TYPE_CHECKING:
    from mockserver.contract.profile import ContractProfile

HANDLERS = "mockserver.packs.cytomine.handlers"


def pack() -> Pack:
    """The Cytomine pack (imports its modules on first use, not at import time)."""
    from mockserver.packs.cytomine import world
    from mockserver.packs.cytomine.api import Cytomine
    from mockserver.packs.cytomine.auth import security
    from mockserver.packs.cytomine.errors import ERROR_FORMAT
    from mockserver.packs.cytomine.records import SCHEMA

    return Pack(
        name="cytomine",
        title="Cytomine core API",
        versions=(Version("core", "cytomine/core/openapi.yaml", ""),),
        handlers=HANDLERS,
        schema=SCHEMA,
        build_world=world.build,
        open_world=world.resume,
        context=lambda backend, version: Cytomine(backend),
        security=security,
        errors=ERROR_FORMAT,
        auth_header="Authorization",
        vary=("Date", "Content-Type"),  # what a CYTOMINE signature covers besides the path
        contract=contract_profile,
        diff=DiffProfile(replay=None, recipe="empty"),
    )


def contract_profile() -> ContractProfile:
    """Read-only contract checks by default, with the domain checks of ``contract.py`` and the real ids
    ``discovery.py`` reads first (so no operation needs an excuse: each can answer 2xx to a reader); with
    ``--allow-writes`` creates and deletes in a sandbox of the run's own (``sandbox.py``) and the write checks.
    The token goes in ``Authorization`` as the banner prints it (``Bearer …``), or each request is signed with a
    key pair (``--public-key``/``--private-key``: ``auth.signer``, what client 4.x sends)."""
    from mockserver.contract.profile import ContractProfile
    from mockserver.packs.cytomine import auth, sandbox
    from mockserver.packs.cytomine.contract import CHECKS, EXCHANGE_CHECKS
    from mockserver.packs.cytomine.discovery import discover

    return ContractProfile(policies=sandbox.POLICIES, whoami="/api/user/current.json", checks=CHECKS,
                           discover=discover, created_by=sandbox.created_by, cleanup=sandbox.cleanup,
                           operation_config=sandbox.operation_config, exchange_checks=EXCHANGE_CHECKS,
                           signer=lambda pair: auth.signer(pair.public, pair.private))
