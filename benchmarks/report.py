"""Where the single-script benchmarks (``reset``, ``world_build``) put their Markdown reports."""

from __future__ import annotations

import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_report(text: str, name: str, recipe: str, default_recipe: str) -> Path:
    """Write ``results/<name>.md`` (``<name>-<recipe>.md`` for a recipe other than ``default_recipe``), echo it."""
    target = RESULTS / (f"{name}.md" if recipe == default_recipe else f"{name}-{recipe}.md")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return target
