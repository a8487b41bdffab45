"""What a run found, read back from its JUnit report: one ``Finding`` per failed check and operation.

Schemathesis reports a failure by code and title (``ST108 Response violates schema``); ``check_of``
names the check that raises it (``response_schema_conformance``), and a domain check's failure
(``Custom check failed: `name```) names itself.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from xml.etree import ElementTree

import schemathesis.openapi.checks  # noqa: F401  (defines the failures of the OpenAPI checks)
from schemathesis.core.failures import Failure

_CODE = re.compile(r"^- (ST\d{3}) (.+)$", re.MULTILINE)
_CUSTOM = re.compile(r"Custom check failed: `(\w+)`")


@dataclasses.dataclass(frozen=True)
class Finding:
    operation: str
    """The JUnit test case: an operation label, or ``Stateful tests`` for a sequence."""
    check: str
    title: str
    details: str = dataclasses.field(default="", compare=False, repr=False)
    """The report's text of the failure (the response, a curl line, the schema path …)."""


def check_of(code: str) -> str:
    """The schemathesis check that reports failure ``code`` (``ST108`` → ``response_schema_conformance``)."""
    classes: list[type[Failure]] = [Failure]
    while classes:
        cls = classes.pop()
        if getattr(cls, "code", None) == code and getattr(cls, "checks", ()):
            return str(cls.checks[0])
        classes.extend(cls.__subclasses__())
    return code


def read_junit(path: Path) -> tuple[list[Finding], dict[str, str]]:
    """The findings of a JUnit report and the reasons of its skipped test cases (empty if it is missing)."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return [], {}
    findings: list[Finding] = []
    skipped: dict[str, str] = {}
    for testcase in root.iter("testcase"):
        name = testcase.get("name", "")
        for element in testcase:
            text = element.text or element.get("message") or ""
            if element.tag == "skipped":
                skipped[name] = text or "skipped"
            elif element.tag in ("failure", "error"):
                findings.extend(_parse(name, element.tag, text))
    return list(dict.fromkeys(findings)), skipped


def _parse(operation: str, tag: str, text: str) -> list[Finding]:
    found = [Finding(operation, check_of(code), f"{code} {title.strip()}", text) for code, title in _CODE.findall(text)]
    found += [Finding(operation, name, f"Custom check failed: {name}", text) for name in _CUSTOM.findall(text)]
    unique = list(dict.fromkeys(finding for finding in found if not finding.title.startswith("ST901")))
    first_line = text.strip().splitlines()[0] if text.strip() else tag
    return unique or [Finding(operation, "error" if tag == "error" else "unknown", first_line, text)]


def render(findings: list[Finding]) -> list[str]:
    """One line per finding: ``GET /users: response_schema_conformance (ST108 Response violates schema)``."""
    return [f"  {f.operation}: {f.check}" + ("" if f.title.startswith("Custom") else f" ({f.title})")
            for f in findings]
