"""A tiny API pack that proves the core without WEBKNOSSOS: notes of accounts, two versions, its own
auth header, error format, ids, world, scenario actions and contract profile.

``pack()`` is registered by ``tests/conftest.py`` (``mockserver.pack.register``), the way a third-party
distribution would register it through the ``mockserver.packs`` entry points.
"""

from __future__ import annotations

import dataclasses
import inspect
import random
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import orjson
import yaml
from connexion.security import ApiKeySecurityHandler

from mockserver.backend import Backend
from mockserver.errors import ConfigurationError
from mockserver.pack import DiffProfile, Pack, Version
from mockserver.store import Schema, Store
from mockserver.world import KnownUser, WorldInfo

HERE = Path(__file__).resolve().parent
ROLES = ("owner", "user")


@dataclasses.dataclass(frozen=True)
class Account:
    table: ClassVar[str] = "accounts"
    id: str
    name: str
    role: str
    token: str


@dataclasses.dataclass(frozen=True)
class Note:
    table: ClassVar[str] = "notes"
    id: int
    text: str
    owner: str


SCHEMA = Schema((Account, Note), ("CREATE INDEX IF NOT EXISTS ix_notes_owner ON notes(owner, id)",))


class EchoErrors:
    """``{"error": {"status": …, "detail": …}}`` for every status."""

    TEXTS: ClassVar[dict[int, str]] = {401: "no or unknown X-Echo-Key", 404: "no such route",
                                       405: "method not allowed"}

    def render(self, status: int, detail: str | None) -> tuple[bytes, str, dict[str, str]]:
        text = self.TEXTS.get(status, "") if status == 401 or detail is None else detail
        return orjson.dumps({"error": {"status": status, "detail": text}}), "application/json", {}


@dataclasses.dataclass(frozen=True)
class Echo:
    """What echo handlers get first: the backend and the version called."""

    backend: Backend
    version: str

    @property
    def store(self) -> Store:
        return self.backend.store

    def shown(self, note: Note) -> dict[str, Any]:
        text = note.text.upper() if self.version == "2" else note.text  # v2 "shouts": a per-version wire change
        return {"id": note.id, "text": text, "owner": note.owner}


class Arranger:
    def __init__(self, store: Store, world: WorldInfo, seed: str) -> None:
        self.store, self.world = store, world

    def add_note(self, owner: str, text: str) -> Note:
        """A note of the account with role (or id) ``owner``."""
        account = next((u for u in self.world.known_users if owner in (u.role, u.id)), None)
        if account is None:
            raise ConfigurationError(f"no account {owner!r}")
        note = Note(new_note_id(self.store), text, account.id)
        self.store.insert(note)
        return note


def new_note_id(store: Store) -> int:
    return int(store.scalars("SELECT COALESCE(MAX(id), 0) + 1 FROM notes")[0])


def build(store: Store, seed: int, recipe: str, base_url: str) -> WorldInfo:
    path = HERE / "fixtures" / "recipes" / f"{recipe}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.yaml")))
        raise ConfigurationError(f"recipe {recipe!r} not found (echo has: {known})")
    notes = int(yaml.safe_load(path.read_text())["notes"])
    rng = random.Random(seed)
    accounts = [Account(f"acc-{rng.randrange(10**6):06d}", f"{role} {seed}", role, f"key-{rng.getrandbits(48):012x}")
                for role in ROLES]
    notes = [Note(i + 1, f"note {rng.randrange(1000)}", accounts[i % 2].id) for i in range(notes)]
    with store.transaction():
        store.insert(*accounts, *notes)
    return resume(store, seed, recipe)


def resume(store: Store, seed: int, recipe: str) -> WorldInfo:
    accounts = store.select(Account, order="role")
    return WorldInfo(seed, recipe, tuple(KnownUser(a.role, a.id, a.name, a.token) for a in accounts))


def security(store: Store) -> Mapping[str, type]:
    def key_info(api_key: str, **_: Any) -> dict[str, Any] | None:
        account = store.one(Account, "token = ?", (api_key,))
        return {"sub": account.id} if account else None

    key_info.__signature__ = inspect.signature(key_info)  # type: ignore[attr-defined]

    class KeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]
        def _resolve_func(self, security_scheme: dict[str, Any]) -> Callable[..., Any]:
            return key_info

    return {"apiKey": KeyHandler}


def contract_profile() -> Any:
    from mockserver.contract.policy import Created, Policy
    from mockserver.contract.profile import ContractProfile

    def created_by(path: str, body: Any) -> list[Created]:
        return [Created("notes", str(body["id"]))] if path == "/notes" and isinstance(body, dict) else []

    return ContractProfile(policies={("POST", "/notes"): Policy.CREATE, ("DELETE", "/notes/{id}"): Policy.ON_CREATED},
                           whoami="/me", created_by=created_by)


def pack() -> Pack:
    return Pack(
        name="echo",
        title="Echo notes",
        versions=(Version("1", str(HERE / "openapi.yaml"), "/echo/v1", "1"),
                  Version("2", str(HERE / "openapi-v2.yaml"), "/echo/v2", "2")),
        handlers="tests.packs.echo.handlers",
        schema=SCHEMA,
        build_world=build,
        open_world=resume,
        context=lambda backend, version: Echo(backend, version.context),
        security=security,
        errors=EchoErrors(),
        auth_header="X-Echo-Key",
        arranger=Arranger,
        scenario_actions={"add_note": Arranger.add_note},
        contract=contract_profile,
        diff=DiffProfile(replay=None, recipe="empty"),
        fixtures_path=HERE / "fixtures",
    )
