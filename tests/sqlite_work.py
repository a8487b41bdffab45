"""The work SQLite does for an action, counted in virtual-machine instructions, not timed: a query that reads past
rows it does not need costs more instructions with each of them, so a growth test compares counts, not clocks."""

from __future__ import annotations

from collections.abc import Callable

from mockserver.store import Store


def sqlite_instructions(store: Store, action: Callable[[], object], every: int = 10) -> int:
    """About how many instructions (in ``every``s) SQLite runs for ``store`` while ``action`` runs."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0  # go on

    connection = store._db
    connection.set_progress_handler(count, every)
    try:
        action()
    finally:
        connection.set_progress_handler(None, every)
    return counted[0]
