"""``/__admin``: control of a running mock (reset, snapshots, world export/import, journal, rules, scenarios).

``mount_admin`` (called by ``create_app``) builds the ``Control`` of the app, adds the journal, CORS
and fault middleware in front of Connexion and mounts ``spec/admin/openapi.yaml`` with its own key
(``X-Admin-Key``). The handlers below are the operations of that document (operationId = function
name); like the API's handlers they are async and take their context, the ``Control``, first.
"""

from __future__ import annotations

import dataclasses
import functools
import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from connexion.security import ApiKeySecurityHandler
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from mockserver import scenarios, statefile
from mockserver.backend import Backend
from mockserver.dump import export_world, import_world
from mockserver.errors import ConfigurationError, HttpError
from mockserver.faults import FaultMiddleware, RuleSet
from mockserver.journal import ADMIN_PREFIX, Journal, JournalMiddleware
from mockserver.requestlog import RequestLog
from mockserver.resources import spec_dir
from mockserver.responses import empty_response, json_response
from mockserver.scenarios import Applied, ScenarioNotFound
from mockserver.settings import check_seed
from mockserver.specs import SpecLoader, tested_documents
from mockserver.store import Store
from mockserver.world import WorldInfo

if TYPE_CHECKING:
    from mockserver.app import MockApp

class AdminErrors:
    """The admin API's error format: ``{"messages":[{"error": …}]}``, and 401 as plain text."""

    UNAUTHORIZED = "Missing or wrong X-Admin-Key (it is printed at start and follows the seed)."

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        if status == 401:
            return self.UNAUTHORIZED.encode(), "text/plain", {}
        text = detail if detail is not None else {404: "No such admin route.",
                                                  405: "Method not allowed on this route."}.get(status, "")
        return orjson.dumps({"messages": [{"error": text}]}), "application/json", {"Cache-Control": "no-cache"}


ADMIN_ERRORS = AdminErrors()


START = ("start",)
"""Key of the world the server started with (seed, recipe, ``--scenario``, ``--state``)."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    name: str
    created: int
    revision: int
    data: bytes = dataclasses.field(repr=False)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "created": self.created, "bytes": len(self.data), "revision": self.revision}


@dataclasses.dataclass
class Control:
    """What the admin API (and the pytest plugin) control: the world, the journal, the rules, snapshots."""

    backend: Backend
    journal: Journal
    rules: RuleSet
    snapshots: dict[str, Snapshot] = dataclasses.field(default_factory=dict)
    worlds: dict[tuple[Any, ...], tuple[bytes, WorldInfo]] = dataclasses.field(default_factory=dict)
    current: tuple[Any, ...] = START
    served: WorldInfo | None = None
    """The world this server last switched to (or started with); when ``world`` differs, another server sharing
    the store switched it (``Backend.world``), and that world is the current one here too."""

    def __post_init__(self) -> None:
        self.served = self.backend.world

    @property
    def store(self) -> Store:
        return self.backend.store

    @property
    def world(self) -> WorldInfo:
        return self.backend.world

    def reset(self, seed: int | None = None, recipe: str | None = None, *, journal: bool = True,
              rules: bool = True) -> WorldInfo:
        """Back to the start of the current world, or to the seeded world of ``seed``/``recipe``."""
        if seed is not None or recipe is not None:
            self.use_world(self.world.seed if seed is None else check_seed(seed), recipe or self.world.recipe)
        else:
            self.store.reset()
        if journal:
            self.journal.clear()
        if rules:
            self.rules.clear()
        return self.world

    def use_world(self, seed: int, recipe: str) -> WorldInfo:
        """Serve the seeded world of ``seed`` and ``recipe`` (built on first use, then restored)."""
        key = (seed, recipe)
        if (now := self.world) is not self.served:  # another server switched the shared world
            self.current, self.served = (now.seed, now.recipe), now
        if key == self.current:
            self.store.reset()
            return self.world
        if self.current not in self.worlds:  # keep the world we leave, to come back to it
            self.store.reset()
            self.worlds[self.current] = (self.store.snapshot(), self.world)
        if key not in self.worlds:
            self.worlds[key] = self._build(seed, recipe)
        data, world = self.worlds[key]
        self.store.restore(data)
        self.store.mark_initial()
        self.backend.world, self.current, self.served = world, key, world
        return world

    def _build(self, seed: int, recipe: str) -> tuple[bytes, WorldInfo]:
        pack = self.backend.pack
        scratch = Store.open(pack.schema)
        try:
            world = pack.build_world(scratch, seed, recipe, self.backend.settings.base_url)
            statefile.stamp(scratch, seed, recipe)
            return scratch.snapshot(), world
        finally:
            scratch.close()

    @property
    def revision(self) -> int:
        """Committed writes to the world since it was built (kept in a ``--state`` file across restarts)."""
        found = statefile.identity(self.store)
        return found.revision if found else self.store.revision

    @property
    def _shared(self) -> Any:
        """The store when it keeps named snapshots itself (PostgreSQL: in the database, for every server)."""
        return self.store if getattr(self.store, "shares_snapshots", False) else None

    def list_snapshots(self) -> list[dict[str, Any]]:
        if shared := self._shared:
            return [{"name": name, "created": created, "bytes": size, "revision": revision}
                    for name, created, revision, size in shared.kept_snapshots()]
        return [s.to_json() for s in sorted(self.snapshots.values(), key=lambda s: s.name)]

    def take_snapshot(self, name: str) -> dict[str, Any]:
        created = time.time_ns() // 1_000_000
        if shared := self._shared:
            size = shared.keep_snapshot(name, created, self.revision)
            return {"name": name, "created": created, "bytes": size, "revision": self.revision}
        snapshot = Snapshot(name, created, self.revision, self.store.snapshot())
        self.snapshots[name] = snapshot
        return snapshot.to_json()

    def restore_snapshot(self, name: str) -> None:
        if shared := self._shared:
            if not shared.restore_kept(name):
                raise HttpError(f"No snapshot named {name!r}", status=404)
            return
        snapshot = self.snapshots.get(name)
        if snapshot is None:
            raise HttpError(f"No snapshot named {name!r}", status=404)
        self.store.restore(snapshot.data)

    def delete_snapshot(self, name: str) -> None:
        found = self._shared.drop_kept(name) if self._shared else self.snapshots.pop(name, None) is not None
        if not found:
            raise HttpError(f"No snapshot named {name!r}", status=404)

    def load_scenario(self, name_or_path: str | None = None, *, source: str | None = None) -> Applied:
        """Apply a bundled scenario (or a YAML ``source``) to the current world."""
        pack = self.backend.pack
        if source is not None:
            name = name_or_path or "inline"
            scenario = scenarios.parse(pack, source, origin=name, name=name)
        else:
            scenario = scenarios.load(pack, name_or_path or "")
        return scenarios.apply(pack, scenario, self.store, self.world)

    def arranger(self, seed: str = "test") -> Any:
        """The pack's arranger on the current world (``ConfigurationError`` if the pack has none)."""
        if self.backend.pack.arranger is None:
            raise ConfigurationError(f"the {self.backend.pack.name} pack has no world arranger")
        return self.backend.pack.arranger(self.store, self.world, f"{seed}:{self.world.seed}")


# wiring -----------------------------------------------------------------------------------------


def admin_security_handler_class(key: str) -> type[ApiKeySecurityHandler]:
    """The ``X-Admin-Key`` check of the admin API (for its ``security_map``)."""

    def key_info(api_key: str, **_: Any) -> dict[str, Any] | None:
        return {"sub": "admin"} if hmac.compare_digest(api_key.encode(), key.encode()) else None

    class AdminKeySecurityHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return key_info

    return AdminKeySecurityHandler


class AdminResolver(Resolver):  # type: ignore[misc]
    """operationId → its handler in ``HANDLERS``, with ``Control`` bound first."""

    def __init__(self, control: Control) -> None:
        super().__init__(function_resolver=lambda operation_id: functools.partial(HANDLERS[operation_id], control))


def mount_admin(app: MockApp, backend: Backend) -> Control:
    """Add the journal, CORS and fault middleware and the ``/__admin`` API to ``app``; return its ``Control``.

    Call before any other middleware is added: the journal must be outermost, to see every answer.
    """
    settings = backend.settings
    control = Control(backend, Journal(settings.journal_size), RuleSet(settings.seed))
    if settings.scenario is None and settings.state is None:
        control.current = (settings.seed, settings.recipe)  # the start is the plain seeded world
    control.journal.listeners.append(RequestLog(settings.request_log_limit))
    app.add_middleware(JournalMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, journal=control.journal)
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if origins:
        app.add_middleware(CORSMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, allow_origins=origins,
                           allow_methods=["*"], allow_headers=["*"], expose_headers=["X-Total-Count"], max_age=600)
    app.add_middleware(FaultMiddleware, MiddlewarePosition.BEFORE_EXCEPTION, rules=control.rules,
                       errors=backend.pack.errors)
    with tested_documents():
        app.add_api(SpecLoader().bundle(spec_dir() / "admin" / "openapi.yaml"), base_path=ADMIN_PREFIX,
                    name="admin", resolver=AdminResolver(control), validate_responses=True, strict_validation=True,
                    resolver_error=501,
                    security_map={"apiKey": admin_security_handler_class(settings.effective_admin_key)})
    return control


def _state(control: Control) -> dict[str, Any]:
    world = control.world
    users = [{"role": u.role, "id": u.id, "email": u.email, "token": u.token,
              **({"credentials": dict(u.credentials)} if u.credentials else {})} for u in world.known_users]
    return {"seed": world.seed, "recipe": world.recipe, "revision": control.revision, "users": users}


def _bad_request(exc: ConfigurationError) -> HttpError:
    return HttpError(str(exc), status=400)


# handlers ---------------------------------------------------------------------------------------


async def read_info(control: Control) -> Response:
    return json_response(_state(control))


async def reset(control: Control, body: dict[str, Any] | bytes | None = None) -> Response:
    body = body if isinstance(body, dict) else {}  # no body (no content type): Connexion passes raw bytes
    try:
        control.reset(body.get("seed"), body.get("recipe"), journal=body.get("journal", True),
                      rules=body.get("rules", True))
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response(_state(control))


async def list_snapshots(control: Control) -> Response:
    return json_response(control.list_snapshots())


async def create_snapshot(control: Control, body: dict[str, Any]) -> Response:
    return json_response(control.take_snapshot(body["name"]), status=201)


async def restore_snapshot(control: Control, name: str) -> Response:
    control.restore_snapshot(name)
    return json_response(_state(control))


async def delete_snapshot(control: Control, name: str) -> Response:
    control.delete_snapshot(name)
    return empty_response(204)


async def export_world_json(control: Control) -> Response:
    return json_response(export_world(control.backend.pack, control.store, control.world))


async def import_world_json(control: Control, body: dict[str, Any]) -> Response:
    try:
        with control.store.transaction():  # the imported world and its identity land together
            control.backend.world = control.served = world = import_world(control.backend.pack, control.store,
                                                                          body)
            statefile.stamp(control.store, world.seed, world.recipe)
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response(_state(control))


async def list_scenarios(control: Control) -> Response:
    return json_response([s.to_json() for s in scenarios.available(control.backend.pack)])


async def load_scenario(control: Control, name: str) -> Response:
    try:
        applied = control.load_scenario(name)
    except ScenarioNotFound as exc:
        raise HttpError(str(exc), status=404) from None
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response(applied.to_json())


async def load_scenario_source(control: Control, body: dict[str, Any]) -> Response:
    try:
        applied = control.load_scenario(body.get("name"), source=body["source"])
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response(applied.to_json())


async def list_journal(control: Control, method: str | None = None, path: str | None = None,
                       limit: int = 100) -> Response:
    try:
        entries = control.journal.entries(method, path)
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response({"count": len(entries), "entries": [e.to_json() for e in entries[:limit]]})


async def count_journal(control: Control, method: str | None = None, path: str | None = None) -> Response:
    try:
        return json_response({"count": control.journal.count(method, path)})
    except ConfigurationError as exc:
        raise _bad_request(exc) from None


async def clear_journal(control: Control) -> Response:
    control.journal.clear()
    return empty_response(204)


async def list_rules(control: Control) -> Response:
    return json_response([rule.to_json() for rule in control.rules.all()])


async def create_rule(control: Control, body: dict[str, Any]) -> Response:
    try:
        rule = control.rules.add(body)
    except ConfigurationError as exc:
        raise _bad_request(exc) from None
    return json_response(rule.to_json(), status=201)


async def read_rule(control: Control, id_: str) -> Response:
    rule = control.rules.get(id_)
    if rule is None:
        raise HttpError(f"No rule {id_!r}", status=404)
    return json_response(rule.to_json())


async def update_rule(control: Control, id_: str, body: dict[str, Any]) -> Response:
    rule = control.rules.set_enabled(id_, body["enabled"])
    if rule is None:
        raise HttpError(f"No rule {id_!r}", status=404)
    return json_response(rule.to_json())


async def delete_rule(control: Control, id_: str) -> Response:
    if not control.rules.remove(id_):
        raise HttpError(f"No rule {id_!r}", status=404)
    return empty_response(204)


async def clear_rules(control: Control) -> Response:
    control.rules.clear()
    return empty_response(204)


HANDLERS: dict[str, Callable[..., Any]] = {
    "read_info": read_info, "reset": reset,
    "list_snapshots": list_snapshots, "create_snapshot": create_snapshot,
    "restore_snapshot": restore_snapshot, "delete_snapshot": delete_snapshot,
    "export_world": export_world_json, "import_world": import_world_json,
    "list_scenarios": list_scenarios, "load_scenario": load_scenario, "load_scenario_source": load_scenario_source,
    "list_journal": list_journal, "count_journal": count_journal, "clear_journal": clear_journal,
    "list_rules": list_rules, "create_rule": create_rule, "read_rule": read_rule, "update_rule": update_rule,
    "delete_rule": delete_rule, "clear_rules": clear_rules,
}
"""operationId of ``spec/admin/openapi.yaml`` → handler."""
