from __future__ import annotations

from pathlib import Path

from mockserver.contract.findings import Finding, check_of, read_junit, render

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="schemathesis">
  <testcase name="GET /users"><failure type="failure" message="ST108">1. Test Case ID: abc

- ST108 Response violates schema

    'firstName' is a required property
</failure></testcase>
  <testcase name="GET /user/annotations"><failure type="failure" message="ST901">1. Test Case ID: def

- Custom check failed: `total_count_header_only_when_requested`

    includeTotalCount=true, but the X-Total-Count header is missing
</failure></testcase>
  <testcase name="PUT /tasks/{id}"><skipped type="skipped">Disabled for this operation</skipped></testcase>
</testsuite></testsuites>
"""


def test_findings_name_operation_and_check(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text(JUNIT)
    found, skipped = read_junit(tmp_path / "junit.xml")
    assert found == [Finding("GET /users", "response_schema_conformance", "ST108 Response violates schema"),
                     Finding("GET /user/annotations", "total_count_header_only_when_requested",
                             "Custom check failed: total_count_header_only_when_requested")]
    assert "required property" in found[0].details
    assert skipped == {"PUT /tasks/{id}": "Disabled for this operation"}
    assert render(found)[0] == "  GET /users: response_schema_conformance (ST108 Response violates schema)"


def test_codes_map_to_checks() -> None:
    assert check_of("ST101") == "not_a_server_error"
    assert check_of("ST103") == "status_code_conformance"
    assert check_of("ST999") == "ST999"


def test_missing_report_has_no_findings(tmp_path: Path) -> None:
    assert read_junit(tmp_path / "missing.xml") == ([], {})
