"""The WEBKNOSSOS pack: REST API v1–v5 (``/api/vN``, ``/api`` = latest) and the datastore's ``/data`` routes.

``pack()`` is the entry point the core finds (``mockserver.packs`` in ``pyproject.toml``); everything
WEBKNOSSOS-specific lives in this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.pack import CompareProfile, DiffProfile, Mount, Pack, Version

if TYPE_CHECKING:
    from mockserver.contract.profile import ContractProfile

HANDLERS = "mockserver.packs.webknossos.handlers"
COMPARE = CompareProfile(
    typed_keys=frozenset({"created", "modified", "lastActivity", "tracingTime"}),
    id_keys=frozenset({"id", "formattedHash", "tracingId", "skeleton", "volume", "lastTaskTypeId"}),
    substitutions=((r"https?://(?:localhost|127\.0\.0\.1|\[::1\]):\d+", "<origin>"),),
)
"""``mockserver compare``: clocks and tracing time by type; ids each deployment (or each version's own request)
allocates, by consistent renaming: annotations and their hash, tracings (``annotationLayers[].tracingId``, before v5
``tracing.skeleton``/``volume``); the server's own origin in URLs."""


def pack() -> Pack:
    """The WEBKNOSSOS pack (imports its modules on first use, not at import time)."""
    from mockserver.packs.webknossos import traffic, world
    from mockserver.packs.webknossos.api import Api
    from mockserver.packs.webknossos.auth import passthrough_security_handler_class, security_handler_class
    from mockserver.packs.webknossos.errors import ERROR_FORMAT
    from mockserver.packs.webknossos.middleware import ApiVersionMiddleware
    from mockserver.packs.webknossos.records import SCHEMA
    from mockserver.packs.webknossos.validation_messages import translate
    from mockserver.packs.webknossos.versions import ADAPTERS
    from mockserver.packs.webknossos.world.arrange import ACTIONS, Arranger

    versions = tuple(Version(name, f"webknossos/{name}/openapi.yaml", f"/api/{name}", adapter)
                     for name, adapter in ADAPTERS.items())
    return Pack(
        name="webknossos",
        title="WEBKNOSSOS REST API",
        versions=versions,
        handlers=HANDLERS,
        schema=SCHEMA,
        build_world=world.build,
        open_world=world.resume,
        context=lambda backend, version: Api(backend, version.context),
        security=lambda store: {"apiKey": security_handler_class(store)},
        errors=ERROR_FORMAT,
        translate=translate,
        auth_header="X-Auth-Token",
        latest_path="/api",
        id_pattern="^[0-9a-f]{24}$",
        mounts=(Mount("data", "webknossos/datastore/openapi.yaml", "/data", versions[-1].name,
                      security=lambda store: {"apiKey": passthrough_security_handler_class()}),),
        middleware=lambda p: ((ApiVersionMiddleware, {"versions": p.version_names, "latest": p.latest.name}),),
        check_import=world.check_import,
        arranger=lambda store, info, seed: Arranger(store, info, seed=seed),
        scenario_actions=ACTIONS,
        world_from_traffic=traffic.world_from_traffic,
        contract=contract_profile,
        diff=DiffProfile(replay="version-tour", recipe="tiny"),
        compare=COMPARE,
    )


def contract_profile() -> ContractProfile:
    """The contract profile (imports schemathesis: only contract runs build it)."""
    from mockserver.packs.webknossos.contract import profile

    return profile()


__all__ = ["HANDLERS", "contract_profile", "pack"]
