"""The reports of a proxy run, one renderer per file name (``RENDERERS``): JSON, JUnit XML and a self-contained HTML
page. Each gets a ``Report`` whose texts are already redacted; the HTML page escapes every one of them."""

from __future__ import annotations

import collections
import html
import json
from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:
    from mockserver.proxy.report import Report
    from mockserver.proxy.spec_check import Violation


def to_json(report: Report) -> str:
    violations = [{"exchange": number, "request": request, **violation.as_dict()}
                  for number, request, violation in report.violations]
    unchecked = [{"exchange": number, "request": request, "reason": reason}
                 for number, request, reason in report.unchecked]
    return json.dumps({"exchanges": report.exchanges, "violations": violations, "unchecked": unchecked}, indent=2,
                      ensure_ascii=False)


def to_junit(report: Report) -> str:
    """One test case per operation with violations (a failure each), one skipped case per unchecked exchange."""
    by_operation: dict[str, list[tuple[str, Violation]]] = collections.defaultdict(list)
    for _, request, violation in report.violations:
        by_operation[violation.operation].append((request, violation))
    suite = ElementTree.Element("testsuite", name="mockserver proxy",
                                tests=str(max(1, len(by_operation)) + len(report.unchecked)),
                                failures=str(len(by_operation)), skipped=str(len(report.unchecked)))
    for operation, found in sorted(by_operation.items()):
        case = ElementTree.SubElement(suite, "testcase", classname="proxy", name=operation)
        for request, violation in found:
            failure = ElementTree.SubElement(case, "failure", type=violation.check,
                                             message=f"{violation.path} {violation.message}".strip())
            failure.text = request
    if not by_operation:
        ElementTree.SubElement(suite, "testcase", classname="proxy", name=f"{report.exchanges} exchanges")
    for number, request, reason in report.unchecked:
        case = ElementTree.SubElement(suite, "testcase", classname="proxy.unchecked", name=f"#{number} {request}")
        ElementTree.SubElement(case, "skipped", message=reason)
    return ElementTree.tostring(suite, encoding="unicode")


STYLE = ("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
         "code{font-size:13px}.ok{color:#176f2c}.bad{color:#b00020}")


def to_html(report: Report) -> str:
    """One page, no external resource: the counts, the violations, the unchecked exchanges."""
    e = html.escape
    state = (f'<p class="bad">{len(report.violations)} violation(s)</p>' if report.violations
             else '<p class="ok">no violation</p>')
    rows = "".join(f"<tr><td>{number}</td><td><code>{e(request)}</code></td><td>{e(v.operation)}</td>"
                   f"<td>{e(v.check)}</td><td><code>{e(v.path)}</code></td><td>{e(v.message)}</td></tr>"
                   for number, request, v in report.violations)
    skipped = "".join(f"<tr><td>{number}</td><td><code>{e(request)}</code></td><td>{e(reason)}</td></tr>"
                      for number, request, reason in report.unchecked)
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mockserver proxy report</title>"
             f"<style>{STYLE}</style></head><body><h1>mockserver proxy report</h1>",
             f"<p>{report.exchanges} exchanges, {len(report.violations)} violation(s), {len(report.unchecked)} "
             f"unchecked</p>{state}"]
    if rows:
        parts.append("<h2>Violations</h2><table><tr><th>#</th><th>Exchange</th><th>Operation</th><th>Check</th>"
                     f"<th>JSON path</th><th>Message</th></tr>{rows}</table>")
    if skipped:
        parts.append("<h2>Unchecked</h2><table><tr><th>#</th><th>Exchange</th><th>Why</th></tr>"
                     f"{skipped}</table>")
    return "".join(parts) + "</body></html>\n"


RENDERERS: dict[str, Callable[[Report], str]] = {
    "proxy-report.json": to_json,
    "junit.xml": to_junit,
    "proxy-report.html": to_html,
}
"""File name → renderer; ``Findings.write`` writes each."""
