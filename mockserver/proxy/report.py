"""What a proxy run found: each violation logged as it happens, a summary at the end, JSON and JUnit reports, the
exit code. Credentials seen in requests (the pack's auth header, ``Authorization``, cookies) never reach an
output."""

from __future__ import annotations

import collections
import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from mockserver.proxy.spec_check import Violation

logger = logging.getLogger("mockserver.proxy")
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 6
"""Shorter values are no credentials and would garble the output."""


class Findings:
    """The violations of a run, thread-safe; ``on_first`` is called once, at the first violation (``--fail-fast``)."""

    def __init__(self, on_first: Callable[[], None] | None = None) -> None:
        self.exchanges = 0
        self.found: list[tuple[int, str, Violation]] = []
        self.secrets: set[str] = set()
        self._on_first, self._lock = on_first, threading.Lock()

    def remember_secret(self, value: str) -> None:
        if len(value) >= MIN_SECRET_LENGTH:
            with self._lock:
                self.secrets.add(value)
                self.secrets.update(part for part in value.replace(";", " ").replace("=", " ").split()
                                    if len(part) >= MIN_SECRET_LENGTH)

    def redact(self, text: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def record(self, request: str, status: int, violations: list[Violation]) -> None:
        with self._lock:
            self.exchanges += 1
            number = self.exchanges
            first = not self.found and bool(violations)
            self.found += [(number, f"{request} → {status}", violation) for violation in violations]
        for violation in violations:
            where = f" at {violation.path}" if violation.path else ""
            logger.warning(self.redact(f"violation #{number} {request} → {status}: {violation.operation}: "
                                       f"{violation.check}{where}: {violation.message}"))
        if first and self._on_first is not None:
            self._on_first()

    @property
    def exit_code(self) -> int:
        return 1 if self.found else 0

    def summary(self) -> list[str]:
        counted = collections.Counter((v.operation, v.check) for _, _, v in self.found)
        lines = [f"{self.exchanges} exchanges, {len(self.found)} violation(s)"
                 + (":" if counted else " (every answer as its spec says)")]
        lines += [f"  {operation}: {check} ({count}×)" for (operation, check), count in sorted(counted.items())]
        return [self.redact(line) for line in lines]

    def write(self, directory: Path) -> list[Path]:
        """``proxy-report.json`` and ``junit.xml`` in ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        entries = [{"exchange": number, "request": request, **violation.as_dict()}
                   for number, request, violation in self.found]
        report = directory / "proxy-report.json"
        report.write_text(self.redact(json.dumps({"exchanges": self.exchanges, "violations": entries}, indent=2,
                                                 ensure_ascii=False)), encoding="utf-8")
        junit = directory / "junit.xml"
        junit.write_text(self.redact(self._junit()), encoding="utf-8")
        return [report, junit]

    def _junit(self) -> str:
        by_operation: dict[str, list[tuple[str, Violation]]] = collections.defaultdict(list)
        for _, request, violation in self.found:
            by_operation[violation.operation].append((request, violation))
        suite = ElementTree.Element("testsuite", name="mockserver proxy", tests=str(max(1, len(by_operation))),
                                    failures=str(len(by_operation)))
        for operation, found in sorted(by_operation.items()):
            case = ElementTree.SubElement(suite, "testcase", classname="proxy", name=operation)
            for request, violation in found:
                failure = ElementTree.SubElement(case, "failure", type=violation.check,
                                                 message=f"{violation.path} {violation.message}".strip())
                failure.text = request
        if not by_operation:
            ElementTree.SubElement(suite, "testcase", classname="proxy", name=f"{self.exchanges} exchanges")
        return ElementTree.tostring(suite, encoding="unicode")
