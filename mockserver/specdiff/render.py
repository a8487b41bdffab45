"""Renderers of diff reports: terminal (rich), Markdown, HTML, JSON and JUnit.

Every renderer takes a sequence of ``DiffReport``s (one per pair of versions) and returns text;
``RENDERERS`` maps the ``--format`` names to them. The JSON layout is described by
``report.schema.json`` next to this module (``JSON_SCHEMA_VERSION`` names it).
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from xml.etree import ElementTree

from rich.console import Console
from rich.table import Table

from mockserver.compare import Difference
from mockserver.specdiff.model import BehaviourReport, Change, DiffReport, Severity, total_counts

JSON_SCHEMA_VERSION = "mockserver-specdiff/1"
COLOURS = {
    Severity.BREAKING: "red",
    Severity.POTENTIALLY_BREAKING: "dark_orange",
    Severity.NON_BREAKING: "green",
    Severity.INFO: "blue",
}


def title(reports: Sequence[DiffReport]) -> str:
    if len(reports) == 1:
        return f"API changes: {reports[0].old_label} → {reports[0].new_label}"
    return f"API changes: {reports[0].old_label} → {reports[-1].new_label}, version by version"


def distinct(report: DiffReport) -> list[tuple[Change, list[str]]]:
    """The report's changes with equal severity, kind and reason merged: (first change, operations)."""
    groups: dict[tuple[Severity, str, str], tuple[Change, list[str]]] = {}
    for change in sorted(report.changes, key=lambda c: (c.severity.rank, c.kind.value, c.reason, c.path)):
        key = (change.severity, change.kind.value, change.reason)
        groups.setdefault(key, (change, []))[1].append(change.operation)
    return list(groups.values())


def explanation(difference: Difference, report: DiffReport) -> str:
    changes = {change.id: change for change in report.changes}
    if not difference.explained:
        return "unexplained"
    kinds = sorted({changes[i].kind.value for i in difference.explained_by if i in changes})
    return "explained by " + ", ".join(kinds)


# --- terminal ------------------------------------------------------------------------------------


def print_terminal(reports: Sequence[DiffReport], console: Console) -> None:
    """A rich summary per pair: counts, then the changes of each operation under its name."""
    for report in reports:
        console.rule(f"[bold]{report.old_label} → {report.new_label}[/bold]")
        counts = report.counts()
        console.print("  ".join(f"[{COLOURS[s]}]{counts[s]} {s.label}[/{COLOURS[s]}]" for s in Severity))
        for operation, changes in report.by_operation().items():
            console.print(f"\n[bold]{operation}[/bold]", highlight=False)
            table = Table(box=None, show_header=False, expand=True, padding=(0, 1))
            table.add_column("severity", no_wrap=True, width=20)
            table.add_column("where", ratio=2, overflow="fold")
            table.add_column("change", ratio=3, overflow="fold")
            for change in changes:
                colour = COLOURS[change.severity]
                table.add_row(f"[{colour}]{change.severity.label}[/{colour}]", str(change.location), change.reason)
            console.print(table)
        if report.behaviour:
            _print_behaviour(report, report.behaviour, console)


def _print_behaviour(report: DiffReport, behaviour: BehaviourReport, console: Console) -> None:
    console.print(f"behaviour ({behaviour.replay}, {len(behaviour.steps)} steps): "
                  f"{len(behaviour.differences)} differences, [red]{len(behaviour.unexplained)} unexplained[/red]")
    if behaviour.differences:
        table = Table(expand=True)
        for column in ("step", "aspect", "where", report.old_label, report.new_label, "explanation"):
            table.add_column(column, overflow="fold")
        for d in behaviour.differences:
            text = explanation(d, report)
            table.add_row(d.exchange, d.aspect.value, d.location, d.a, d.b,
                          text if d.explained else f"[bold red]{text}[/bold red]")
        console.print(table)


def to_text(reports: Sequence[DiffReport]) -> str:
    console = Console(record=True, width=160, file=io.StringIO(), color_system=None)
    print_terminal(reports, console)
    return console.export_text()


# --- Markdown ------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(reports: Sequence[DiffReport]) -> str:
    """Markdown for a PR comment or a checked-in changelog: counts, distinct changes, details."""
    lines = [f"# {title(reports)}", "", "| versions | " + " | ".join(s.label for s in Severity) + " |",
             "|---|" + "---:|" * len(Severity)]
    for report in reports:
        counts = report.counts()
        numbers = " | ".join(str(counts[s]) for s in Severity)
        lines.append(f"| {report.old_label} → {report.new_label} | {numbers} |")
    for report in reports:
        lines += ["", f"## {report.old_label} → {report.new_label}", ""]
        lines += _markdown_distinct(report) if report.changes else ["No structural changes.", ""]
        if report.changes:
            lines += ["<details><summary>All changes by operation</summary>", ""]
            for operation, changes in report.by_operation().items():
                lines += [f"#### `{operation}`", "", "| severity | where | change |", "|---|---|---|"]
                lines += [f"| {c.severity.label} | {_cell(str(c.location))} | {_cell(c.reason)} |" for c in changes]
                lines.append("")
            lines += ["</details>", ""]
        if report.behaviour:
            lines += _markdown_behaviour(report, report.behaviour)
    lines += ["", "---", "", "_Generated by `mockserver diff`; change classes and severities: `mockserver.specdiff`._"]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_distinct(report: DiffReport) -> list[str]:
    lines = []
    for change, operations in distinct(report):
        where = f"`{operations[0]}`" if len(operations) == 1 else f"{len(operations)} operations: " + ", ".join(
            f"`{op}`" for op in operations
        )
        lines.append(f"- **{change.severity.label}** · {change.kind.value} · {change.reason} — {where}")
    return [*lines, ""]


def _markdown_behaviour(report: DiffReport, behaviour: BehaviourReport) -> list[str]:
    lines = [f"### Behaviour ({behaviour.replay}: {len(behaviour.steps)} steps, "
             f"{len(behaviour.differences)} differences, {len(behaviour.unexplained)} unexplained)", ""]
    if behaviour.differences:
        lines += [f"| step | aspect | where | {report.old_label} | {report.new_label} | explanation |",
                  "|---|---|---|---|---|---|"]
        for d in behaviour.differences:
            text = explanation(d, report)
            lines.append(f"| {_cell(d.exchange)} | {d.aspect.value} | `{_cell(d.location)}` | {_cell(d.a)} | "
                         f"{_cell(d.b)} | {text if d.explained else '**' + text + '**'} |")
    return [*lines, ""]


# --- JSON ----------------------------------------------------------------------------------------


def to_dict(reports: Sequence[DiffReport]) -> dict[str, Any]:
    """The JSON document (see ``report.schema.json``)."""
    return {
        "schema": JSON_SCHEMA_VERSION,
        "summary": {s.value: n for s, n in total_counts(reports).items()},
        "pairs": [_pair(report) for report in reports],
    }


def _pair(report: DiffReport) -> dict[str, Any]:
    return {
        "old": report.old_label,
        "new": report.new_label,
        "summary": {s.value: n for s, n in report.counts().items()},
        "changes": [_change(change) for change in report.changes],
        "behaviour": _behaviour(report.behaviour) if report.behaviour else None,
    }


def _change(change: Change) -> dict[str, Any]:
    location = change.location
    return {
        "id": change.id, "operation": change.operation, "method": change.method, "path": change.path,
        "location": {"section": location.section.value, "status": location.status, "mediaType": location.media_type,
                     "parameter": location.parameter, "jsonPath": location.json_path, "text": str(location)},
        "kind": change.kind.value, "severity": change.severity.value, "reason": change.reason,
        "old": change.old, "new": change.new, "renamedFrom": change.renamed_from,
    }


def _behaviour(behaviour: BehaviourReport) -> dict[str, Any]:
    return {
        "replay": behaviour.replay, "oldBase": behaviour.old_base, "newBase": behaviour.new_base,
        "steps": [{"step": s.name, "method": s.method, "oldUrl": s.a_url, "newUrl": s.b_url,
                   "oldStatus": s.a_status, "newStatus": s.b_status} for s in behaviour.steps],
        "differences": [{"step": d.exchange, "operation": d.operation, "aspect": d.aspect.value, "location": d.location,
                         "old": d.a, "new": d.b, "explainedBy": list(d.explained_by), "explained": d.explained,
                         "note": d.note} for d in behaviour.differences],
    }


def to_json(reports: Sequence[DiffReport]) -> str:
    return json.dumps(to_dict(reports), indent=2, ensure_ascii=False) + "\n"


# --- JUnit ---------------------------------------------------------------------------------------


def to_junit(reports: Sequence[DiffReport]) -> str:
    """JUnit XML: one failing test case per breaking change and per unexplained behaviour difference."""
    root = ElementTree.Element("testsuites", name="mockserver diff")
    for report in reports:
        pair = f"{report.old_label} → {report.new_label}"
        breaking = [c for c in report.changes if c.severity is Severity.BREAKING]
        suite = ElementTree.SubElement(root, "testsuite", name=f"{pair} structural", tests=str(max(len(breaking), 1)),
                                       failures=str(len(breaking)))
        for change in breaking:
            case = ElementTree.SubElement(suite, "testcase", classname=f"{pair}.{change.operation}",
                                          name=f"{change.kind.value} {change.location} [{change.id}]")
            failure = ElementTree.SubElement(case, "failure", message=change.reason, type=change.kind.value)
            failure.text = f"{change.operation}: {change.location}: {change.reason}"
        if not breaking:
            ElementTree.SubElement(suite, "testcase", classname=pair, name="no breaking changes")
        if report.behaviour:
            _junit_behaviour(root, pair, report.behaviour)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def _junit_behaviour(root: ElementTree.Element, pair: str, behaviour: BehaviourReport) -> None:
    unexplained = behaviour.unexplained
    suite = ElementTree.SubElement(root, "testsuite", name=f"{pair} behaviour", tests=str(max(len(unexplained), 1)),
                                   failures=str(len(unexplained)))
    for d in unexplained:
        case = ElementTree.SubElement(suite, "testcase", classname=f"{pair}.{d.operation}",
                                      name=f"{d.exchange}: {d.aspect.value} {d.location}")
        message = f"unexplained {d.aspect.value} difference at {d.location}: {d.a} → {d.b}"
        ElementTree.SubElement(case, "failure", message=message, type="unexplained").text = message
    if not unexplained:
        ElementTree.SubElement(suite, "testcase", classname=pair, name="every behaviour difference is explained")


# --- HTML ----------------------------------------------------------------------------------------

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222}
code{font-size:90%} table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.sev{display:inline-block;border-radius:.6rem;padding:0 .5rem;color:#fff;font-size:85%;white-space:nowrap}
.breaking{background:#c62828}.potentially-breaking{background:#ef6c00}.non-breaking{background:#2e7d32}
.info{background:#1565c0}.unexplained{background:#6a1b9a}.explained{background:#757575}
details.operation{border:1px solid #ddd;border-radius:.4rem;margin:.4rem 0;padding:.2rem .6rem}
details.operation>summary{cursor:pointer} nav label{margin-right:1rem} [hidden]{display:none!important}
details table{table-layout:fixed} details td:nth-child(1){width:10rem} details td:nth-child(2){width:30%}
details td:nth-child(3){width:13rem}
"""

SCRIPT = """
const rows = [...document.querySelectorAll('tr.change')];
function countAll() {
  document.querySelectorAll('[data-count]').forEach(el => {
    const scope = el.closest('section.pair') || document;
    el.textContent = [...scope.querySelectorAll('tr.change')]
      .filter(r => r.dataset.severity === el.dataset.count).length;
  });
}
function apply() {
  const on = new Set([...document.querySelectorAll('input[data-filter]')].filter(i => i.checked)
    .map(i => i.dataset.filter));
  rows.forEach(r => { r.hidden = !on.has(r.dataset.severity); });
  document.querySelectorAll('details.operation').forEach(d => {
    d.hidden = ![...d.querySelectorAll('tr.change')].some(r => !r.hidden);
  });
  const shown = rows.filter(r => !r.hidden).length;
  document.getElementById('shown').textContent = `Showing ${shown} of ${rows.length} changes`;
}
const only = new URLSearchParams(location.hash.slice(1)).get('only');
if (only) {
  const keep = new Set(only.split(','));
  document.querySelectorAll('input[data-filter]').forEach(i => { i.checked = keep.has(i.dataset.filter); });
}
document.querySelectorAll('input[data-filter]').forEach(i => i.addEventListener('change', apply));
countAll(); apply(); document.body.dataset.rendered = 'yes';
"""


def to_html(reports: Sequence[DiffReport]) -> str:
    """A self-contained page: counts, severity filter, changes grouped by operation, behaviour."""
    esc = html.escape
    totals = total_counts(reports)
    filters = "".join(
        f'<label><input type="checkbox" data-filter="{s.value}" checked> <span class="sev {s.value}">{s.label}</span> '
        f'(<span data-count="{s.value}">{totals[s]}</span>)</label>' for s in Severity
    )
    body = [f"<h1>{esc(title(reports))}</h1>", f"<nav>{filters}</nav>", '<p id="shown"></p>']
    for report in reports:
        body.append(_html_pair(report))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title(reports))}</title>'
        f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(body) + f"\n<script>{SCRIPT}</script>\n</body></html>\n"
    )


def _html_pair(report: DiffReport) -> str:
    esc = html.escape
    counts = report.counts()
    summary = "".join(
        f'<td><span class="sev {s.value}">{s.label}</span> <b data-count="{s.value}">{counts[s]}</b></td>'
        for s in Severity
    )
    parts = [f'<section class="pair" data-old="{esc(report.old_label)}" data-new="{esc(report.new_label)}">',
             f"<h2>{esc(report.old_label)} → {esc(report.new_label)}</h2>",
             f'<table class="summary"><tr>{summary}</tr></table>']
    for operation, changes in report.by_operation().items():
        badges = " ".join(f'<span class="sev {s.value}">{n}</span>' for s, n in _counts(changes).items() if n)
        rows = "".join(
            f'<tr class="change" data-severity="{c.severity.value}" data-kind="{c.kind.value}">'
            f'<td><span class="sev {c.severity.value}">{c.severity.label}</span></td><td>{_code(str(c.location))}</td>'
            f"<td><code>{c.kind.value}</code></td><td>{_code(c.reason)}</td></tr>"
            for c in changes
        )
        parts.append(f'<details class="operation" open><summary><code>{esc(operation)}</code> {badges}</summary>'
                     f"<table>{rows}</table></details>")
    if not report.changes:
        parts.append("<p>No structural changes.</p>")
    if report.behaviour:
        parts.append(_html_behaviour(report, report.behaviour))
    parts.append("</section>")
    return "\n".join(parts)


def _code(text: str) -> str:
    """Escaped text with Markdown-style `code` spans as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


def _counts(changes: Sequence[Change]) -> dict[Severity, int]:
    return {s: sum(c.severity is s for c in changes) for s in Severity}


def _html_behaviour(report: DiffReport, behaviour: BehaviourReport) -> str:
    esc = html.escape
    rows = "".join(
        f'<tr class="difference" data-explained="{str(d.explained).lower()}"><td>{esc(d.exchange)}</td>'
        f"<td>{d.aspect.value}</td><td><code>{esc(d.location)}</code></td><td>{esc(d.a)}</td><td>{esc(d.b)}</td>"
        f'<td><span class="sev {"explained" if d.explained else "unexplained"}">{esc(explanation(d, report))}'
        f"</span></td></tr>"
        for d in behaviour.differences
    )
    head = (f"<h3>Behaviour: {esc(behaviour.replay)} ({len(behaviour.steps)} steps, "
            f'<span id="differences">{len(behaviour.differences)}</span> differences, '
            f"{len(behaviour.unexplained)} unexplained)</h3>")
    columns = f"<tr><th>step</th><th>aspect</th><th>where</th><th>{esc(report.old_label)}</th>" \
              f"<th>{esc(report.new_label)}</th><th>explanation</th></tr>"
    return head + (f"<table>{columns}{rows}</table>" if rows else "")


RENDERERS: dict[str, Callable[[Sequence[DiffReport]], str]] = {
    "html": to_html,
    "json": to_json,
    "junit": to_junit,
    "markdown": to_markdown,
    "text": to_text,
}
"""``--format`` name → renderer (the terminal format prints with colours instead)."""
