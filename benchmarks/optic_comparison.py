"""Compare `mockserver diff` with Optic (npm @useoptic/optic) and write docs/optic-comparison.md.

Both tools read the same documents: ours the YAML files through ``SpecLoader``; Optic a copy of the
same folder with every YAML file converted to JSON (Optic does not understand the YAML merge keys
that ``paths/legacy-*.yaml`` use; its own resolver follows the relative ``$ref``s, which is much
faster for it than fully dereferenced 1 MB documents). Pairs: v1→v2 … v4→v5 and every pair in
``tests/specdiff/pairs``. Optic runs its ``breaking-changes`` ruleset with
``skip_when_major_version_changes: false`` (otherwise it skips every check across v1 → v2).

A finding of one tool "matches" one of the other when both name the same operation (path templates
compared without parameter names) and a common subject: a parameter, header or status, or a
property name anywhere on the JSON path (so Optic's removal of ``tracing.skeleton`` matches our
``tracing`` → ``annotationLayers`` rename). Our side counts breaking and potentially breaking
changes, since Optic's ruleset only reports breaking ones.

Optic is not a test dependency. Install it once (offline afterwards) with ``--install``:

    .venv/bin/python benchmarks/optic_comparison.py --install      # npm install into ~/.cache
    .venv/bin/python benchmarks/optic_comparison.py                # writes docs/optic-comparison.md

``npm install`` resolves ajv 8.20 under spectral-core, which breaks Optic 1.0.9 at start-up
(``SyntaxError: Unexpected token ':'``); ``--install`` pins ajv 8.18.0 and removes the nested copy.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from mockserver.packs.webknossos.versions import ADAPTERS
from mockserver.specdiff import Change, Severity, compare
from mockserver.specdiff.compare import PARAMETER
from mockserver.specs import SpecLoader, spec_path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = ROOT / "tests" / "specdiff" / "pairs"
CACHE = Path.home() / ".cache" / "mockserver" / "optic"
OPTIC_VERSION = "1.0.9"
CONFIG = "ruleset:\n  - breaking-changes:\n      skip_when_major_version_changes: false\n"
FAILURE = re.compile(r"^\s*x \[(?P<rule>[^\]]+)\] (?P<message>.+)$")
OPERATION = re.compile(r"^(?:x|✔|!)?\s*(?P<method>GET|PUT|POST|DELETE|PATCH|HEAD|OPTIONS|TRACE) (?P<path>\S+):")
PROPERTY = re.compile(r"- property (?P<pointer>/\S+?):")
CHECKS = re.compile(r"Checks: (\d+)/(\d+) passed")


@dataclasses.dataclass(frozen=True)
class Finding:
    tool: str
    operation: str
    subjects: frozenset[str]
    text: str


def install() -> Path:
    """npm-install Optic into the cache folder, with the ajv pin that makes it start."""
    CACHE.mkdir(parents=True, exist_ok=True)
    package = {"name": "optic-runner", "private": True, "dependencies": {"@useoptic/optic": OPTIC_VERSION},
               "overrides": {"ajv": "8.18.0"}}
    (CACHE / "package.json").write_text(json.dumps(package, indent=2))
    subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=CACHE, check=True)
    shutil.rmtree(CACHE / "node_modules/@stoplight/spectral-core/node_modules/ajv", ignore_errors=True)
    return CACHE / "node_modules/.bin/optic"


def pairs() -> list[tuple[str, Path, Path]]:
    """(name, old file, new file) for every pair to compare."""
    versions = [spec_path("webknossos", v) for v in ADAPTERS]
    found = [(f"{a.parent.name} → {b.parent.name}", a, b) for a, b in itertools.pairwise(versions)]
    for folder in sorted(p for p in PAIRS.iterdir() if p.is_dir()):
        found.append((f"pairs/{folder.name}", folder / "old.yaml", folder / "new.yaml"))
    return found


def as_json_tree(source: Path, target: Path) -> None:
    """Every YAML file under ``source`` as JSON under ``target`` (anchors expanded, ``$ref``s kept)."""
    for path in source.rglob("*.yaml"):
        out = (target / path.relative_to(source)).with_suffix(".json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(_json_refs(yaml.safe_load(path.read_text(encoding="utf-8")))))


def _json_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: v.replace(".yaml", ".json") if k == "$ref" and isinstance(v, str) else _json_refs(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_json_refs(item) for item in node]
    return node


def shape(method: str, path: str) -> str:
    return f"{method.upper()} {PARAMETER.sub('{}', path)}"


def run_optic(optic: Path, old: Path, new: Path) -> tuple[list[Finding], str]:
    root = old.parent.parent if old.parent.parent.name == "webknossos" else old.parent
    with tempfile.TemporaryDirectory() as work:
        as_json_tree(root, Path(work))
        (Path(work) / "optic.dev.yml").write_text(CONFIG)
        files = [str(p.relative_to(root).with_suffix(".json")) for p in (old, new)]
        result = subprocess.run([str(optic), "diff", *files, "--check"], cwd=work,
                                capture_output=True, text=True, timeout=1800)
    output = result.stdout
    checks = CHECKS.search(output)
    findings: list[Finding] = []
    operation, pointer = "", ""
    for line in output.splitlines():
        if match := OPERATION.match(line):
            operation, pointer = shape(match["method"], match["path"]), ""
        elif match := PROPERTY.search(line):
            pointer = match["pointer"]
        elif match := FAILURE.match(line):
            findings.append(Finding("optic", operation, _optic_subjects(match["message"], pointer),
                                    f"[{match['rule']}] {match['message']}"))
            pointer = ""
    summary = f"{checks.group(1)}/{checks.group(2)} checks passed" if checks else "no checks reported"
    return findings, summary


def _optic_subjects(message: str, pointer: str) -> frozenset[str]:
    subjects = set(re.findall(r"'([^']+)'", message))
    subjects |= set(re.findall(r"parameter (\S+) to", message)) | set(re.findall(r"status code (\w+)", message))
    subjects |= {name for name in re.findall(r"properties/([^/]+)", pointer)}
    if "root shape" in message:
        subjects.add("body")
    if not subjects and ("operation" in message or "path" in message.lower()):
        subjects.add("operation")
    return frozenset(subjects)


def ours(changes: list[Change]) -> list[Finding]:
    found = []
    for change in changes:
        if not change.severity.at_least(Severity.POTENTIALLY_BREAKING):
            continue
        location = change.location
        subjects = {location.status or "", (location.parameter or "").rpartition(" ")[2]}
        for path in (location.json_path, change.renamed_from):
            if path and path.startswith("$"):
                subjects |= set(re.findall(r"\.(\w+)", path)) or {"body"}
        if location.section.value in {"operation", "security"}:
            subjects.add(location.section.value)
        text = f"[{change.severity.value}] {change.kind.value}: {location}: {change.reason}"
        found.append(Finding("mockserver", shape(change.method, change.path), frozenset(subjects - {""}), text))
    return found


def matches(a: Finding, b: Finding) -> bool:
    return a.operation == b.operation and bool(a.subjects & b.subjects)


def report(optic: Path) -> str:
    version = subprocess.run([str(optic), "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# `mockserver diff` compared with Optic",
        "",
        f"Generated by `benchmarks/optic_comparison.py` with Optic {version or OPTIC_VERSION}",
        "(`optic diff OLD NEW --check`, breaking-changes ruleset, `skip_when_major_version_changes: false`).",
        "Both tools read the same documents (ours from YAML, Optic's converted to JSON). A finding matches when",
        "both name the same operation and a common parameter, status, header or property; our side counts",
        "breaking and potentially breaking changes.",
        "",
        "| pair | Optic checks | Optic findings | … also found by us | mockserver findings | … also found by Optic |",
        "|---|---|---:|---:|---:|---:|",
    ]
    details: list[str] = []
    loader = SpecLoader()
    for name, old, new in pairs():
        theirs, summary = run_optic(optic, old, new)
        mine = ours(compare(loader.load(old), loader.load(new)))
        print(f"{name}: Optic {len(theirs)} findings ({summary}), mockserver {len(mine)}", flush=True)
        optic_matched = [f for f in theirs if any(matches(f, m) for m in mine)]
        mine_matched = [m for m in mine if any(matches(m, f) for f in theirs)]
        counts = f"{len(theirs)} | {len(optic_matched)} | {len(mine)} | {len(mine_matched)}"
        lines.append(f"| {name} | {summary} | {counts} |")
        details += [f"## {name}", ""]
        details += _section("Found by both", _pairs_text(mine_matched, theirs))
        details += _section("Only Optic", [f"`{f.operation}` {f.text}" for f in theirs if f not in optic_matched])
        details += _section("Only mockserver", [f"`{m.operation}` {m.text}" for m in mine if m not in mine_matched])
    return "\n".join([*lines, "", *details]).rstrip() + "\n"


def _pairs_text(mine: list[Finding], theirs: list[Finding]) -> list[str]:
    out = []
    for m in mine:
        rules = sorted({f.text.split("]")[0] + "]" for f in theirs if matches(m, f)})
        out.append(f"`{m.operation}` {m.text} — Optic: {', '.join(rules)}")
    return out


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return [f"**{title}:** none.", ""]
    return [f"**{title}** ({len(items)}):", "", *[f"- {item}" for item in items], ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="npm-install Optic into ~/.cache/mockserver/optic")
    parser.add_argument("--optic", type=Path, default=CACHE / "node_modules/.bin/optic", help="the optic binary")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "docs" / "optic-comparison.md")
    args = parser.parse_args()
    optic = install() if args.install else args.optic
    if not optic.exists():
        parser.error(f"{optic} not found; run with --install first (needs npm and the registry once)")
    args.output.write_text(report(optic), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
