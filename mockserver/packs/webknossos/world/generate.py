"""Build a deterministic world from a seed and a recipe.

One ``random.Random(seed)`` and one ``Faker`` seeded with ``seed_instance(seed)`` drive everything,
so the same seed and recipe give the same records (and so byte-identical responses). Cross
references are consistent: a task's project, type and dataset exist; task annotations belong to
task instances of users in the project's team; instance counters add up.
"""

from __future__ import annotations

import datetime
import random
import re
from typing import Any

from faker import Faker

from mockserver.packs.webknossos import records as r
from mockserver.packs.webknossos.world.ids import IdFactory
from mockserver.packs.webknossos.world.recipe import Recipe
from mockserver.packs.webknossos.world.skeletons import random_skeleton, volume_content
from mockserver.store import Store
from mockserver.world import KnownUser, WorldInfo

EPOCH_MS = 1_672_531_200_000  # 2023-01-01T00:00:00Z; seeded times lie in 2023
DAY_MS = 86_400_000
DOMAINS = ("flight-tracing", "axon-tracing", "synapse-annotation", "soma-detection", "proofreading", "dendrites")
REGIONS = ("Cortex", "Retina", "Hippocampus", "Cerebellum", "Striatum", "Thalamus", "Zebrafish", "Fly_Brain")
TASK_TYPE_SUMMARIES = (
    ("axon tracing", "skeleton"), ("dendrite tracing", "skeleton"), ("synapse annotation", "volume"),
    ("soma detection", "hybrid"), ("spine counting", "skeleton"), ("merger proofreading", "hybrid"),
    ("myelin segmentation", "volume"), ("glia annotation", "skeleton"),
)
ROLE_ORDER = ("admin", "manager", "user")
KNOWN_USER_OPEN_TASKS = 2
"""Seeded Active task annotations a known user keeps at most (more become Finished): the real server hands
no task to a user with 5 open ones (``webKnossos.tasks.maxOpenPerUser``), and the printed users must get one."""
BATCH_ROWS = 5_000
"""Records the builder collects before writing them with one statement per table."""


def default_settings(tracing_type: str) -> dict[str, Any]:
    modes = ["orthogonal"] if tracing_type == "volume" else ["orthogonal", "oblique", "flight"]
    return {
        "allowedModes": modes, "branchPointsAllowed": True, "somaClickingAllowed": True,
        "volumeInterpolationAllowed": True, "mergerMode": False, "resolutionRestrictions": {},
    }


def build_world(store: Store, seed: int, recipe: Recipe, public_url: str) -> WorldInfo:
    """Fill an empty ``store`` with the world of ``seed`` and ``recipe``; return the known users."""
    builder = _Builder(store, seed, recipe, public_url.rstrip("/"))
    with store.transaction():
        known = builder.build()
        builder.flush()
    return WorldInfo(seed=seed, recipe=recipe.name, known_users=known)


def known_users(store: Store) -> tuple[KnownUser, ...]:
    """The admin, team manager and plain user of an existing world (the first three users created)."""
    users = store.select(r.User, order="created, id", limit=3)
    return tuple(KnownUser(role, u.id, u.email, u.token) for role, u in zip(ROLE_ORDER, users, strict=False))


class _Builder:
    def __init__(self, store: Store, seed: int, recipe: Recipe, public_url: str) -> None:
        self.store, self.recipe, self.url = store, recipe, public_url
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.ids = IdFactory(self.rng)
        self.clock = EPOCH_MS
        self.used_names: set[str] = set()
        self.type_domains: dict[str, str] = {}
        self.pending: dict[type[Any], list[Any]] = {}
        self.pending_rows = 0
        self.team_users: dict[tuple[str, ...], list[r.User]] = {}
        self.open_tasks: dict[str, int] = {}
        """Seeded Active task annotations per known user (the first three of each organization)."""

    # helpers ----------------------------------------------------------------------------------

    def tick(self, max_days: float = 2.0) -> int:
        self.clock += int(self.rng.random() * max_days * DAY_MS) + 1000
        return self.clock

    def unique(self, make: Any) -> str:
        for _ in range(1000):
            candidate = str(make())
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        raise RuntimeError("could not find a unique name")

    def some_date(self) -> str:
        """A date between 2012 and 2022, from the seeded generator (not from today's date)."""
        return (datetime.date(2012, 1, 1) + datetime.timedelta(days=self.rng.randrange(3650))).isoformat()

    def add(self, *records: Any) -> None:
        """Queue records for insertion (in order per table, so row ids do not depend on batching)."""
        for record in records:
            queue = self.pending.get(type(record))
            if queue is None:
                queue = self.pending[type(record)] = []
            queue.append(record)
        self.pending_rows += len(records)
        if self.pending_rows >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the queued records; needed before reading the store."""
        for cls, records in self.pending.items():
            self.store.insert_many(cls, records)
        self.pending.clear()
        self.pending_rows = 0

    def select_users(self, where: str, params: tuple[str, ...]) -> list[r.User]:
        """Users of a team (memoized: users and memberships do not change while projects are built)."""
        key = (where, *params)
        if key not in self.team_users:
            self.flush()
            self.team_users[key] = self.store.select(r.User, where, params)
        return self.team_users[key]

    # world ------------------------------------------------------------------------------------

    def build(self) -> tuple[KnownUser, ...]:
        self.add(r.Datastore("localhost", self.url, self.url, "something-secure"))
        self.add(r.Tracingstore("localhost", self.url, self.url))
        known: list[KnownUser] = []
        for index in range(self.recipe.organizations):
            known.extend(self.organization(first=index == 0))
        self.short_links()
        return tuple(known[:3])

    def organization(self, *, first: bool) -> list[KnownUser]:
        created = self.tick()
        company = self.fake.company()
        slug = "sample_organization" if first else self.unique(lambda: _slug(self.fake.company()))
        org = r.Organization(self.ids.object_id(created), slug, company, created)
        self.add(org)
        teams = self.teams(org)
        users = self.users(org, teams, primary=first)
        folders = self.folders(org)
        datasets = self.datasets(org, teams, folders)
        task_types = self.task_types(org, teams)
        scripts = [self.script(users[0]) for _ in range(self.recipe.scripts)]
        self.projects(org, teams, users, datasets, task_types, scripts)
        self.explorationals(users, datasets)
        self.logged_times(users)
        return [KnownUser(role, u.id, u.email, u.token) for role, u in zip(ROLE_ORDER, users, strict=False)]

    def teams(self, org: r.Organization) -> list[r.Team]:
        teams = []
        for _ in range(self.recipe.teams):
            name = self.unique(lambda: f"{self.fake.last_name().lower()}_lab")
            teams.append(r.Team(self.ids.object_id(self.tick(0.1)), name, org.id))
        self.add(*teams)
        return teams

    def users(self, org: r.Organization, teams: list[r.Team], *, primary: bool) -> list[r.User]:
        users = []
        domain = f"{org.name.replace('_', '-')}.example.org"
        for index in range(self.recipe.users):
            first, last = self.fake.first_name(), self.fake.last_name()
            email = self.unique(lambda f=first, la=last: f"{f}.{la}{self.rng.randint(1, 99)}@{domain}".lower())
            created = self.tick(0.5)
            experiences = {d: self.rng.randint(1, 10) for d in self.rng.sample(DOMAINS, k=self.rng.randint(0, 3))}
            if index < 3:  # the known users qualify for every task of the seeded world
                experiences = dict.fromkeys(DOMAINS, 10)
            user = r.User(
                id=self.ids.object_id(created), email=email, first_name=first, last_name=last,
                organization_id=org.id, token=self.ids.token(), created=created,
                last_activity=created + self.rng.randint(1, 300) * DAY_MS // 10,
                is_admin=index == 0, is_dataset_manager=index == 0, is_organization_owner=index == 0,
                is_super_user=index == 0 and primary,
                is_active=index < 3 or self.rng.random() > 0.05, experiences=experiences,
            )
            users.append(user)
            self.add(user)
            if index < 3:
                self.open_tasks[user.id] = 0
            self.memberships(index, user, teams)
        return users

    def memberships(self, index: int, user: r.User, teams: list[r.Team]) -> None:
        if index == 0:
            chosen = [teams[0]]
        elif index < 3:
            chosen = teams[:2] if len(teams) > 1 else teams[:1]
        else:
            chosen = self.rng.sample(teams, k=self.rng.randint(1, min(2, len(teams))))
        for team in chosen:
            manager = index == 1 or (index >= 3 and self.rng.random() < 0.1)
            self.add(r.Membership(user.id, team.id, manager))

    def folders(self, org: r.Organization) -> list[r.Folder]:
        root = r.Folder(self.ids.object_id(self.tick(0.1)), org.name, org.id, None)
        folders = [root]
        for _ in range(self.recipe.folders):
            name = self.unique(lambda: self.fake.word().capitalize() + " data")
            folders.append(r.Folder(self.ids.object_id(self.tick(0.1)), name, org.id, self.rng.choice(folders).id))
        self.add(*folders)
        return folders

    def datasets(self, org: r.Organization, teams: list[r.Team], folders: list[r.Folder]) -> list[r.Dataset]:
        datasets = []
        for index in range(self.recipe.datasets):
            created = self.tick()
            name = "l4_sample" if index == 0 else self.unique(
                lambda: f"{self.some_date()}_{self.rng.choice(REGIONS)}")
            inactive = index == self.recipe.datasets - 1 and index > 1
            dataset = r.Dataset(
                id=self.ids.object_id(created), organization_id=org.id, name=name, datastore_name="localhost",
                folder_id=self.rng.choice(folders).id, data_source=self.data_source(inactive), created=created,
                sorting_key=created, is_active=not inactive, is_public=index == 1,
                description=self.fake.sentence() if self.rng.random() < 0.5 else None,
                tags=self.rng.sample(["connectome", "EM", "light-sheet", "demo", "sample"], k=self.rng.randint(0, 2)),
            )
            datasets.append(dataset)
            self.add(dataset)
            allowed = self.rng.sample(teams, k=self.rng.randint(1, len(teams)))
            if index == 0 and teams[0] not in allowed:  # l4_sample is open to the known users' first team
                allowed.append(teams[0])
            for team in allowed:
                self.add(r.DatasetTeam(dataset.id, team.id))
        return datasets

    def data_source(self, inactive: bool) -> dict[str, Any]:
        scale = [round(self.rng.choice([5.0, 9.0, 11.24, 12.0]), 2)] * 2 + [float(self.rng.choice([20, 25, 28, 30]))]
        if inactive:
            return {"status": "No longer available on datastore.", "scale": scale}
        top_left = [self.rng.randrange(0, 4096, 64) for _ in range(3)]
        size = [self.rng.choice([512, 1024, 2048]) for _ in range(3)]
        bbox = {"topLeft": top_left, "width": size[0], "height": size[1], "depth": size[2]}
        mags = [[1, 1, 1], [2, 2, 1], [4, 4, 1], [8, 8, 2], [16, 16, 4]]
        color = {"name": "color", "category": "color", "boundingBox": bbox, "resolutions": mags,
                 "elementClass": "uint8", "defaultViewConfiguration": {"color": [255, 255, 255]}}
        segmentation = {"name": "segmentation", "category": "segmentation", "boundingBox": bbox, "resolutions": mags,
                        "elementClass": "uint32", "largestSegmentId": self.rng.randint(1000, 3_000_000)}
        return {"dataLayers": [color, segmentation], "scale": scale}

    def task_types(self, org: r.Organization, teams: list[r.Team]) -> list[r.TaskType]:
        types = []
        for index in range(self.recipe.task_types):
            summary, tracing_type = TASK_TYPE_SUMMARIES[index % len(TASK_TYPE_SUMMARIES)]
            if index >= len(TASK_TYPE_SUMMARIES):
                summary = f"{summary} {index // len(TASK_TYPE_SUMMARIES) + 1}"
            settings = default_settings(tracing_type)
            if tracing_type != "volume" and self.rng.random() < 0.5:
                settings["preferredMode"] = "flight"
            types.append(r.TaskType(
                id=self.ids.object_id(self.tick(0.2)), organization_id=org.id, summary=summary,
                description=self.fake.sentence(nb_words=10), team_id=teams[index % len(teams)].id,
                settings=settings, tracing_type=tracing_type,
                recommended_configuration={"clippingDistance": 500, "moveValue": 500} if index % 2 else None,
            ))
        self.add(*types)
        for index, task_type in enumerate(types):
            self.type_domains[task_type.id] = DOMAINS[index % len(DOMAINS)]
        return types

    def script(self, owner: r.User) -> r.Script:
        name = self.unique(lambda: f"highlight {self.fake.word()}s")
        script = r.Script(self.ids.object_id(self.tick(0.2)), name,
                          f"https://gist.github.com/{self.fake.user_name()}/{self.rng.getrandbits(64):016x}", owner.id)
        self.add(script)
        return script

    def projects(self, org: r.Organization, teams: list[r.Team], users: list[r.User], datasets: list[r.Dataset],
                 task_types: list[r.TaskType], scripts: list[r.Script]) -> None:
        active = [d for d in datasets if d.is_active]
        plan = [self.recipe.tasks_per_project] * self.recipe.projects
        if self.recipe.large_project_tasks:
            plan.append(self.recipe.large_project_tasks)
        for index, task_count in enumerate(plan):
            team = teams[0] if index < 2 else self.rng.choice(teams)
            created = self.tick()
            managers = self.select_users("id IN (SELECT user_id FROM memberships WHERE team_id = ? AND "
                                         "is_team_manager = 1) AND organization_id = ?", (team.id, org.id))
            owner = managers[0] if managers else users[0]
            name = self.unique(
                lambda: f"{self.fake.word()}_{self.rng.choice(REGIONS).lower()}_{self.rng.randint(1, 99)}")
            project = r.Project(
                id=self.ids.object_id(created), organization_id=org.id, name=name, team_id=team.id,
                owner_id=owner.id, priority=self.rng.randint(1, 100), created=created,
                paused=index == 2, expected_time=self.rng.choice([None, 30, 60, 90, 120]),
            )
            self.add(project)
            dataset = self.rng.choice(active)
            task_type = self.rng.choice(task_types)
            members = self.select_users("id IN (SELECT user_id FROM memberships WHERE team_id = ?)", (team.id,))
            for _ in range(task_count):
                self.task(project, dataset, task_type, scripts, members)

    def task(self, project: r.Project, dataset: r.Dataset, task_type: r.TaskType, scripts: list[r.Script],
             members: list[r.User]) -> None:
        created = self.tick(0.05)
        bbox = dataset.data_source["dataLayers"][0]["boundingBox"]
        low, high = self.recipe.instances_per_task
        total = self.rng.randint(max(low, 1), max(high, 1))
        (x, y, z), randrange = bbox["topLeft"], self.rng.randrange
        position = [x + randrange(bbox["width"]), y + randrange(bbox["height"]), z + randrange(bbox["depth"])]
        task_bbox = None
        if self.rng.random() < 0.5:
            task_bbox = {"topLeft": [p - 64 for p in position], "width": 128, "height": 128, "depth": 64}
        task_id = self.ids.object_id(created)
        experience = self.rng.randint(1, 3)
        script_id = self.rng.choice(scripts).id if scripts and self.rng.random() < 0.2 else None
        assigned = min(len(members), int(total * self.recipe.assigned_fraction))
        # sample(k=0) draws nothing: skipping it keeps the random sequence and saves its overhead per task
        assignees = self.rng.sample(members, k=assigned) if assigned else []
        pending = total
        for user in assignees:
            state = self.rng.choices(["Finished", "Active", "Cancelled"], weights=[5, 3, 1])[0]
            state = self.known_user_state(user, state)
            self.annotation(user, dataset, task_type.tracing_type, state=state, task_id=task_id)
            if state != "Cancelled":
                pending -= 1
        self.add(r.Task(
            id=task_id, project_id=project.id, task_type_id=task_type.id, dataset_id=dataset.id,
            needed_experience_domain=self.type_domains[task_type.id], needed_experience_value=experience,
            total_instances=total, pending_instances=pending, edit_position=position, edit_rotation=[0.0, 0.0, 0.0],
            created=created, script_id=script_id, bounding_box=task_bbox, creation_info=None, description=None,
        ))

    def known_user_state(self, user: r.User, state: str) -> str:
        """``state`` of a seeded task annotation of ``user``; Finished past a known user's open tasks."""
        if state != "Active" or user.id not in self.open_tasks:
            return state
        if self.open_tasks[user.id] >= KNOWN_USER_OPEN_TASKS:
            return "Finished"
        self.open_tasks[user.id] += 1
        return state

    def annotation(self, user: r.User, dataset: r.Dataset, tracing_type: str, *, state: str,
                   task_id: str | None = None) -> None:
        created = self.tick(0.05)
        bbox = dataset.data_source["dataLayers"][0]["boundingBox"]
        layers = []
        if tracing_type in ("skeleton", "hybrid"):
            tracing = r.Tracing(self.ids.tracing_id(), "Skeleton", random_skeleton(self.rng, bbox, created))
            self.add(tracing)
            layers.append({"tracingId": tracing.id, "typ": "Skeleton", "name": "Skeleton"})
        if tracing_type in ("volume", "hybrid"):
            segment_id = dataset.data_source["dataLayers"][1].get("largestSegmentId")
            tracing = r.Tracing(self.ids.tracing_id(), "Volume", volume_content("segmentation", segment_id))
            self.add(tracing)
            layers.append({"tracingId": tracing.id, "typ": "Volume", "name": "Volume"})
        explorational = task_id is None
        self.add(r.Annotation(
            id=self.ids.object_id(created), typ="Explorational" if explorational else "Task", state=state,
            user_id=user.id, dataset_id=dataset.id, layers=layers, created=created,
            modified=created + self.rng.randint(1, 5000) * 1000, task_id=task_id,
            name=self.fake.catch_phrase() if explorational and self.rng.random() < 0.5 else "",
            description=self.fake.sentence() if explorational and self.rng.random() < 0.3 else "",
            visibility=self.rng.choice(["Internal", "Internal", "Public", "Private"]) if explorational else "Internal",
            tags=self.rng.sample(["axon", "todo", "checked", "soma"], k=self.rng.randint(0, 2))
            if explorational else [],
            tracing_time=self.rng.randint(1, 3600) * 1000 if state != "Active" or self.rng.random() < 0.5 else None,
        ))

    def explorationals(self, users: list[r.User], datasets: list[r.Dataset]) -> None:
        active = [d for d in datasets if d.is_active]
        low, high = self.recipe.explorationals_per_user
        for index, user in enumerate(users):
            count = self.rng.randint(low, high)
            if index < 3:
                count = max(count, 1)
            for number in range(count):
                tracing_type = self.rng.choice(["skeleton", "skeleton", "volume", "hybrid"])
                state = "Finished" if self.rng.random() < 0.2 else "Active"
                if index < 3 and number == 0:  # each known user has an active skeleton to work with
                    tracing_type, state = "skeleton", "Active"
                self.annotation(user, self.rng.choice(active), tracing_type, state=state)

    def logged_times(self, users: list[r.User]) -> None:
        for user in users:
            for month in sorted(self.rng.sample(range(1, 13), k=self.rng.randint(0, 4))):
                created = EPOCH_MS + month * 30 * DAY_MS
                self.add(r.LoggedTime(self.ids.object_id(created), user.id, 2023, month, self.rng.randint(60, 90_000)))

    def short_links(self) -> None:
        self.flush()
        annotations = self.store.select(r.Annotation, order="id", limit=self.recipe.short_links)
        for annotation in annotations:
            link = r.ShortLink(self.ids.object_id(self.tick(0.1)), self.ids.token(16),
                               f"{self.url}/annotations/{annotation.id}")
            self.add(link)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
