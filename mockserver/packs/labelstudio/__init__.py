"""The Label Studio pack: the 0.8.1 backend API (Flask, one project, no auth by default) at the root paths.

``pack()`` is the entry point the core finds (``mockserver.packs`` in ``pyproject.toml``). Behaviour follows the
real server as observed (``labelstudio-real.md``), not the public docs; ``spec/labelstudio/0.8/openapi.yaml``
says each deviation in the operation's description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockserver.pack import DiffProfile, Middleware, Mode, Pack, Version
from mockserver.store import Store

if TYPE_CHECKING:
    from mockserver.contract.profile import ContractProfile

HANDLERS = "mockserver.packs.labelstudio.handlers"
ID_PATTERN = "^[+-]?[0-9]+$"
"""Task and completion ids, page numbers: the handlers call ``int()`` and answer the real 500 envelope."""


def no_security(store: Store) -> Mapping[str, type]:
    """0.8.1 serves everything without credentials unless started with ``--password`` (a later slice)."""
    return {}


def pack() -> Pack:
    """The Label Studio pack (imports its modules on first use, not at import time)."""
    from mockserver.packs.labelstudio import traffic, world
    from mockserver.packs.labelstudio.api import LabelStudio
    from mockserver.packs.labelstudio.arrange import ACTIONS, Arranger
    from mockserver.packs.labelstudio.comparing import PROFILE
    from mockserver.packs.labelstudio.errors import ERROR_FORMAT
    from mockserver.packs.labelstudio.middleware import RoutingQuirksMiddleware, allowed_methods
    from mockserver.packs.labelstudio.records import SCHEMA
    from mockserver.packs.labelstudio.sessions import MULTI_SESSION, SessionMiddleware
    from mockserver.packs.labelstudio.uploads import UploadsMiddleware

    return Pack(
        name="labelstudio",
        title="Label Studio backend API",
        versions=(Version("0.8", "labelstudio/0.8/openapi.yaml", ""),),
        handlers=HANDLERS,
        schema=SCHEMA,
        build_world=world.build,
        open_world=world.resume,
        context=lambda backend, version: LabelStudio(backend),
        security=no_security,
        errors=ERROR_FORMAT,
        auth_header="Authorization",
        id_pattern=ID_PATTERN,
        middleware=lambda p: ((RoutingQuirksMiddleware, {"allowed": allowed_methods(p.latest.spec_path)}),
                              (UploadsMiddleware, {})),
        basic_auth=basic_auth,
        modes={MULTI_SESSION: Mode("a project per session cookie (label-studio start-multi-session)",
                                   lambda p, backend: ((SessionMiddleware, {"backend": backend}),),
                                   basic_auth=False)},
        arranger=Arranger,
        scenario_actions=ACTIONS,
        world_from_traffic=traffic.world_from_traffic,
        contract=contract_profile,
        diff=DiffProfile(replay=None, recipe="empty"),
        compare=PROFILE,
        diff_only=(Version("0.9", "labelstudio/0.9/openapi.yaml", ""),),
    )


def basic_auth(pack: Pack, username: str | None, password: str) -> Middleware:
    """``label-studio start --username U --password P``: every API route asks for the pair (user ``ls`` by
    default); OPTIONS, 404 and 405 answers stay open."""
    from mockserver.packs.labelstudio.auth import BasicAuthMiddleware
    from mockserver.packs.labelstudio.middleware import allowed_methods

    return BasicAuthMiddleware, {"username": username, "password": password,
                                 "allowed": allowed_methods(pack.latest.spec_path)}


def contract_profile() -> ContractProfile:
    """Read-only contract checks with the Label Studio domain checks (``contract/``)."""
    from mockserver.packs.labelstudio.contract import profile

    return profile(operation_config, EXCUSED)


DOCUMENTED_500 = frozenset({"GET /api/tasks", "GET /api/tasks/{task_id}", "DELETE /api/tasks/{task_id}",
                            "POST /api/project/import", "POST /api/project/config",
                            "POST /api/tasks/{task_id}/completions", "DELETE /api/tasks/{task_id}/completions",
                            "PATCH /api/tasks/{task_id}/completions/{completion_id}",
                            "DELETE /api/tasks/{task_id}/completions/{completion_id}", "POST /api/project",
                            "PATCH /api/project", "DELETE /api/models", "POST /api/models/train",
                            "GET /api/models/predictions", "POST /api/models/predictions", "POST /api/train",
                            "GET /api/project/export", "GET /api/export", "GET /api/import-example-file",
                            "GET /api/project-switch", "POST /api/project-switch",
                            "POST /api/project/storage-settings", "POST /api/tasks/{task_id}/cancel",
                            "POST /api/remove-ml-backend", "POST /predict", "POST /api/save-config",
                            "POST /api/import", "GET /data/upload/{filename}", "GET /data/{filename}"})
"""Operations whose 500 answers are the real server's documented behaviour (ids read with ``int()``, unknown
tasks, bad paging or order values, bodies the handler cannot read): not server errors of the mock."""


EXCUSED = {
    "GET /api/models/predictions": "without an ML backend every request is 400 \"No ML backend\"",
    "POST /api/tasks/{task_id}/cancel": "deprecated: every request is werkzeug's 500 page (runs with writes only)",
    "GET /api/import-example": "400 for every config that does not validate (generated strings never do)",
    "GET /api/project-switch": "400 without a uuid, 500 with one: there is no session user in single-project mode",
    "GET /data/upload/{filename}": "only the files an import stored exist, and a read-only run imports nothing",
    "GET /data/{filename}": "local files are never served (a 500 envelope)",
}
"""Operations no read-only run can get a 2xx from (their 4xx answers to valid requests are the real behaviour)."""


def operation_config(label: str) -> dict[str, object]:
    """schemathesis settings of one operation (``"METHOD /path"``)."""
    disabled = {"not_a_server_error"} if label in DOCUMENTED_500 else set()
    disabled |= {"positive_data_acceptance"} if label in EXCUSED else set()
    return {"checks": {check: {"enabled": False} for check in sorted(disabled)}} if disabled else {}
