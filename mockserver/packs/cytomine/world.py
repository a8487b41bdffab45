"""The seeded world from a recipe (``fixtures/cytomine/recipes/*.yaml``): users with key pairs, a storage, an
ontology and its terms, abstract images, a project with image instances and annotations.

One ``random.Random(seed)`` and one ``Faker`` seeded with ``seed_instance(seed)`` make everything; ids come from
the one global sequence (``records.Sequence``), starting at ``FIRST_ID``.
"""

from __future__ import annotations

import base64
import dataclasses
import random
import uuid
from pathlib import Path
from typing import Any

import yaml
from faker import Faker

from mockserver.errors import ConfigurationError
from mockserver.packs.cytomine import records as r
from mockserver.packs.cytomine.api import next_id
from mockserver.packs.cytomine.deployment import add_slice, place
from mockserver.resources import fixtures_dir, recipe_path
from mockserver.store import Store
from mockserver.world import KnownUser, WorldInfo

FIRST_ID = 6_836_000
EPOCH_MS = 1_700_000_000_000
"""Seeded objects were made in November 2023."""
PROJECT_CLASS = "be.cytomine.domain.project.Project"
FORMATS = (("svs", "openslide/svs", 40), ("tif", "ome/tif", 20), ("ndpi", "openslide/ndpi", 20))


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    users: list[dict[str, Any]]
    storage: str
    ontology: str | None
    terms: list[dict[str, Any]]
    project: str | None
    images: int
    annotations: int
    furnished: bool = False
    """One of each thing the project can hold besides images and annotations (a tag, a property, a description,
    an attached file, a track, an image group, an annotation group and link, a filter): a contract run's reads
    of them then get a 2xx."""


def recipes_dir() -> Path:
    return fixtures_dir() / "cytomine" / "recipes"


def load_recipe(name: str) -> Recipe:
    path = recipe_path(name, "cytomine")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in recipes_dir().glob("*.yaml")))
        raise ConfigurationError(f"recipe {name!r} not found (looked at {path}; cytomine has: {known})")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fields = {f.name for f in dataclasses.fields(Recipe)} - {"name"}
    if not fields - {"furnished"} <= set(data) <= fields:
        raise ConfigurationError(f"recipe {name!r} must have exactly the keys {', '.join(sorted(fields))} "
                                 "(furnished may be left out)")
    recipe = Recipe(name=name, **data)
    if not recipe.users or not all({"role", "username", "admin"} <= set(u) for u in recipe.users):
        raise ConfigurationError(f"recipe {name!r}: users need role, username and admin")
    if recipe.annotations and not (recipe.images and recipe.project):
        raise ConfigurationError(f"recipe {name!r}: annotations need a project with images")
    return recipe


class Builder:
    def __init__(self, store: Store, seed: int) -> None:
        self.store, self.rng = store, random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.clock = EPOCH_MS

    def id(self) -> int:
        return next_id(self.store)

    def time(self) -> int:
        self.clock += self.rng.randrange(1_000, 600_000)
        return self.clock

    def key(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def user(self, spec: dict[str, Any]) -> r.User:
        first, last = self.fake.first_name(), self.fake.last_name()
        return r.User(self.id(), spec["username"], first, last, f"{spec['username']}@example.org", self.key(),
                      self.key(), f"{self.rng.getrandbits(160):040x}", bool(spec["admin"]), self.time())

    def images(self, recipe: Recipe, storage: r.Storage, owner: r.User) -> list[r.AbstractImage]:
        made = []
        for index in range(recipe.images):
            ext, content_type, magnification = FORMATS[index % len(FORMATS)]
            name = f"{self.fake.word()}-{index + 1}.{ext}"
            upload = r.UploadedFile(self.id(), storage.id, owner.id, name, f"{self.rng.getrandbits(40):010x}.{ext}",
                                    ext, content_type, self.rng.randrange(10**6, 10**9), 100, None, self.time())
            width, height = self.rng.randrange(20_000, 60_000), self.rng.randrange(15_000, 40_000)
            image = r.AbstractImage(self.id(), upload.id, name, width, height, 1, 3, magnification, 0.499,
                                    content_type, owner.id, self.time())
            self.store.insert(upload, image)
            add_slice(self.store, image, image.created)
            made.append(image)
        return made

    def polygon(self, image: r.AbstractImage) -> str:
        x, y = self.rng.randrange(image.width - 2_000), self.rng.randrange(image.height - 2_000)
        w, h = self.rng.randrange(50, 2_000), self.rng.randrange(50, 2_000)
        return f"POLYGON (({x} {y}, {x + w} {y}, {x + w} {y + h}, {x} {y + h}, {x} {y}))"


def build(store: Store, seed: int, recipe_name: str, base_url: str) -> WorldInfo:
    recipe = load_recipe(recipe_name)
    with store.transaction():
        store.insert(r.Sequence(1, FIRST_ID))
        make = Builder(store, seed)
        roles = {a: r.Role(make.id(), a, EPOCH_MS) for a in r.AUTHORITIES}
        store.insert(*roles.values())
        users = [make.user(spec) for spec in recipe.users]
        store.insert(*users)
        for user in users:
            for authority in ("ROLE_USER", "ROLE_ADMIN") if user.admin else ("ROLE_USER",):
                store.insert(r.UserRole(make.id(), user.id, roles[authority].id, user.created))
        owner = next((u for u in users if u.admin), users[0])
        storage = r.Storage(make.id(), recipe.storage, owner.id, make.time())
        store.insert(storage)
        terms = _ontology(make, recipe, owner)
        bases = make.images(recipe, storage, owner)
        if recipe.project:
            _project(make, recipe, users, owner, terms, bases)
    return resume(store, seed, recipe_name, recipe)


def _ontology(make: Builder, recipe: Recipe, owner: r.User) -> list[r.Term]:
    if not recipe.ontology:
        return []
    ontology = r.Ontology(make.id(), recipe.ontology, owner.id, make.time())
    make.store.insert(ontology)
    terms: dict[str, r.Term] = {}
    for spec in recipe.terms:
        parent = terms[spec["parent"]].id if spec.get("parent") else None
        terms[spec["name"]] = r.Term(make.id(), spec["name"], ontology.id, spec["color"], None, parent, make.time())
        make.store.insert(terms[spec["name"]])
        if parent is not None:
            make.store.insert(r.RelationTerm(make.id(), parent, terms[spec["name"]].id, make.time()))
    return list(terms.values())


def _project(make: Builder, recipe: Recipe, users: list[r.User], owner: r.User, terms: list[r.Term],
             bases: list[r.AbstractImage]) -> None:
    ontology = terms[0].ontology if terms else None
    project = r.Project(make.id(), recipe.project or "", ontology, owner.id, make.time())
    make.store.insert(project, r.Member(project.id, owner.id, True, project.created))
    contributors = [u for u in users if not u.admin][:1]  # the recipe's first plain user contributes
    make.store.insert(*(r.Member(project.id, u.id, False, project.created) for u in contributors))
    images = [place(make.store, base, project.id, owner.id, make.time()) for base in bases]
    annotations = _annotations(make, recipe, project, images, bases, [owner, *contributors], terms)
    if recipe.furnished and annotations:
        _furnish(make, project, annotations[0], owner)


def _annotations(make: Builder, recipe: Recipe, project: r.Project, images: list[r.ImageInstance],
                 bases: list[r.AbstractImage], authors: list[r.User], terms: list[r.Term]) -> list[r.Annotation]:
    """``recipe.annotations`` polygons round the images and authors, each with the next term; their ids are
    taken from the sequence in the same order one by one would (annotation, its term link, the next …), with
    one update of the sequence and one bulk insert per table."""
    sequence = make.store.get(r.Sequence, 1)
    assert sequence is not None
    last = sequence.last
    annotations, links = [], []
    for index in range(recipe.annotations):
        author = authors[index % len(authors)]
        last += 1
        annotation = r.Annotation(last, images[index % len(images)].id, project.id, author.id,
                                  make.polygon(bases[index % len(bases)]), make.time())
        annotations.append(annotation)
        if terms:
            last += 1
            links.append(r.AnnotationTerm(last, annotation.id, terms[index % len(terms)].id, author.id,
                                          annotation.created))
    make.store.update(sequence, last=last)
    make.store.insert_many(r.Annotation, annotations)
    make.store.insert_many(r.AnnotationTerm, links)
    return annotations


def _furnish(make: Builder, project: r.Project, annotation: r.Annotation, owner: r.User) -> None:
    """A tag on the project, a property, a description and an attached file of it, a track holding
    ``annotation``, an image group with its image, an annotation group linking it, a filter."""
    domain = PROJECT_CLASS, project.id
    tag = r.Tag(make.id(), make.fake.word(), owner.id, make.time())
    track = r.Track(make.id(), make.fake.word(), annotation.image, project.id, "#000000", make.time())
    group = r.ImageGroup(make.id(), make.fake.word(), project.id, make.time())
    annotation_group = r.AnnotationGroup(make.id(), project.id, group.id, "SAME_OBJECT", make.time())
    make.store.insert(
        tag, r.TagAssociation(make.id(), tag.id, *domain, make.time()),
        r.Property(make.id(), *domain, "stain", "H&E", make.time()),
        r.Description(make.id(), *domain, f"<p>{make.fake.sentence()}</p>", make.time()),
        r.AttachedFile(make.id(), *domain, "notes.txt", base64.b64encode(b"notes").decode(), make.time()),
        track, r.AnnotationTrack(make.id(), annotation.id, track.id, make.time()),
        group, r.ImageGroupImage(make.id(), group.id, annotation.image, make.time()),
        annotation_group,
        r.AnnotationLink(make.id(), annotation_group.id, annotation.id, annotation.image, make.time()),
        r.AnnotationFilter(make.id(), make.fake.word(), project.id, owner.id, [], [], make.time()))


def resume(store: Store, seed: int, recipe: str, loaded: Recipe | None = None) -> WorldInfo:
    """The known users: the recipe's users by role, each with its bearer token and key pair."""
    loaded = loaded or load_recipe(recipe)
    known = []
    for spec in loaded.users:
        user = store.one(r.User, "username = ?", (spec["username"],))
        if user is not None:
            known.append(KnownUser(spec["role"], str(user.id), user.username, f"Bearer {user.token}",
                                   (("publicKey", user.public_key), ("privateKey", user.private_key))))
    return WorldInfo(seed, recipe, tuple(known))
