"""NML files on canonical tracing content: writing them as the real server does, reading uploads safely.

- ``model``: the writer's input (``NmlDocument``, ``NmlVolume``), the reader's output (``ParsedNml``,
  ``ParsedVolume``), errors and shared helpers.
- ``writer``: ``write_nml``, byte-exact server output (reference §10.1).
- ``reader``: ``parse_nml``, the real parser's rules and messages (§10.3), on top of
- ``safe_xml`` (hardened lxml: no DOCTYPE, entities, network; size, element and depth caps) and
- ``trees`` (the real tree validation and splitting of disconnected trees).
"""

from __future__ import annotations

from mockserver.packs.webknossos.nml.model import (
    EMPTY_FILE_TEXT,
    NmlDocument,
    NmlEmptyError,
    NmlParseError,
    NmlVolume,
    ParsedNml,
    ParsedVolume,
    all_group_ids,
    float32,
)
from mockserver.packs.webknossos.nml.reader import parse_nml
from mockserver.packs.webknossos.nml.trees import split_disconnected_trees
from mockserver.packs.webknossos.nml.writer import escape_attribute, java_double, write_nml

__all__ = [
    "EMPTY_FILE_TEXT",
    "NmlDocument",
    "NmlEmptyError",
    "NmlParseError",
    "NmlVolume",
    "ParsedNml",
    "ParsedVolume",
    "all_group_ids",
    "escape_attribute",
    "float32",
    "java_double",
    "parse_nml",
    "split_disconnected_trees",
    "write_nml",
]
