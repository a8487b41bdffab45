"""Settings of one mock server: one frozen dataclass, from arguments or ``MOCKSERVER_*`` variables."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping
from typing import Any

from mockserver.errors import ConfigurationError


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything ``create_app`` needs. Each field has a ``MOCKSERVER_<FIELD>`` environment variable."""

    api: str = "webknossos"
    """The API pack to serve (``mockserver packs`` lists the installed ones); ``all``: every pack, one port each."""
    ports: str | None = None
    """With ``api="all"``: ``name=port,…`` for packs that should not get ``port`` + their rank."""
    host: str = "127.0.0.1"
    port: int = 9000
    seed: int = 1
    recipe: str = "default"
    state: str | None = None
    """SQLite file, or PostgreSQL URL (``postgresql://…``, one world for many servers), that keeps the world across
    restarts; None keeps it in memory."""
    reset_state: bool = False
    """Build the world of ``seed`` and ``recipe`` anew in the ``state`` file instead of resuming the one it holds."""
    public_url: str | None = None
    """Base URL the world links to (datastore URL, short links); default ``http://{host}:{port}``."""
    validate_responses: bool = True
    cache_reads: bool = True
    """Answer repeated pure reads from a cache that any change of the world empties (``readcache.py``)."""
    fast_path: bool = True
    """Answer repeated identical reads of cached handlers before routing, security and validation
    (``fastpath.py``); only with ``cache_reads``."""
    max_body_bytes: int = 64 * 1024 * 1024
    log_level: str = "info"
    scenario: str | None = None
    """Scenario(s) applied to a freshly built world at start (names or YAML paths, comma-separated)."""
    admin_key: str | None = None
    """``X-Admin-Key`` of the ``/__admin`` API; default derived from the seed (stable, printed at start)."""
    cors_origins: str = ""
    """Origins allowed by CORS, comma-separated (``*``: any); empty: no CORS headers."""
    journal_size: int = 1000
    """Requests kept in the request journal."""
    request_log_limit: int = 10
    """Request log lines per second (more are summed up in one line); 0: no request log."""
    workers: int = 1
    """Server processes; more than one needs ``state`` (they all serve the world kept in that file)."""
    username: str | None = None
    password: str | None = None
    """HTTP Basic credentials the API asks for, for packs that have such auth (``Pack.basic_auth``: Label Studio's
    ``--username``/``--password``); without a password nothing is asked, and the pack picks the default user name."""
    mode: str | None = None
    """A further way of running the API that the pack offers (``Pack.modes``: Label Studio's ``multi-session``);
    None: the default one."""
    given: frozenset[str] = dataclasses.field(default=frozenset(), compare=False, repr=False,
                                              metadata={"variable": False})
    """Fields ``from_env`` found set (options, ``MOCKSERVER_*`` variables): a ``state`` file's own seed and recipe
    count unless others are given."""

    def __post_init__(self) -> None:
        check_seed(self.seed)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def effective_admin_key(self) -> str:
        """``admin_key``, or the key derived from ``seed``."""
        return self.admin_key or derived_admin_key(self.seed)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``MOCKSERVER_*`` variables; explicit ``overrides`` (not None) win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in _variables(cls):
            raw = environ.get(f"MOCKSERVER_{field.name.upper()}")
            if raw is not None:
                values[field.name] = _parse(field.name, raw, field.default)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values, given=frozenset(values))


def to_env(settings: Settings) -> dict[str, str]:
    """``MOCKSERVER_*`` variables from which ``Settings.from_env()`` rebuilds ``settings`` (worker processes)."""
    values = {}
    for field in _variables(settings):
        value = getattr(settings, field.name)
        if value is not None:
            values[f"MOCKSERVER_{field.name.upper()}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return values


def _variables(settings: Settings | type[Settings]) -> list[dataclasses.Field[Any]]:
    """The fields that have a ``MOCKSERVER_*`` variable."""
    return [field for field in dataclasses.fields(settings) if field.metadata.get("variable", True)]


def check_seed(seed: int) -> int:
    """``seed``, if a world can be built from it: ``random.Random`` seeds with the absolute value, so -1 would
    build the world of 1 (while the default admin key of -1 differs from that of 1)."""
    if seed < 0:
        raise ConfigurationError(f"seed must be 0 or more, got {seed} (it would build the world of seed {-seed})")
    return seed


def derived_admin_key(seed: int) -> str:
    """The default admin key of a seed: same seed, same key (a test double's key, not a secret)."""
    return "admin-" + hashlib.sha256(f"mockserver admin key {seed}".encode()).hexdigest()[:16]


def _parse(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
            raise ConfigurationError(f"MOCKSERVER_{name.upper()} must be true or false, got {raw!r}")
        return raw.lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigurationError(f"MOCKSERVER_{name.upper()} must be an integer, got {raw!r}") from None
    return raw
