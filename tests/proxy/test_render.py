"""The proxy's reports (``render.RENDERERS``): JSON, JUnit and a self-contained HTML page, every text escaped where
the format needs it and every credential redacted."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from mockserver.proxy.report import REDACTED, Findings
from mockserver.proxy.spec_check import Violation

SECRET = "Token s3cr3t-value-of-the-client"
HOSTILE = '<script>alert("x")</script> & more'


def findings_with_everything() -> Findings:
    findings = Findings()
    findings.remember_secret(SECRET)
    findings.record("GET /api/project", 200, [Violation("GET /api/project", "response_schema_conformance",
                                                        f"{HOSTILE} {SECRET}", "/title")])
    findings.record("GET /api/tasks/<1>", 200, [], unchecked="body larger than 100 bytes")
    return findings


def test_every_report_is_written_with_the_violations_and_the_unchecked_exchanges(tmp_path: Path) -> None:
    written = findings_with_everything().write(tmp_path)
    assert sorted(path.name for path in written) == ["junit.xml", "proxy-report.html", "proxy-report.json"]
    report = json.loads((tmp_path / "proxy-report.json").read_text())
    assert report["exchanges"] == 2 and report["violations"][0]["path"] == "/title"
    assert report["unchecked"] == [{"exchange": 2, "request": "GET /api/tasks/<1> → 200",
                                    "reason": "body larger than 100 bytes"}]
    suite = ElementTree.fromstring((tmp_path / "junit.xml").read_text())
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")


def test_the_html_report_is_self_contained_escaped_and_redacted(tmp_path: Path) -> None:
    findings_with_everything().write(tmp_path)
    page = (tmp_path / "proxy-report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "2 exchanges, 1 violation(s), 1 unchecked" in page
    assert "<script>" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in page
    assert "GET /api/tasks/&lt;1&gt; → 200" in page and "body larger than 100 bytes" in page
    assert "s3cr3t" not in page and REDACTED in page
    assert "src=" not in page and "href=" not in page  # nothing loaded from elsewhere
    for path in tmp_path.iterdir():
        assert "s3cr3t" not in path.read_text(), path.name
