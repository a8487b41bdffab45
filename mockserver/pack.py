"""API packs: what one mocked API brings, and the registry that finds the installed ones.

A pack is a ``Pack`` value returned by a function named in the ``mockserver.packs`` entry-point group
(``pyproject.toml``: ``webknossos = "mockserver.packs.webknossos:pack"``); a third-party distribution
ships its own pack the same way. The core (app factory, store, admin API, contract runner, spec diff,
pytest plugin, CLI) only ever sees this interface; ``ARCHITECTURE.md`` ("Writing a pack") says what a
new pack writes.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.errors import ConfigurationError, HttpError
from mockserver.foreign_warnings import silenced
from mockserver.har import Entry
from mockserver.resources import fixtures_dir, spec_dir
from mockserver.store import Schema, Store
from mockserver.traffic_world import Imported

if TYPE_CHECKING:
    from mockserver.backend import Backend
    from mockserver.world import WorldInfo

ENTRY_POINT_GROUP = "mockserver.packs"
DEFAULT_PACK = "webknossos"


@dataclasses.dataclass(frozen=True)
class Version:
    """One version of a pack's API: its spec document and where it is mounted."""

    name: str
    """``v5``, ``0.8``, ``dataset-v1``, ``core``: what ``--api-version`` and ``diff`` take."""
    spec: str
    """The document, relative to ``spec/`` (``webknossos/v5/openapi.yaml``), or an absolute path."""
    base_path: str
    """Where its paths are mounted (``/api/v5``; ``""`` for an API whose paths carry their own prefix)."""
    context: Any = None
    """Bound by the pack's ``context`` factory into every handler of this version (WEBKNOSSOS: its adapter)."""

    @property
    def spec_path(self) -> Path:
        return spec_dir() / self.spec  # an absolute ``spec`` stays as it is


@dataclasses.dataclass(frozen=True)
class Mount:
    """A further document served next to the versions (WEBKNOSSOS: the datastore under ``/data``)."""

    name: str
    spec: str
    base_path: str
    version: str
    """The version whose context its handlers get."""
    security: Callable[[Store], Mapping[str, type]] | None = None
    """Its own ``security_map`` (None: the pack's)."""


@dataclasses.dataclass(frozen=True)
class DiffProfile:
    """How ``mockserver diff --behaviour`` replays requests against two versions of a pack."""

    replay: str | None = None
    """The default replay: ``fixtures/<pack>/replays/<name>.yaml`` (None: the pack has none)."""
    recipe: str = "default"
    """The recipe of the in-process mock the replay runs against."""


@dataclasses.dataclass(frozen=True)
class CompareProfile:
    """What legitimately differs between two deployments of a pack's API, for ``mockserver compare``: the rules
    that make two answers comparable. Applied to both sides alike; the core knows no pack's keys."""

    typed_keys: frozenset[str] = frozenset()
    """JSON keys whose values are compared by type only (server clocks, durations, ports, tracebacks)."""
    id_keys: frozenset[str] = frozenset()
    """JSON keys whose values are ids each server allocates itself: compared by consistent renaming (the first id
    seen on A stands for the first seen on B, and ever after)."""
    substitutions: tuple[tuple[str, str], ...] = ()
    """(regular expression, replacement) applied to every text compared (JSON strings, text bodies, archive
    members): temporary directories, hosts and ports, local times."""
    sorted_lists: tuple[str, ...] = ()
    """Regular expressions whose group ``list`` is a list literal printed from a set (its order is the process's):
    its items are sorted before comparing."""
    unordered_keys: frozenset[str] = frozenset()
    """JSON keys whose lists are compared as sets."""
    headers: tuple[str, ...] | None = None
    """Response headers whose presence and value matter (lower case); None: the presence of every header but the
    volatile ones (date, server, length, cookies …). The media type is always compared."""


class ErrorFormat(Protocol):
    """How a pack writes an error response (the body, media type and headers of ``status``)."""

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        """``detail`` None: the API's own text for that status (an unknown route, a wrong method …)."""
        ...


Middleware = tuple[type[Any], dict[str, Any]]
"""An ASGI middleware class and its keyword arguments (added in front of Connexion)."""


@dataclasses.dataclass(frozen=True)
class Mode:
    """A way of running the API besides its default one (``serve --mode NAME``; Label Studio:
    ``multi-session``, its ``start-multi-session`` command). Handlers read the mode from
    ``backend.settings.mode``."""

    description: str
    """One line for ``--help``, the banner and errors."""
    middleware: Callable[[Pack, Backend], tuple[Middleware, ...]] = lambda pack, backend: ()
    """(pack, the served backend) → ASGI middleware the mode adds, inside the pack's own middleware."""
    basic_auth: bool = True
    """Whether ``--username/--password`` go with the mode (the real server may have no such option in it)."""


@dataclasses.dataclass(frozen=True)
class Pack:
    """Everything the core needs to serve, check and compare one API."""

    name: str
    """The CLI name: ``--api webknossos``."""
    title: str
    """The banner's name of the API: ``WEBKNOSSOS REST API``."""
    versions: tuple[Version, ...]
    """Oldest to latest; the single list of the versions the pack serves."""
    handlers: str
    """The package operationIds are relative to (``tasks.read_task`` → ``<handlers>.tasks.read_task``)."""
    schema: Schema
    build_world: Callable[[Store, int, str, str], WorldInfo]
    """(store, seed, recipe, base URL) → the seeded world, written into the empty store."""
    open_world: Callable[[Store, int, str], WorldInfo]
    """(store, seed, recipe) → the world already in a store (``--state``, an import)."""
    context: Callable[[Backend, Version], Any]
    """What handlers of a version get as their first argument."""
    security: Callable[[Store], Mapping[str, type]]
    """The Connexion ``security_map`` of the pack's documents."""
    errors: ErrorFormat
    auth_header: str
    """The header that carries a known user's token (``X-Auth-Token``)."""
    latest_path: str | None = None
    """A base path that serves the latest version without naming it (WEBKNOSSOS: ``/api``)."""
    translate: Callable[[Exception, Mapping[str, Any]], HttpError | None] | None = None
    """(a framework failure: Connexion's problem, an undecodable body …, the ASGI scope) → the API's own answer
    (validation failures carry ``mockserver.violations``); None: the neutral text in the pack's format."""
    id_pattern: str | None = None
    """An id ``pattern`` of the specs that validation leaves to the handlers (they answer with the API's text)."""
    vary: tuple[str, ...] = ()
    """Request headers besides ``auth_header``, ``Authorization``, ``Cookie`` and ``Accept`` that can change an
    answer of a ``@cached_read`` handler (the fast path keys on them, ``fastpath.py``)."""
    mounts: tuple[Mount, ...] = ()
    middleware: Callable[[Pack], tuple[Middleware, ...]] = lambda pack: ()
    """ASGI middleware in front of Connexion (WEBKNOSSOS: ``/api`` → the latest version)."""
    basic_auth: Callable[[Pack, str | None, str], Middleware] | None = None
    """(pack, user name or None, password) → the middleware that asks for HTTP Basic credentials when the server is
    started with a password (``serve --username/--password``); None: the pack refuses those options."""
    modes: Mapping[str, Mode] = dataclasses.field(default_factory=dict)
    """Name → a further way of running the API (``serve --mode NAME``); the default mode has no name."""
    check_import: Callable[[Mapping[str, Any]], None] | None = None
    """Checks the tables of a world export beyond their types (``ConfigurationError`` naming the problem)."""
    arranger: Callable[[Store, WorldInfo, str], Any] | None = None
    """(store, world, seed) → the object whose methods arrange a world in tests and scenarios."""
    scenario_actions: Mapping[str, Callable[..., Any]] = dataclasses.field(default_factory=dict)
    """Scenario step name → arranger method (its signature is the step's schema)."""
    world_from_traffic: Callable[[Sequence[Entry]], Imported] | None = None
    """Recorded exchanges (a HAR file, in order) → scenario steps over ``scenario_actions`` that give the world the
    answers last showed (``mockserver import-world``); None: the pack cannot read traffic."""
    contract: Callable[[], Any] | None = None
    """Builds the pack's contract profile (``mockserver.contract.ContractProfile``; imported only by a contract
    run); None: no contract checks."""
    diff: DiffProfile = DiffProfile()
    compare: CompareProfile = CompareProfile()
    """What ``mockserver compare`` normalises in this API's answers."""
    diff_only: tuple[Version, ...] = ()
    """Later versions whose documents ``mockserver diff`` compares but no server serves (their behaviour is not
    implemented by the handlers yet); oldest first, all newer than ``versions``."""
    fixtures_path: Path | None = None
    """Where the pack's fixtures are, if not ``fixtures/<name>/`` (a pack shipped in another distribution)."""

    # derived -------------------------------------------------------------------------------------

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def version_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.versions)

    def version(self, name: str | None = None) -> Version:
        """A version by name (None: the latest); ``ConfigurationError`` naming the choices otherwise."""
        if name is None:
            return self.latest
        for version in self.versions:
            if version.name == name:
                return version
        raise ConfigurationError(f"the {self.name} pack has no version {name!r}; choose one of "
                                 f"{', '.join(self.version_names)}")

    @property
    def documented_versions(self) -> tuple[Version, ...]:
        """Every version with a document: the served ones, then the diff-only ones (what ``diff`` takes)."""
        return self.versions + self.diff_only

    def documented_version(self, name: str) -> Version:
        """A served or diff-only version by name; ``ConfigurationError`` naming the choices otherwise."""
        for version in self.documented_versions:
            if version.name == name:
                return version
        raise ConfigurationError(f"the {self.name} pack has no version {name!r}; choose one of "
                                 f"{', '.join(v.name for v in self.documented_versions)}")

    @property
    def fixtures(self) -> Path:
        """``fixtures/<pack>/``: recipes, scenarios, replays and sample files."""
        return self.fixtures_path or fixtures_dir() / self.name

    def api_url(self, base_url: str, version: str | None = None) -> str:
        """Where the paths of ``version`` are on a server at ``base_url``; None or ``latest``: the latest
        version (at ``latest_path`` if the pack has one)."""
        if version in (None, "latest") and self.latest_path is not None:
            return base_url.rstrip("/") + self.latest_path
        return base_url.rstrip("/") + self.version(None if version == "latest" else version).base_path

    def docs_url(self, base_url: str, version: str | None = None) -> str:
        """The Swagger UI of ``version`` (None: the latest)."""
        return f"{base_url.rstrip('/')}{self.version(version).base_path}/ui/"


# registry ----------------------------------------------------------------------------------------

_registered: dict[str, Callable[[], Pack]] = {}


def register(name: str, factory: Callable[[], Pack]) -> None:
    """Add a pack by hand (tests, embedding); installed packs come from the entry points."""
    _registered[name] = factory
    load_pack.cache_clear()


def unregister(name: str) -> None:
    _registered.pop(name, None)
    load_pack.cache_clear()


def _factories() -> dict[str, Callable[[], Pack]]:
    found: dict[str, Callable[[], Pack]] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, functools.partial(_load_entry, entry))
    return {**found, **_registered}


def _load_entry(entry: EntryPoint) -> Pack:
    with silenced():  # a pack's modules may import Connexion, whose import warns about its own dependencies
        factory = entry.load()
        pack: Pack = factory()
    return pack


def pack_names() -> list[str]:
    """The installed packs, by name."""
    return sorted(_factories())


@functools.cache
def load_pack(name: str = DEFAULT_PACK) -> Pack:
    """The pack called ``name``; ``ConfigurationError`` naming the installed ones otherwise."""
    factories = _factories()
    if name not in factories:
        raise ConfigurationError(f"unknown API pack {name!r}; installed: {', '.join(sorted(factories)) or 'none'} "
                                 "(mockserver packs lists them)")
    pack = factories[name]()
    if not isinstance(pack, Pack) or pack.name != name:
        raise ConfigurationError(f"the entry point {name!r} of {ENTRY_POINT_GROUP} does not return its Pack")
    return pack
