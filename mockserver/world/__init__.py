"""Seeded world generation: recipes (``recipe``), ids, tracing content and the builder."""

from mockserver.world.generate import KnownUser, WorldInfo, build_world, known_users
from mockserver.world.recipe import Recipe

__all__ = ["KnownUser", "Recipe", "WorldInfo", "build_world", "known_users"]
