"""Accepted differences: which ones they cover, which are stale, which files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.compare import Aspect, Difference, Exchange, Report
from mockserver.compare.accept import Accepted, apply, load
from mockserver.errors import ConfigurationError


def report(*differences: tuple[str, Aspect], ran: tuple[str, ...] = ("one", "two", "three")) -> Report:
    exchanges = tuple(Exchange(name, f"GET /{name}", "GET", f"http://a/{name}", f"http://b/{name}", 200, 200)
                      for name in ran)
    found = tuple(Difference(name, f"GET /{name}", f"GET /{name}", aspect, "$", "1", "2")
                  for name, aspect in differences)
    return Report("A", "B", "plan", exchanges, found)


def test_an_entry_accepts_exactly_its_aspects() -> None:
    judged = apply(report(("one", Aspect.BODY), ("two", Aspect.BODY), ("two", Aspect.MEDIA_TYPE)), [
        Accepted(("body", "bytes"), "the page is rendered", exchange="one"),
        Accepted(("body",), "only the body", exchange="two")])
    assert [(d.exchange, d.accepted) for d in judged.differences] == [
        ("one", "the page is rendered"), ("two", ""), ("two", "")]
    assert judged.unexpected == judged.differences[1:] and judged.stale == () and judged.fails()


def test_a_different_status_is_covered_by_an_entry_naming_the_status() -> None:
    judged = apply(report(("one", Aspect.STATUS)), [Accepted(("status", "content-type", "body"), "r", exchange="one")])
    assert judged.unexpected == () and not judged.fails()
    assert apply(report(("one", Aspect.STATUS)), [Accepted(("body",), "r", exchange="one")]).unexpected


def test_entries_by_request_and_stale_entries() -> None:
    judged = apply(report(("one", Aspect.HEADER)), [
        Accepted(("header",), "by request", request="GET /one"),
        Accepted(("body",), "no longer differs", exchange="two"),
        Accepted(("body",), "never ran", exchange="elsewhere")])
    assert judged.differences[0].accepted == "by request"
    assert [s.exchange for s in judged.stale] == ["two"] and judged.fails()


def test_explained_differences_are_expected() -> None:
    explained = Difference("one", "GET /one", "GET /one", Aspect.BODY, "$.a", "absent", "present", ("c1",), "x")
    assert not Report("A", "B", "p", (), (explained,)).fails()


@pytest.mark.parametrize(("text", "message"), [
    ("{a: 1}", "must hold a list"),
    ("[{exchange: x, differs: [body]}]", "entry 1 needs a reason"),
    ("[{exchange: x, request: GET /x, differs: [body], reason: r}]", "exactly one of exchange"),
    ("[{exchange: x, differs: [colour], reason: r}]", "differs must list aspects"),
    ("[{exchange: x, differs: [], reason: r}]", "differs must list aspects"),
    ("[x]", "entry 1 is not a mapping"),
    ("[{a: [}", "is not YAML"),
])
def test_bad_files_are_refused_with_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "accepted.yaml"
    path.write_text(text)
    with pytest.raises(ConfigurationError, match=message):
        load(path)
    with pytest.raises(ConfigurationError, match="cannot read"):
        load(tmp_path / "missing.yaml")


def test_the_label_studio_list_loads() -> None:
    entries = load(Path(__file__).parents[2] / "fixtures" / "labelstudio" / "compare" / "accepted.yaml")
    assert entries and all(entry.reason and entry.exchange for entry in entries)
    assert {"media-type", "status", "body"} == entries[1].aspects  # content-type is the media type; bytes ignored
