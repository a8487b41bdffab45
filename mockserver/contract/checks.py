"""Registering a pack's domain checks with schemathesis for the length of one run.

A domain check is a plain function ``(ctx, response, case)`` named for the property it asserts; a
failure is an ``AssertionError`` (``followups.fail``) whose text names what was expected, the
follow-up request (as a curl line, token redacted) and the schema path of the operation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from schemathesis.checks import CHECKS

from mockserver.contract.followups import memo

CheckFunction = Callable[[Any, Any, Any], bool | None]


@contextlib.contextmanager
def registered(checks: Sequence[CheckFunction]) -> Iterator[None]:
    """``checks`` as schemathesis checks, with fresh per-run memory, for the ``with`` block."""
    memo.reset()
    for check in checks:
        CHECKS.register(check)
    try:
        yield
    finally:
        for check in checks:
            with contextlib.suppress(KeyError):
                CHECKS.unregister(check.__name__)
