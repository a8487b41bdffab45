"""The wrk report parser of ``python -m benchmarks`` (the benchmarks themselves do not run in CI)."""

from __future__ import annotations

import pytest

from benchmarks.performance.wrk import WrkError, parse_wrk_output, to_ms

PRISM_RUN = """\
Running 3s test @ http://127.0.0.1:4019/users
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    29.94ms   42.21ms 419.55ms   95.42%
    Req/Sec   446.24    120.47   606.00     71.19%
  Latency Distribution
     50%   19.50ms
     75%   25.90ms
     90%   35.90ms
     99%  281.55ms
  2627 requests in 3.01s, 81.01MB read
Requests/sec:    871.88
Transfer/sec:     26.89MB
"""

NOT_FOUND_RUN = """\
Running 2s test @ http://127.0.0.1:9332/api/v5/nothing
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.25ms  655.88us  12.71ms   87.03%
    Req/Sec     8.28k     1.21k   11.14k    85.00%
  Latency Distribution
     50%    1.19ms
     75%    1.31ms
     90%    1.70ms
     99%    3.97ms
  32965 requests in 2.00s, 4.68MB read
  Non-2xx or 3xx responses: 32965
Requests/sec:  16472.76
Transfer/sec:      2.34MB
"""

SLOW_RUN_WITH_ERRORS = """\
Running 1m test @ http://127.0.0.1:9000/api/v5/tasks/list
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   850.12us    1.02s    9.98s    91.00%
    Req/Sec    12.50      4.10    20.00     60.00%
  Latency Distribution
     50%  612.00us
     75%  900.00us
     90%    1.50s
     99%    9.12s
  1500 requests in 1.00m, 3.10MB read
  Socket errors: connect 0, read 3, write 1, timeout 12
  Non-2xx or 3xx responses: 7
Requests/sec:     24.98
Transfer/sec:     52.90KB
BENCH {"cancel": 10, "create": 12, "failed": 7, "finish": 11, "request": 12, "unparsed": 0}
"""


def test_a_clean_run_gives_rate_and_percentiles_in_ms() -> None:
    result = parse_wrk_output(PRISM_RUN)
    assert (result.requests, result.seconds, result.requests_per_s) == (2627, 3.01, 871.88)
    assert result.latency_ms == {"50": 19.5, "75": 25.9, "90": 35.9, "99": 281.55, "avg": 29.94}
    assert (result.p50, result.p99) == (19.5, 281.55)
    assert (result.non_2xx, result.errors, result.extra) == (0, 0, {})
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 0}


def test_non_2xx_answers_are_counted() -> None:
    result = parse_wrk_output(NOT_FOUND_RUN)
    assert (result.non_2xx, result.requests, result.requests_per_s) == (32965, 32965, 16472.76)


def test_microseconds_seconds_minutes_socket_errors_and_the_lua_line() -> None:
    result = parse_wrk_output(SLOW_RUN_WITH_ERRORS)
    assert result.latency_ms == {"50": 0.612, "75": 0.9, "90": 1500.0, "99": 9120.0, "avg": 0.85}
    assert result.seconds == 60.0
    assert result.socket_errors == {"connect": 0, "read": 3, "write": 1, "timeout": 12}
    assert (result.errors, result.non_2xx) == (16, 7)
    assert result.extra == {"cancel": 10, "create": 12, "failed": 7, "finish": 11, "request": 12, "unparsed": 0}
    assert result.as_dict()["errors"] == 16


@pytest.mark.parametrize(("value", "unit", "ms"), [("655.88", "us", 0.65588), ("3", "s", 3000.0), ("2", "m", 120000.0)])
def test_units(value: str, unit: str, ms: float) -> None:
    assert to_ms(value, unit) == pytest.approx(ms)


def test_something_else_is_an_error() -> None:
    with pytest.raises(WrkError, match="not a wrk report"):
        parse_wrk_output("unable to connect to 127.0.0.1:9339 Connection refused\n")


def test_start_up_runs_are_tabled_with_their_own_columns_and_judged_by_their_target() -> None:
    from benchmarks.performance.report import _scenario
    from benchmarks.performance.targets import evaluate

    scenario = {"title": "t", "runs": [{"run": 1, "webknossos": 1.4, "idah": 1.9, "all_s": 1.9},
                                       {"run": 2, "webknossos": 1.2, "idah": 3.4, "all_s": 3.4}],
                "facts": {"median_s": 2.65}}
    lines = _scenario("all-packs", scenario)
    assert "| run | webknossos | idah | every pack (s) |" in lines and "| 2 | 1.2 | 3.4 | 3.4 |" in lines
    verdicts = {v["target"]: v for v in evaluate({"scenarios": {"all-packs": scenario}})}
    assert (verdicts["all_packs_startup"]["value"], verdicts["all_packs_startup"]["met"]) == ("2.65 s", True)
    scenario["facts"]["median_s"] = 3.2
    assert not {v["target"]: v for v in evaluate({"scenarios": {"all-packs": scenario}})}["all_packs_startup"]["met"]


def test_the_scaling_table_has_a_row_per_setup_with_both_loads_and_their_failures() -> None:
    from benchmarks.postgres_hosts import database_url, scaling_table

    load = {"requests_per_s": 1234.5, "p50_ms": 1.25, "p99_ms": 9.0, "non_2xx": 1, "errors": 2}
    lines = scaling_table([{"setup": "PostgreSQL", "hosts": 3, "users": load, "write mix": {**load, "non_2xx": 0}}])
    assert lines[2] == "| PostgreSQL | 3 | 1,234 | 1.2 / 9.0 | 1,234 | 1.2 / 9.0 | 5 |"
    assert database_url("postgresql://u@h:5432/postgres?sslmode=disable", "db") == \
        "postgresql://u@h:5432/db?sslmode=disable"


def _pack_row(pack: str, load: str, rate: float, non_2xx: int = 0, errors: int = 0) -> dict[str, object]:
    return {"server": f"{pack} (default recipe)", "load": load, "requests_per_s": rate, "p50_ms": 3.0,
            "non_2xx": non_2xx, "errors": errors}


def test_each_pack_has_a_list_and_a_write_target_judged_by_its_own_row() -> None:
    from benchmarks.performance.targets import PACK_LIST_RATE, PACK_WRITE_RATE, evaluate

    rows = [_pack_row("cytomine", "list", PACK_LIST_RATE), _pack_row("cytomine", "write", PACK_WRITE_RATE - 1),
            _pack_row("idah", "list", PACK_LIST_RATE + 100, non_2xx=1), _pack_row("idah", "write", 900, errors=2)]
    verdicts = {v["target"]: v["met"] for v in evaluate({"scenarios": {"packs": {"rows": rows}}})}
    assert verdicts["cytomine_list"] is True and verdicts["cytomine_write"] is False
    assert verdicts["idah_list"] is False and verdicts["idah_write"] is False
    assert verdicts["labelstudio_list"] is None and verdicts["labelstudio_write"] is None


def test_each_large_pack_is_judged_by_its_build_rss_and_page() -> None:
    from benchmarks.performance.targets import evaluate

    facts = {"cytomine": {"startup_s": 4.2, "rss_after_build_mib": 300.0},
             "idah": {"startup_s": 12.5, "rss_after_build_mib": 501.0}}
    rows = [{"server": "cytomine (large recipe, --no-read-cache)", "load": "page (1000), 1 connection", "p50_ms": 9.5},
            {"server": "idah (large recipe, --no-read-cache)", "load": "page (1000), 1 connection", "p50_ms": 10.5}]
    verdicts = {v["target"]: v for v in evaluate({"scenarios": {"packs-large": {"rows": rows, "facts": facts}}})}
    assert [verdicts[f"cytomine_large_{k}"]["met"] for k in ("build", "rss", "paged")] == [True, True, True]
    assert [verdicts[f"idah_large_{k}"]["met"] for k in ("build", "rss", "paged")] == [False, False, False]
    assert verdicts["idah_large_build"]["value"] == "12.5 s"
