"""Seeded world generation: recipes (``recipe``), ids, tracing content and the builder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.errors import ConfigurationError
from mockserver.packs.webknossos.world.generate import build_world, known_users
from mockserver.packs.webknossos.world.recipe import Recipe
from mockserver.store import Store
from mockserver.world import KnownUser, WorldInfo


def build(store: Store, seed: int, recipe: str, base_url: str) -> WorldInfo:
    """The pack's world builder: the recipe by name or path, built into the empty ``store``."""
    return build_world(store, seed, Recipe.load(recipe), base_url)


def resume(store: Store, seed: int, recipe: str) -> WorldInfo:
    """The world already in ``store``: its known users are the first three users created."""
    return WorldInfo(seed, recipe, known_users(store))


def check_import(tables: Mapping[str, Any]) -> None:
    if len(tables.get("users") or []) < 3:
        raise ConfigurationError("a world needs at least three users (the known admin, manager and user)")


__all__ = ["KnownUser", "Recipe", "WorldInfo", "build", "build_world", "check_import", "known_users", "resume"]
