"""The seeded world from a recipe (``fixtures/idah/recipes/*.yaml``): accounts, projects and members, datasets
whose entries are spread over every workflow step, annotations, notes and label-config templates.

One ``random.Random(seed)`` and one ``Faker`` seeded with ``seed_instance(seed)`` make everything (ids are
UUIDv7 from the same generator); the same seed and recipe give the same world. Counters are rolled up the way
the service does after every change.
"""

from __future__ import annotations

import contextlib
import gc
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from faker import Faker

from mockserver.errors import ConfigurationError
from mockserver.packs.idah import records as r
from mockserver.packs.idah import workflow
from mockserver.packs.idah.auth import mint
from mockserver.packs.idah.ids import uuid7
from mockserver.packs.idah.lorem import Lorem
from mockserver.resources import fixtures_dir, recipe_path
from mockserver.store import Store
from mockserver.world import KnownUser, WorldInfo

EPOCH_MS = 1_768_384_800_000
"""2026-01-14 10:00:00 UTC: seeded records were made in the days after."""
TOKEN_EXP = 4_102_444_800
"""The printed tokens expire in 2100 (they are the same for every start of the same world)."""
LABELS = {"idah-image": {"idah-image:bounding-box": {"values": [
    {"id": "vehicles/car", "label": "Car", "color": "#F6402B", "text_color": "#FFFFFF"},
    {"id": "vehicles/bus", "label": "Bus", "color": "#3C4DB7", "parent": "vehicles", "text_color": "#FFFFFF"}],
    "properties": [{"id": "occlusion", "type": "boolean", "label": "occlusion", "required": True, "format": {}}]}}}
STATES = (("annotate", "pending", None, None, None),
          ("annotate", "in_progress", "annotator", None, None),
          ("annotate", "in_progress", "annotator2", None, None),
          ("review", "pending", None, "annotator", None),
          ("review", "in_progress", "reviewer", "annotator2", None),
          ("done", "completed", None, "annotator", "reviewer"),
          ("annotate", "in_progress", "annotator", "annotator", "reviewer"),
          ("error", "errored", None, None, None))
"""(wf_step, status, assignee, submitter, reviewer) by account label: the cycle seeded entries go through."""
PRIORITIES = (-2, -1, 0, 0, 1)
CATEGORIES = ("vehicles/car", "vehicles/bus")


class Seeded(NamedTuple):
    """A state of ``STATES`` worked out for one dataset's project: what every entry in it gets."""

    step: str
    status: str
    assigned_to_id: int | None
    submitted_by_id: int | None
    reviewed_by_id: int | None
    assigned_to_email: str | None
    submitted_by_email: str | None
    reviewed_by_email: str | None
    author_email: str
    """Who wrote the entry's annotations: the submitter, else the assignee, else the owner."""
    annotated: bool
    noted: bool


def recipes_dir() -> Path:
    return fixtures_dir() / "idah" / "recipes"


def load_recipe(name: str) -> dict[str, Any]:
    path = recipe_path(name, "idah")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in recipes_dir().glob("*.yaml")))
        raise ConfigurationError(f"recipe {name!r} not found (looked at {path}; idah has: {known})")
    recipe = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = {"organization_id", "password", "accounts", "projects"} - set(recipe)
    if missing:
        raise ConfigurationError(f"recipe {name!r} lacks {', '.join(sorted(missing))}")
    return dict(recipe)


FLUSH_EVERY = 5_000
"""Entries (with their annotations and notes) kept for one bulk insert: big datasets are built in slices."""


class Generator:
    def __init__(self, store: Store, seed: int, recipe: dict[str, Any]) -> None:
        self.store, self.recipe = store, recipe
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.lorem = Lorem(self.fake)
        self.clock = EPOCH_MS
        self.accounts: dict[str, r.Account] = {}
        self.pending: dict[type[Any], list[Any]] = {}
        """Records of a dataset's entries waiting for one bulk insert per type (``flush``)."""

    def add(self, record: Any) -> None:
        self.pending.setdefault(type(record), []).append(record)

    def flush(self) -> None:
        for cls, records in self.pending.items():
            self.store.insert_many(cls, records)
        self.pending.clear()

    def tick(self) -> int:
        self.clock += self.rng.randrange(1_000, 600_000)
        return self.clock

    def new_id(self) -> str:
        return uuid7(self.tick(), self.rng)

    def build_accounts(self) -> None:
        for number, spec in enumerate(self.recipe["accounts"], start=1):
            label = spec["label"]
            self.accounts[label] = r.Account(number, f"{label}@acme.test", self.fake.name(), spec.get("role", "user"),
                                             int(self.recipe["organization_id"]), str(self.recipe["password"]))
        self.store.insert(*self.accounts.values())

    def build_project(self, spec: dict[str, Any]) -> None:
        owner = next(label for label, role in spec["members"].items() if role == "project_owner")
        created = self.tick()
        project = r.Project(uuid7(created, self.rng), spec["name"], spec.get("description"),
                            self.accounts[owner].email, int(self.recipe["organization_id"]), created, created)
        self.store.insert(project)
        for label, role in spec["members"].items():
            account = self.accounts[label]
            disabled = self.tick() if label in spec.get("disabled", []) else None
            member_id = int(self.store.scalars("SELECT COALESCE(MAX(id), 0) + 1 FROM project_members")[0])
            self.store.insert(r.ProjectMember(member_id, project.id, account.id, account.name, account.email, role,
                                              None if label == owner else self.accounts[owner].id, disabled,
                                              self.clock, disabled or self.clock))
        members = {label for label in spec["members"] if label not in spec.get("disabled", [])}
        for dataset in spec.get("datasets", []):
            self.build_dataset(project, dataset, members)

    def build_dataset(self, project: r.Project, spec: dict[str, Any], members: set[str]) -> None:
        created = self.tick()
        dataset = r.Dataset(uuid7(created, self.rng), project.id, spec["name"], [self.lorem.word()], spec["modality"],
                            LABELS.get(spec["modality"], {}), {"sample_rate": spec.get("sample_rate", 1)},
                            "pending", 0.0, 0, 0, 0, created, created)
        self.store.insert(dataset)
        states = [self._state(state, members) for state in STATES]
        extension = "jpg" if dataset.modality == "idah-image" else "mov"
        for number in range(int(spec.get("entries", 0))):
            self.build_entry(dataset, number, states[number % len(states)], extension)
            if len(self.pending.get(r.Entry, ())) >= FLUSH_EVERY:
                self.flush()
        self.flush()
        workflow.roll_up(self.store, dataset.id, self.clock)

    def _state(self, state: tuple[str, str, str | None, str | None, str | None], members: set[str]) -> Seeded:
        """A state of the cycle for a project's members (one naming a non-member: a fresh pending entry)."""
        step, status, assignee, submitter, reviewer = state
        if not {assignee, submitter, reviewer} - {None} <= members:
            step, status, assignee, submitter, reviewer = STATES[0]
        people = [self.accounts[label] if label else None for label in (assignee, submitter, reviewer)]
        ids = [person.id if person else None for person in people]
        emails = [person.email if person else None for person in people]
        return Seeded(step, status, ids[0], ids[1], ids[2], emails[0], emails[1], emails[2],
                      emails[1] or emails[0] or "owner@acme.test", status != "pending" or bool(submitter),
                      status == "in_progress" and bool(reviewer or step == "review"))

    def build_entry(self, dataset: r.Dataset, number: int, state: Seeded, extension: str) -> None:
        """An entry in ``state``, with its annotations (once submitted or worked on) and notes (under review)."""
        rng = self.rng
        created = self.tick()
        entry = r.Entry(uuid7(created, rng), dataset.project_id, dataset.id,
                        f"{self.lorem.word()}_{number}.{extension}", rng.choice(PRIORITIES), state.step, state.status,
                        uuid7(created, rng), f"{rng.getrandbits(64):016x}.{extension}", state.assigned_to_id,
                        state.submitted_by_id, state.reviewed_by_id, state.assigned_to_email, state.submitted_by_email,
                        state.reviewed_by_email, created, created)
        self.add(entry)
        if state.annotated:
            for _ in range(rng.randint(1, 3)):
                self.build_annotation(entry, state.author_email)
        if state.noted:
            self.build_notes(entry)

    def build_annotation(self, entry: r.Entry, author_email: str) -> None:
        uniform = self.rng.uniform
        x, y = round(uniform(0, 0.8), 3), round(uniform(0, 0.8), 3)
        w, h = round(uniform(0.02, 0.2), 3), round(uniform(0.02, 0.2), 3)
        points = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
        created = self.tick()
        self.add(r.Annotation(
            uuid7(created, self.rng), entry.project_id, entry.dataset_id, entry.id,
            {"type": "idah-image:bounding-box", "points": points},
            {"category": self.rng.choice(CATEGORIES), "occlusion": self.rng.random() < 0.3},
            {"confidence": round(uniform(0.5, 1), 2)}, {}, author_email, created, created))

    def build_notes(self, entry: r.Entry) -> None:
        reviewer = self.accounts.get("reviewer") or next(iter(self.accounts.values()))
        for status in ("pending", "resolved"):
            created = self.tick()
            position = {"x": round(self.rng.random(), 2), "y": round(self.rng.random(), 2)}
            feed = r.NoteFeed(uuid7(created, self.rng), entry.project_id, entry.dataset_id, entry.id, None,
                              reviewer.email, "entry", position, status, self.lorem.sentence(), created, created, None)
            self.add(feed)
            self.add(r.NoteComment(uuid7(self.tick(), self.rng), feed.id, self.lorem.sentence(),
                                   entry.assigned_to_email or reviewer.email, self.clock, self.clock, None))

    def build_templates(self) -> None:
        for number, spec in enumerate(self.recipe.get("label_config_templates") or [], start=1):
            created = self.tick()
            self.store.insert(r.LabelConfigTemplate(number, int(self.recipe["organization_id"]), spec["name"],
                                                    spec["modality"], LABELS.get(spec["modality"], {}), created,
                                                    created))


@contextlib.contextmanager
def cycles_uncollected() -> Iterator[None]:
    """The cyclic garbage collector paused (as it was before, after): a big world makes hundreds of thousands of
    records, none in a cycle, and every collection on the way walks all of them again (a large build spent about
    a fifth of its time there); reference counting frees them all the same."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build(store: Store, seed: int, recipe_name: str, base_url: str) -> WorldInfo:
    make = Generator(store, seed, load_recipe(recipe_name))
    with store.transaction(), cycles_uncollected():
        make.build_accounts()
        for project in make.recipe["projects"]:
            make.build_project(project)
        make.build_templates()
    return resume(store, seed, recipe_name)


def resume(store: Store, seed: int, recipe_name: str) -> WorldInfo:
    """The known users: every account of the recipe, by its label, with a bearer token (printed at start)."""
    recipe = load_recipe(recipe_name)
    accounts = {a.email: a for a in store.select(r.Account, order="id")}
    users = []
    for spec in recipe["accounts"]:
        account = accounts.get(f"{spec['label']}@acme.test")
        if account is not None:
            users.append(KnownUser(spec["label"], str(account.id), account.email,
                                   f"Bearer {mint(account, TOKEN_EXP)}"))
    return WorldInfo(seed, recipe_name, tuple(users))
