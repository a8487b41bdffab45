from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest

from mockserver.compare import Aspect, Difference, Exchange
from mockserver.specdiff import DiffReport, Severity, compare, to_dict, to_html, to_json, to_junit, to_markdown
from mockserver.specdiff.model import BehaviourReport
from mockserver.specdiff.render import to_text

SCHEMA = Path(__file__).parents[2] / "mockserver" / "specdiff" / "report.schema.json"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="module")
def reports(documents: dict[str, dict[str, Any]]) -> list[DiffReport]:
    pairs = [("v3", "v4"), ("v4", "v5")]
    found = [DiffReport(a, b, tuple(compare(documents[a], documents[b]))) for a, b in pairs]
    rename = next(c for c in found[1].changes if c.kind.value == "property-renamed")
    step = Exchange("info", "GET /a", "GET", "/a", "/b", 200, 200)
    behaviour = BehaviourReport("tour", "/api/v4", "/api/v5", (step,), (
        Difference("info", "GET /a", rename.operation, Aspect.BODY, "$.tracing", "present", "absent", (rename.id,)),
        Difference("info", "GET /a", rename.operation, Aspect.HEADER, "x-new", "absent", "present"),
    ))
    found[1] = DiffReport("v4", "v5", found[1].changes, behaviour)
    return found


def test_json_follows_its_documented_schema(reports: list[DiffReport]) -> None:
    document = json.loads(to_json(reports))
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document == to_dict(reports)
    assert [p["old"] for p in document["pairs"]] == ["v3", "v4"]
    assert document["summary"]["breaking"] == sum(r.counts()[Severity.BREAKING] for r in reports)
    assert document["pairs"][1]["behaviour"]["differences"][1]["explained"] is False


def test_markdown_has_counts_distinct_changes_and_behaviour(reports: list[DiffReport]) -> None:
    text = to_markdown(reports)
    counts = reports[0].counts()
    assert f"| v3 → v4 | {counts[Severity.BREAKING]} | {counts[Severity.POTENTIALLY_BREAKING]} |" in text
    assert re.search(r"- \*\*breaking\*\* · property-renamed · `tracing` \(object\) replaced by `annotationLayers`.*"
                     r"12 operations", text)
    assert "| info | body | `$.tracing` | present | absent | explained by property-renamed |" in text
    assert "| info | header | `x-new` | absent | present | **unexplained** |" in text


def test_junit_has_one_failing_case_per_breaking_change(reports: list[DiffReport]) -> None:
    root = ElementTree.fromstring(to_junit(reports))
    suites = {suite.get("name"): suite for suite in root}
    assert set(suites) == {"v3 → v4 structural", "v4 → v5 structural", "v4 → v5 behaviour"}
    structural = suites["v4 → v5 structural"]
    breaking = [c for c in reports[1].changes if c.severity is Severity.BREAKING]
    assert len(structural.findall("testcase/failure")) == len(breaking) == int(structural.get("failures", ""))
    assert [f.get("type") for f in suites["v4 → v5 behaviour"].iter("failure")] == ["unexplained"]


def test_a_report_without_breaking_changes_passes_in_junit() -> None:
    root = ElementTree.fromstring(to_junit([DiffReport("a", "b", ())]))
    assert [(c.get("name"), c.find("failure")) for c in root.iter("testcase")] == [("no breaking changes", None)]


def test_terminal_text_groups_by_operation(reports: list[DiffReport]) -> None:
    text = to_text(reports)
    assert "v3 → v4" in text and "GET /projects/{id}" in text
    assert "behaviour (tour, 1 steps): 2 differences, 1 unexplained" in text


def test_html_is_self_contained(reports: list[DiffReport]) -> None:
    page = to_html(reports)
    assert "<script src" not in page and "<link" not in page and "http" not in page.split("<body>")[0]
    assert page.count('class="change"') == sum(len(r.changes) for r in reports)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
def test_html_renders_counts_and_filters_in_headless_chromium(reports: list[DiffReport], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(to_html(reports), encoding="utf-8")
    total = sum(len(r.changes) for r in reports)
    breaking = sum(r.counts()[Severity.BREAKING] for r in reports)

    dom = dump_dom(f"{page.as_uri()}#only=breaking")
    assert 'data-rendered="yes"' in dom
    assert f"Showing {breaking} of {total} changes" in dom
    counted = re.findall(r'data-count="breaking">(\d+)<', dom)
    assert [int(n) for n in counted] == [breaking] + [r.counts()[Severity.BREAKING] for r in reports]
    hidden = re.findall(r'<tr class="change" data-severity="([a-z-]+)"[^>]* hidden', dom)
    assert len(hidden) == total - breaking and "breaking" not in hidden
    assert f"Showing {total} of {total} changes" in dump_dom(page.as_uri())


def dump_dom(url: str) -> str:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
             "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=True,
        )
    return result.stdout
