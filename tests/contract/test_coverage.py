"""Coverage of a contract run: per operation what was sent and answered, the reasons, the verdict."""

from __future__ import annotations

from mockserver.contract.coverage import Coverage, verdict


def test_reasons_name_what_the_operation_got() -> None:
    coverage = Coverage(["GET /a", "GET /b", "GET /c", "GET /d", "GET /e"])
    for label, statuses in {"GET /a": [200, 404], "GET /b": [404, 404], "GET /c": [401], "GET /d": [400, 500]}.items():
        for status in statuses:
            coverage.sent(label)
            coverage.answered(label, status)
    reasons = {op.label: (op.covered, op.reason) for op in coverage.operations()}
    assert reasons["GET /a"][0] is True
    assert reasons["GET /b"] == (False, "only 404 (no data to address)")
    assert reasons["GET /c"] == (False, "only 401 (the token)")
    assert reasons["GET /d"] == (False, "no 2xx (4xx 1, 5xx 1)")
    assert reasons["GET /e"][1].startswith("never sent")


def test_the_verdict_counts_required_operations_and_lists_the_excused() -> None:
    coverage = Coverage(["GET /a", "GET /b", "GET /c"])
    coverage.sent("GET /a")
    coverage.answered("GET /a", 200)
    strict = verdict(coverage, 100.0, {"GET /c": "no data"})
    assert not strict.met and strict.percent == 50.0
    assert strict.lines() == ["coverage: 1 of 2 operations got a 2xx (50 %, at least 100 % wanted: NOT MET)",
                              "  not covered: GET /b: never sent (no case generated, or the time or request "
                              "budget ran out)", "  excused: GET /c: no data"]
    assert verdict(coverage, 50.0, {"GET /c": "no data"}).met


def test_the_per_operation_record_has_counts_and_reasons() -> None:
    coverage = Coverage(["GET /a", "GET /b", "GET /c"])
    for status in (200, 200, 404):
        coverage.sent("GET /a")
        coverage.answered("GET /a", status)
    coverage.sent("GET /b")
    coverage.answered("GET /b", 404)
    record = verdict(coverage, 100.0, {"GET /c": "no data"}).to_json()
    assert record["percent"] == 50.0 and record["met"] is False
    assert record["operations"] == [
        {"operation": "GET /a", "sent": 3, "answers": {"2xx": 2, "4xx": 1, "404": 1}, "covered": True,
         "excused": None, "reason": None},
        {"operation": "GET /b", "sent": 1, "answers": {"4xx": 1, "404": 1}, "covered": False, "excused": None,
         "reason": "only 404 (no data to address)"},
        {"operation": "GET /c", "sent": 0, "answers": {}, "covered": False, "excused": "no data",
         "reason": "never sent (no case generated, or the time or request budget ran out)"},
    ]
