"""Recorded traffic → a scenario (``mockserver.traffic_world``, ``mockserver import-world``), on the echo pack with
a small importer of its own: the core knows no pack's traffic."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from mockserver import har, scenarios
from mockserver.cli import main
from mockserver.pack import Pack, load_pack, register, unregister
from mockserver.traffic_world import Exchange, Imported, NotMapped, Routes, to_yaml
from tests.packs.echo import pack as echo_pack


def notes_from_traffic(entries: Sequence[har.Entry]) -> Imported:
    """Every note a create answered becomes an ``add_note`` step of its text."""
    texts: list[str] = []

    def created(exchange: Exchange) -> None:
        answer = exchange.answer()
        if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
            raise NotMapped("notes without text")
        texts.append(answer["text"])

    left = Routes({"POST /echo/v1/notes": created}).replay(entries)
    return Imported("Notes as recorded.", tuple(("add_note", {"owner": "user", "text": t}) for t in texts),
                    (("notes", len(texts)),), left)


@pytest.fixture(scope="module", autouse=True)
def traffic_pack() -> Iterator[Pack]:
    """The echo pack with an importer, as ``echotraffic``."""
    register("echotraffic", lambda: dataclasses.replace(echo_pack(), name="echotraffic",
                                                        world_from_traffic=notes_from_traffic))
    yield load_pack("echotraffic")
    unregister("echotraffic")


def entry(method: str, url: str, status: int = 200, answer: bytes = b"", truncated: bool = False) -> har.Entry:
    return har.Entry(har.Request(method, url), har.Response(status, body=answer, truncated=truncated))


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["import-world", *args])


def created(text: str) -> har.Entry:
    return entry("POST", "http://deployment/echo/v1/notes/", 201, json.dumps({"id": 7, "text": text}).encode())


TRAFFIC = [created("first"), entry("GET", "http://deployment/echo/v1/notes/12"),
           entry("GET", "http://deployment/echo/v1/notes/13"), entry("POST", "http://deployment/echo/v1/notes", 400),
           entry("POST", "http://deployment/echo/v1/notes", 201, b"<html>"), created("second: it\nspans lines"),
           entry("POST", "http://deployment/echo/v1/notes", 201, b'{"id": 9, "te', truncated=True)]


def test_routes_match_templates_without_the_trailing_slash() -> None:
    seen: list[dict[str, str]] = []
    routes = Routes({"GET /a/{id}/b": lambda exchange: seen.append(dict(exchange.params))})
    assert routes.replay([entry("GET", "http://h/a/12/b/?x=1"), entry("GET", "http://h/a/12/b/c"),
                          entry("POST", "http://h/a/12/b")]) == {"GET /a/{n}/b/c": 1, "POST /a/{n}/b": 1}
    assert seen == [{"id": "12"}]


def test_a_template_with_fewer_parameters_wins() -> None:
    seen: list[str] = []
    routes = Routes({"GET /p/{id}": lambda exchange: seen.append("one"),
                     "GET /p/withStatus": lambda exchange: seen.append("list")})
    routes.replay([entry("GET", "http://h/p/withStatus"), entry("GET", "http://h/p/1f")])
    assert seen == ["list", "one"]


def test_the_summary_names_what_was_mapped_and_why_the_rest_was_not() -> None:
    imported = notes_from_traffic(TRAFFIC)
    assert imported.summary() == ("2 notes; 5 exchanges not mapped (2 GET /echo/v1/notes/{n}, 1 answer body not JSON, "
                                  "1 answered 4xx, 1 truncated answer body)")


def test_the_scenario_file_loads_as_it_is(traffic_pack: Pack) -> None:
    text = to_yaml(notes_from_traffic(TRAFFIC), origin="traffic.har")
    assert text.startswith("# Made by mockserver import-world from traffic.har: 2 notes; 5 exchanges")
    assert "text: |-\n      second: it\n      spans lines\n" in text  # a multi-line text stays readable
    scenario = scenarios.parse(traffic_pack, text)
    assert [step.params["text"] for step in scenario.steps] == ["first", "second: it\nspans lines"]


def test_the_command_writes_the_scenario_and_one_summary_line(tmp_path: Path) -> None:
    har.write(tmp_path / "traffic.har", TRAFFIC)
    result = run(str(tmp_path / "traffic.har"), "--api", "echotraffic")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["steps"][0] == {"add_note": {"owner": "user", "text": "first"}}
    assert result.stderr.startswith("2 notes; 5 exchanges not mapped (") and result.stderr.count("\n") == 1
    written = run(str(tmp_path / "traffic.har"), "--api", "echotraffic", "-o", str(tmp_path / "notes.yaml"))
    assert written.stdout == "" and (tmp_path / "notes.yaml").read_text() == result.stdout


def error_of(result: Result) -> str:
    """The one ``error:`` line of a refused run (exit status 2, nothing on standard output)."""
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    return line


@pytest.mark.parametrize(("content", "says"), [
    ("{not json", "is not a HAR file (not JSON"),
    ('{"log": {"version": "1.2"}}', "is not a HAR file (no log.entries list)"),
    ('{"log": {"entries": [{"request": {}}]}}', "entry 1 is not a HAR entry"),
])
def test_a_file_that_is_not_har_is_refused(tmp_path: Path, content: str, says: str) -> None:
    (tmp_path / "traffic.har").write_text(content)
    assert says in error_of(run(str(tmp_path / "traffic.har"), "--api", "echotraffic"))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "cannot read" in error_of(run(str(tmp_path / "nothing.har"), "--api", "echotraffic"))


def test_an_unknown_pack_is_refused(tmp_path: Path) -> None:
    har.write(tmp_path / "traffic.har", TRAFFIC)
    assert "unknown API pack 'nope'" in error_of(run(str(tmp_path / "traffic.har"), "--api", "nope"))


def test_a_pack_without_an_importer_is_refused(tmp_path: Path) -> None:
    har.write(tmp_path / "traffic.har", TRAFFIC)
    line = error_of(run(str(tmp_path / "traffic.har"), "--api", "echo"))
    assert line == "error: the echo pack cannot map recorded traffic to a world"


def test_traffic_with_nothing_to_map_is_refused(tmp_path: Path) -> None:
    har.write(tmp_path / "traffic.har", TRAFFIC[1:3])
    line = error_of(run(str(tmp_path / "traffic.har"), "--api", "echotraffic"))
    assert line == (f"error: the echotraffic pack maps nothing of {tmp_path / 'traffic.har'} (nothing mapped; 2 "
                    "exchanges not mapped (2 GET /echo/v1/notes/{n}))")
