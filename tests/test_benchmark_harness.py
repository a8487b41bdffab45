"""The load harness' logic without load: ranges over runs, verdicts over runs, the growth verdict, the derived
recipes, the peers' configuration files, the report of several runs (``benchmarks/performance``)."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.performance import growth, peers, plot, report, targets

JSON = dict[str, Any]


def _users_row(server: str, rate: float, p99: float = 3.0) -> JSON:
    return {"server": server, "load": "users", "request": "GET /api/v5/users", "requests_per_s": rate,
            "p50_ms": 1.0, "p99_ms": p99, "non_2xx": 0, "errors": 0, "peak_rss_mib": 60.0, "wrk": {}}


def _run(ours: float, prism: float, wiremock: float | None = None) -> JSON:
    scenarios: JSON = {"mock": {"title": "mock", "rows": [_users_row("mock (validation on)", ours)]},
                       "prism": {"title": "prism", "rows": [_users_row("Stoplight Prism (whole v5)", prism)]}}
    if wiremock is not None:
        scenarios["wiremock"] = {"title": "wiremock", "rows": [_users_row("WireMock", wiremock)]}
    return {"scenarios": scenarios}


# ranges over runs


def test_a_spread_is_min_median_max_of_the_measured_runs() -> None:
    assert targets.spread([3.0, None, 1.0, 2.0]) == {"min": 1.0, "median": 2.0, "max": 3.0,
                                                     "per_run": [3.0, None, 1.0, 2.0], "measured": 3}
    assert targets.spread([None, None])["median"] is None


def test_the_headline_ratios_get_a_range_over_the_runs() -> None:
    spread = targets.ratios_runs([_run(3000, 1000), _run(2000, 1000), _run(5000, 1000)])["ours (validation on) / Prism"]
    assert (spread["min"], spread["median"], spread["max"]) == (2.0, 3.0, 5.0)
    assert spread["per_run"] == [3.0, 2.0, 5.0]


# target verdicts with ranges


def test_a_target_is_met_only_if_met_in_every_run() -> None:
    both = {t["target"]: t for t in targets.evaluate_runs([_run(3000, 1000), _run(2500, 1000)])}["users_vs_prism"]
    assert (both["met"], both["runs_met"], both["runs"], both["median"]) == (True, 2, 2, 2.75)
    one = {t["target"]: t for t in targets.evaluate_runs([_run(3000, 1000), _run(1500, 1000)])}["users_vs_prism"]
    assert (one["met"], one["runs_met"], one["min"], one["max"]) == (False, 1, 1.5, 3.0)
    assert one["values"] == ["3.00x", "1.50x"]


def test_a_target_measured_in_some_runs_only_is_not_met_and_never_measured_is_none() -> None:
    verdicts = {t["target"]: t for t in targets.evaluate_runs([_run(3000, 1000, wiremock=1000), _run(3000, 1000)])}
    assert verdicts["users_vs_wiremock"]["met"] is False and verdicts["users_vs_wiremock"]["measured"] == 1
    assert verdicts["workers_scale"]["met"] is None
    assert targets.combined_verdict([None, True]) is False and targets.combined_verdict([True, True]) is True


def test_the_issue_targets_are_all_in_the_table() -> None:
    keys = set(targets.TARGETS)
    assert {"users_vs_starlette", "users_p99_fast", "users_uncached_vs_floor", "writes", "users_vs_wiremock",
            "users_vs_prism", "all_packs_startup"} <= keys
    for pack in growth.MAIN_RECORD:
        assert {f"{pack}_list", f"{pack}_write", f"{pack}_large_size", f"{pack}_large_build", f"{pack}_large_rss",
                f"{pack}_large_paged", f"growth_{pack}_list", f"growth_{pack}_write"} <= keys
    writes = {"scenarios": {"mock": {"rows": [{**_users_row("mock (validation on)", 1499), "load": "write mix"}]}}}
    assert {t["target"]: t for t in targets.evaluate(writes)}["writes"]["met"] is False


def test_the_users_list_past_the_fast_path_is_judged_against_the_floor() -> None:
    results = {"scenarios": {"mock": {"rows": [_users_row("mock (no fast path)", 990),
                                               _users_row("mock (uncached)", 5000)]},
                             "floor": {"rows": [_users_row("Connexion floor", 1000)]}}}
    verdict = {t["target"]: t for t in targets.evaluate(results)}["users_uncached_vs_floor"]
    assert (verdict["met"], verdict["number"]) == (False, 0.99)  # the --no-fast-path row, not the built-anew one
    assert targets.ratios(results)["ours (uncached) / Connexion floor"] == 5.0  # shown among the ratios


def test_webknossos_large_targets_fall_back_to_the_large_scenario() -> None:
    results = {"scenarios": {"large": {"facts": {"startup_s": 6.0, "rss_after_build_mib": 320.0,
                                                 "world": {"tasks": 100_000}},
                                       "rows": [{"server": "mock", "load": "project tasks (1000), 1 connection",
                                                 "p50_ms": 12.0}]}}}
    verdicts = {t["target"]: t["met"] for t in targets.evaluate(results)}
    assert [verdicts[f"webknossos_large_{k}"] for k in ("size", "build", "rss", "paged")] == [True, True, True, False]
    small = {"scenarios": {"packs-large": {"facts": {"labelstudio": {"main_records": 2000}}}}}
    assert {t["target"]: t for t in targets.evaluate(small)}["labelstudio_large_size"]["met"] is False


# growth


def _growth_rows(pack: str, op: str, p50s: dict[int, float | None]) -> list[JSON]:
    return [{"pack": pack, "op": op, "records": size, "p50_ms": p50} for size, p50 in p50s.items()]


def test_growth_is_flat_when_the_largest_p50_is_at_most_twice_the_smallest() -> None:
    assert growth.flat({1_000: 2.0, 10_000: 9.0, 100_000: 4.0}) is True
    assert growth.flat({1_000: 2.0, 10_000: 2.1, 100_000: 4.01}) is False
    assert growth.flat({1_000: 2.0, 100_000: None}) is None and growth.flat({1_000: 2.0}) is None
    assert growth.flat({1_000: 9.0, 100_000: 0.0}) is None, "a p50 of 0 (no answer in the run) is not flat"
    rows = _growth_rows("idah", "list", {1_000: 1.0, 10_000: 1.5, 100_000: 2.5}) + _growth_rows(
        "idah", "write", {1_000: 1.0, 10_000: 1.1, 100_000: 1.2})
    verdicts = {t["target"]: t for t in targets.evaluate({"scenarios": {"growth": {"rows": rows}}})}
    assert (verdicts["growth_idah_list"]["met"], verdicts["growth_idah_list"]["number"]) == (False, 2.5)
    assert verdicts["growth_idah_write"]["met"] is True and verdicts["growth_cytomine_list"]["met"] is None


@pytest.mark.parametrize("pack", list(growth.MAIN_RECORD))
def test_derived_recipes_have_the_count_asked_for_and_the_pack_reads_them(pack: str, tmp_path: Path) -> None:
    large = growth.large_recipe(pack)
    for count in growth.SIZES:
        derived = growth.derive_recipe(pack, large, count)
        assert growth.main_count(pack, derived) == count
        path = growth.write_recipe(tmp_path, pack, count)
        assert path.name == f"{pack}-{count}.yaml"
        if pack == "webknossos":
            from mockserver.packs.webknossos.world.recipe import Recipe
            Recipe.load(str(path))
        else:
            import importlib
            importlib.import_module(f"mockserver.packs.{pack}.world").load_recipe(str(path))
    assert large == growth.large_recipe(pack), "the large recipe itself is not changed"


def test_derived_recipes_keep_the_large_recipes_structure() -> None:
    webknossos = growth.derive_recipe("webknossos", growth.large_recipe("webknossos"), 100_000)
    assert webknossos == growth.large_recipe("webknossos")
    small = growth.derive_recipe("webknossos", growth.large_recipe("webknossos"), 1_000)
    assert (small["projects"], small["tasks_per_project"], small["large_project_tasks"]) == (1, 500, 0)
    cytomine = growth.derive_recipe("cytomine", {"annotations": 100_000, "images": 50, "users": []}, 10_000)
    assert (cytomine["annotations"], cytomine["images"]) == (10_000, 5)
    labelstudio = growth.derive_recipe("labelstudio", {"tasks": 2000, "completed": 400, "cancelled": 20,
                                                       "predicted": 300}, 100_000)
    assert labelstudio == {"tasks": 100_000, "completed": 20_000, "cancelled": 1_000, "predicted": 15_000}
    idah = growth.derive_recipe("idah", {"projects": [{"datasets": [{"entries": 3}, {"entries": 1}]}]}, 1_001)
    assert [d["entries"] for d in idah["projects"][0]["datasets"]] == [751, 250]


# peers


def test_the_wiremock_root_serves_the_very_bytes_from_one_static_mapping(tmp_path: Path) -> None:
    users = b'[{"id": "1", "email": "a@b.c"}]'
    root = peers.wiremock_root(tmp_path / "wm", users)
    mapping = json.loads((root / "mappings" / "users.json").read_text())
    assert mapping["request"] == {"method": "GET", "url": "/api/v5/users"}
    assert mapping["response"]["status"] == 200 and mapping["response"]["headers"]["Content-Type"] == \
        "application/json"
    assert mapping["response"]["body"].encode("utf-8") == users
    assert peers.jvm_warmup(1.0) == peers.JVM_WARMUP_MIN_S and peers.jvm_warmup(3.0 * peers.JVM_WARMUP_MIN_S) == \
        3.0 * peers.JVM_WARMUP_MIN_S * peers.JVM_WARMUP_FACTOR
    command = peers.wiremock_command("java", Path("/x/wiremock-standalone-3.13.2.jar"), root, 8123)
    assert command[:3] == ["java", "-jar", "/x/wiremock-standalone-3.13.2.jar"]
    for option in ("--no-request-journal", "--disable-banner", "--disable-request-logging", "--container-threads"):
        assert option in command
    assert command[command.index("--bind-address") + 1] == "127.0.0.1"


def test_the_mockoon_environment_has_one_static_route_with_the_very_bytes() -> None:
    users = b'[{"id": "1", "email": "\xc3\xa9@b.c"}]'
    environment = peers.mockoon_environment(users, 3999)
    assert (environment["port"], environment["hostname"], environment["cors"]) == (3999, "127.0.0.1", False)
    [route] = environment["routes"]
    assert (route["method"], route["endpoint"]) == ("get", "api/v5/users")
    [response] = route["responses"]
    assert response["body"].encode("utf-8") == users and response["disableTemplating"] is True
    assert response["statusCode"] == 200 and response["bodyType"] == "INLINE"
    assert environment["rootChildren"] == [{"type": "route", "uuid": route["uuid"]}]
    command = peers.mockoon_command(Path("/x/mockoon-cli"), Path("/x/env.json"), 3999)
    assert "--disable-admin-api" in command and "--disable-log-to-file" in command


def test_a_peer_that_cannot_be_installed_says_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(peers.shutil, "which", lambda _name: None)
    with pytest.raises(peers.PeerUnavailable, match="npm/node are not installed"):
        peers.npm_install(tmp_path, "wiremock@3", lambda: None)
    with pytest.raises(peers.PeerUnavailable, match="no Java runtime"):
        peers.install_wiremock()


# the report


def test_the_report_of_several_runs_gives_ranges_and_keeps_every_run(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plot, "draw", lambda _tables, _directory: (None, plot.MISSING))
    runs = [{"run": index + 1, **_run(ours, 1000)} for index, ours in enumerate((3000, 1500))]
    for run in runs:
        run["scenarios"]["growth"] = {"title": "growth", "rows": [
            {**_users_row("idah (1,000 entries)", 100), "pack": "idah", "op": "list", "records": 1_000},
            {**_users_row("idah (100,000 entries)", 100), "pack": "idah", "op": "list", "records": 100_000,
             "p50_ms": 1.5 if run["run"] == 1 else 2.5}]}
    results = {"command": "python -m benchmarks --runs 2", "runs": runs, "notes": [],
               "machine": {"date": "today", "cpus": 2, "cpu_model": "x", "memory_gib": 1, "os": "Linux",
                           "python": "3.11", "packages": {}, "uvicorn_loop": "auto", "uvicorn_http": "auto",
                           "wrk": "wrk", "node": "20", "load_average_at_start": 0.1},
               "options": {"wrk": "wrk -t2 -c20", "warmup_s": 1, "duration_s": 2}}
    markdown, data, messages = report.write(results, tmp_path)
    saved = json.loads(data.read_text())
    assert [run["scenarios"]["mock"]["rows"][0]["requests_per_s"] for run in saved["runs"]] == [3000, 1500]
    text = markdown.read_text()
    assert "| GET /users (validation on) >= 2x Prism | 2.25x (1.50–3.00) | 1/2 | 3.00x; 1.50x | **not met** |" \
        in text
    assert "| ours (validation on) / Prism | 2.25x (1.50–3.00) | 3.00, 1.50 |" in text
    assert "| idah (entries) | list | 1.00 | 2.00 (1.50–2.50) | 2.00x (1.50–2.50) | **not flat** |" in text
    assert messages == [plot.MISSING] and f"No plot: {plot.MISSING}." in text


def test_a_single_run_report_keeps_its_format() -> None:
    results = {**_run(3000, 1000), "command": "c", "notes": [],
               "machine": {"date": "d", "cpus": 2, "cpu_model": "x", "memory_gib": 1, "os": "L", "python": "3",
                           "packages": {}, "uvicorn_loop": "a", "uvicorn_http": "a", "wrk": "w", "node": "n",
                           "load_average_at_start": 0},
               "options": {"wrk": "w", "warmup_s": 1, "duration_s": 2}}
    results = {**results, "ratios": targets.ratios(results), "targets": targets.evaluate(results)}
    text = report.to_markdown(results)
    assert "| GET /users (validation on) >= 2x Prism | 3.00x | met |" in text
    assert "| ours (validation on) / Prism | 3.00x |" in text


def test_without_matplotlib_the_plot_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    assert plot.draw([{"idah": {"list": {1_000: 1.0}}}], tmp_path) == (None, plot.MISSING)
    assert "\n" not in plot.MISSING and "[bench]" in plot.MISSING


def test_the_plot_series_are_medians_with_their_range() -> None:
    tables = [{"idah": {"list": {1_000: 1.0, 10_000: 2.0}}}, {"idah": {"list": {1_000: 3.0, 10_000: None}}},
              {"idah": {"list": {1_000: 2.0}}}]
    assert plot.series(tables, "idah", "list") == [(1_000, 2.0, 1.0, 3.0), (10_000, 2.0, 2.0, 2.0)]


def test_the_growth_plot_is_a_png_with_a_panel_per_pack(tmp_path: Path) -> None:
    tables = [{pack: {"list": {1_000: 1.0, 10_000: 1.2, 100_000: 1.5}, "write": {1_000: 2.0, 100_000: 2.5}}
               for pack in growth.MAIN_RECORD}]
    path, line = plot.draw(tables, tmp_path / "out")
    assert path == tmp_path / "out" / plot.FILE and line == f"wrote {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from matplotlib import image

    height, width = image.imread(path).shape[:2]
    assert width > 3 * height  # one panel beside the other, a panel per pack


# choosing packs

def test_packs_narrow_the_per_pack_scenarios_and_unknown_packs_are_refused(capsys: pytest.CaptureFixture[str]
                                                                           ) -> None:
    from benchmarks.__main__ import parse
    from benchmarks.performance.bench import Bench

    args = parse(["--only", "growth", "--packs", "idah, cytomine"])
    assert args.packs == ("idah", "cytomine")
    bench = Bench(duration=1, warmup=0, startup_runs=1, workdir=Path("."), packs=args.packs)
    assert [p for p in ("webknossos", "labelstudio", "cytomine", "idah") if bench.measures(p)] == ["cytomine", "idah"]
    assert Bench(duration=1, warmup=0, startup_runs=1, workdir=Path(".")).measures("webknossos")
    with pytest.raises(SystemExit) as exited:
        parse(["--packs", "idha"])
    assert exited.value.code == 2
    assert "unknown pack(s) idha" in capsys.readouterr().err


def test_the_cytomine_workloads_aim_at_the_image_with_the_most_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found from the images' ``numberOfAnnotations`` (not by listing every annotation), checked against the store."""
    from types import SimpleNamespace

    from benchmarks.performance import packs
    from mockserver import Settings, create_app
    from mockserver.packs.cytomine import records

    app = create_app(Settings(api="cytomine", seed=2))
    admin = next(user for user in app.backend.world.known_users if user.role == "admin")
    monkeypatch.setattr(packs, "_client", lambda server, headers: app.test_client(headers=headers))
    server = SimpleNamespace(tokens={"admin": admin.token.removeprefix("Bearer ")})
    counts: dict[int, int] = {}
    for annotation in app.backend.store.select(records.Annotation):
        counts[annotation.image] = counts.get(annotation.image, 0) + 1
    aimed = packs.cytomine(server, page=100)  # type: ignore[arg-type]
    image = aimed.facts["image"]
    assert aimed.facts["image_annotations"] == counts[image] == max(counts.values()) > 0
    assert aimed.loads[0].path == f"/api/annotation.json?image={image}&max=100&offset=0"
