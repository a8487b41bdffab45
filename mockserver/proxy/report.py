"""What a proxy run found: each violation logged as it happens, exchanges that could not be checked, a summary at the
end, the reports (``render``), the exit code. Credentials seen in requests (the pack's auth header, ``Authorization``,
cookies) never reach an output."""

from __future__ import annotations

import base64
import collections
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from mockserver.proxy.render import RENDERERS
from mockserver.proxy.spec_check import Violation

logger = logging.getLogger("mockserver.proxy")
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 6
"""Shorter values are no credentials and would garble the output."""


def log_to_stderr() -> None:
    """The proxy's log (violations as they happen, unchecked exchanges) as bare lines on stderr."""
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


@dataclasses.dataclass(frozen=True)
class Report:
    """What the renderers show, credentials already redacted: ``violations`` and ``unchecked`` as (exchange number,
    ``METHOD /path → status``, the violation or the reason)."""

    exchanges: int
    violations: tuple[tuple[int, str, Violation], ...]
    unchecked: tuple[tuple[int, str, str], ...]


class Findings:
    """The violations of a run, thread-safe; ``on_first`` is called once, at the first violation (``--fail-fast``)."""

    def __init__(self, on_first: Callable[[], None] | None = None) -> None:
        self.exchanges = 0
        self.found: list[tuple[int, str, Violation]] = []
        self.unchecked: list[tuple[int, str, str]] = []
        self.secrets: set[str] = set()
        self._on_first, self._lock = on_first, threading.RLock()

    def remember_secret(self, value: str) -> None:
        """A credential header's value and its secret parts: the token after a scheme (``Basic …``, ``Token …``),
        each cookie's value (not its name: ``session`` is no secret, and would garble every text it occurs in)
        and, for Basic auth, the decoded ``user:password`` and the password."""
        parts = {value}
        scheme, _, token = value.strip().partition(" ")
        parts.add(token.strip())
        parts.update(piece.partition("=")[2].strip() for piece in value.split(";") if "=" in piece)
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError):
                pair = base64.b64decode(token.strip(), validate=True).decode("utf-8")
                parts |= {pair, pair.partition(":")[2]}
        with self._lock:
            self.secrets.update(part for part in parts if len(part) >= MIN_SECRET_LENGTH)

    def secret_values(self) -> list[str]:
        """The secrets seen so far, longest first (a secret's part is replaced after the whole)."""
        with self._lock:
            return sorted(self.secrets, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secret_values():
            text = text.replace(secret, REDACTED)
        return text

    def record(self, request: str, status: int, violations: list[Violation], unchecked: str = "") -> None:
        """One exchange: its violations, or why it was not checked (``unchecked``: no violation, no failure)."""
        with self._lock:
            self.exchanges += 1
            number = self.exchanges
            first = not self.found and bool(violations)
            self.found += [(number, f"{request} → {status}", violation) for violation in violations]
            if unchecked:
                self.unchecked.append((number, f"{request} → {status}", unchecked))
        for violation in violations:
            where = f" at {violation.path}" if violation.path else ""
            logger.warning(self.redact(f"violation #{number} {request} → {status}: {violation.operation}: "
                                       f"{violation.check}{where}: {violation.message}"))
        if unchecked:
            logger.info(self.redact(f"unchecked #{number} {request} → {status}: {unchecked}"))
        if first and self._on_first is not None:
            self._on_first()

    @property
    def exit_code(self) -> int:
        return 1 if self.found else 0

    def summary(self) -> list[str]:
        counted = collections.Counter((v.operation, v.check) for _, _, v in self.found)
        every = "every checked answer" if self.unchecked else "every answer"
        lines = [f"{self.exchanges} exchanges, {len(self.found)} violation(s)"
                 + (":" if counted else f" ({every} as its spec says)")]
        lines += [f"  {operation}: {check} ({count}×)" for (operation, check), count in sorted(counted.items())]
        reasons = collections.Counter(reason for _, _, reason in self.unchecked)
        lines += [f"unchecked: {reason} ({count}×)" for reason, count in sorted(reasons.items())]
        return [self.redact(line) for line in lines]

    def report(self) -> Report:
        """A snapshot for the renderers, every text redacted."""
        with self._lock:
            return Report(self.exchanges,
                          tuple((number, self.redact(request), Violation(**{key: self.redact(value) for key, value
                                                                           in violation.as_dict().items()}))
                                for number, request, violation in self.found),
                          tuple((number, self.redact(request), self.redact(reason))
                                for number, request, reason in self.unchecked))

    def write(self, directory: Path) -> list[Path]:
        """The reports of ``render.RENDERERS`` (``proxy-report.json``, ``junit.xml``, ``proxy-report.html``) in
        ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        report, written = self.report(), []
        for name, render in RENDERERS.items():
            path = directory / name
            path.write_text(self.redact(render(report)), encoding="utf-8")
            written.append(path)
        return written
